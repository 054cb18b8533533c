import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { RANKED_KEYS, type Metrics, type RankedKey, type Scorecard } from '../../metrics/scorecards/schema.ts';
import { getScorecard } from '../../metrics/scorecards/scorecards.ts';
import { loadConfig } from '../../pipelines/config.ts';
import { openWarehouse, type Command } from '../command.ts';

export const scorecardCommand: Command = {
  name: 'scorecard',
  usage: 'brandscore scorecard BRAND [--from YYYY-MM-DD --to YYYY-MM-DD] [--json] [--db FILE]',
  summary: "Show a brand's scorecard (default: the trailing 28 days); --json prints the API's object",
  positionals: true,
  options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }) {
    const [brandId, ...extra] = positionals;
    if (!brandId || extra.length > 0) throw new Error('scorecard needs exactly one brand id');
    const config = loadConfig(values.config as string | undefined);
    const calendar = new BusinessCalendar(config.calendar);
    const warehouse = await openWarehouse(values);
    try {
      const scorecard = await getScorecard(
        warehouse,
        brandId,
        { from: values.from as string | undefined, to: values.to as string | undefined },
        { now: new Date(), calendar },
      );
      if (!scorecard) throw new Error(`unknown brand '${brandId}': not in brands and in no event`);
      console.log(values.json ? JSON.stringify(scorecard, null, 2) : formatScorecard(scorecard));
      return 0;
    } finally {
      warehouse.close();
    }
  },
};

/** The scorecard as a plain-text table: metric, this window, previous window, percentile rank. */
export function formatScorecard(scorecard: Scorecard): string {
  const { brand, window, previous } = scorecard;
  const title = `${scorecard.brand_id}${brand.name ? ` (${brand.name})` : ''}, ${brand.status}`;
  const header = ['metric', `${window.from} – ${window.to}`, `previous ${previous.window.from} – ${previous.window.to}`, 'pct rank'];
  const rows = (Object.keys(scorecard.metrics) as (keyof Metrics)[]).map((key) => {
    const rank = (RANKED_KEYS as readonly string[]).includes(key) ? scorecard.percentile_ranks[key as RankedKey] : undefined;
    if (scorecard.no_data.includes(key)) return [key, 'no data', 'no data', ''];
    return [
      key,
      formatMetric(scorecard.metrics[key]),
      formatMetric(previous.metrics[key]),
      rank ? (rank.percentile === null ? `– (${rank.peers} brands)` : `${rank.percentile} (${rank.peers} brands)`) : '',
    ];
  });
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [
    title,
    `window ${window.from} to ${window.to} (exclusive), as of ${window.as_of}; durations in business hours`,
    ...(scorecard.no_data.length > 0 ? ['no data: nothing of this kind was ever received (not zero)'] : []),
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
  ].join('\n');
}

function formatMetric(metric: Metrics[keyof Metrics]): string {
  const number = (value: number | null, digits = 1) => (value === null ? '–' : value.toFixed(digits));
  const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
  if ('denominator' in metric) {
    if (metric.value === null) return `– (0/0)`;
    return `${percent(metric.value)} (${metric.numerator}/${metric.denominator}; 95% ${percent(metric.wilson_low)}–${percent(metric.wilson_high)})`;
  }
  if ('p50' in metric) return metric.n === 0 ? '– (n=0)' : `p50 ${number(metric.p50)}, p90 ${number(metric.p90)} (n=${metric.n})`;
  if ('n' in metric) return metric.value === null ? '– (n=0)' : `${number(metric.value, 2)} (n=${metric.n})`;
  return String(metric.value);
}
