import { progress, type Command } from '../command.ts';
import { generateMarketplace, OUTPUT_FORMATS, type OutputFormat } from '../../pipelines/simulator/generate.ts';

function wholeNumber(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).replace(/_/g, '');
  if (!/^-?\d+$/.test(text)) throw new Error(`--${name} must be a whole number, got '${String(value)}'`);
  return Number(text);
}

export const generateCommand: Command = {
  name: 'generate',
  usage:
    'brandscore generate --out DIR [--orders N | --days D] [--brands B] [--start DATE] [--seed S] [--dirty RATE] [--format parquet|csv|ndjson] [--season DATE]',
  summary: 'Write a synthetic marketplace (brands, events, ground_truth.json) into DIR for ingest, tests and benchmarks',
  options: {
    out: { type: 'string' },
    orders: { type: 'string' },
    days: { type: 'string' },
    brands: { type: 'string' },
    start: { type: 'string' },
    seed: { type: 'string' },
    dirty: { type: 'string' },
    format: { type: 'string' },
    season: { type: 'string' },
  },
  async run({ values }) {
    if (typeof values.out !== 'string' || values.out === '') throw new Error('--out DIR is required');
    const format = (values.format ?? 'parquet') as string;
    if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw new Error(`--format must be one of ${OUTPUT_FORMATS.join(', ')}`);
    const dirty = values.dirty === undefined ? undefined : Number(values.dirty);
    if (dirty !== undefined && Number.isNaN(dirty)) throw new Error(`--dirty must be a share from 0 to 1, got '${String(values.dirty)}'`);
    const result = await generateMarketplace(
      {
        out: values.out,
        orders: wholeNumber('orders', values.orders),
        days: wholeNumber('days', values.days),
        brands: wholeNumber('brands', values.brands),
        seed: wholeNumber('seed', values.seed),
        start: values.start as string | undefined,
        seasonStart: values.season as string | undefined,
        dirty,
        format: format as OutputFormat,
      },
      { progress },
    );
    // maxRSS is in kilobytes; it covers DuckDB's native memory too, which is what the benchmark needs to know.
    const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
    progress(`peak memory (max RSS): ${peakMb} MB`);
    console.log(`${result.orders} orders, ${result.events} events, ${result.brands} brands written to ${result.out}`);
    return 0;
  },
};
