import { loadConfig } from '../../pipelines/config.ts';
import { openWarehouse, progress, type Command } from '../command.ts';
import { runDemo } from '../demo.ts';

export const demoCommand: Command = {
  name: 'demo',
  usage: 'brandscore demo [--days 180] [--brands 200] [--seed 1] [--db FILE]',
  summary: 'Generate synthetic marketplace data ending yesterday into the inbox, ingest it and refresh',
  options: { days: { type: 'string' }, brands: { type: 'string' }, seed: { type: 'string' } },
  async run({ values }) {
    const config = loadConfig(values.config as string | undefined);
    const number = (name: string) => (values[name] === undefined ? undefined : Number(values[name]));
    const warehouse = await openWarehouse(values);
    try {
      const result = await runDemo(warehouse, config, { days: number('days'), brands: number('brands'), seed: number('seed'), progress });
      console.log(
        `demo data ${result.start} to ${result.end} (winter surge from ${result.seasonStart}): ${result.ingest.accepted} events in ${warehouse.path}`,
      );
      return 0;
    } finally {
      warehouse.close();
    }
  },
};
