import { loadConfig } from '../../pipelines/config.ts';
import { DEFAULT_DB_PATH, Warehouse } from '../../pipelines/warehouse/database.ts';
import { progress, type Command } from '../command.ts';
import { hasEvents, runDemo } from '../demo.ts';
import { parseServeOptions, serveUntilSignal } from '../serve-runtime.ts';

export const startCommand: Command = {
  name: 'start',
  usage: 'brandscore start [--port 3000] [--host 127.0.0.1] [--db FILE]',
  summary: 'What `npm start` runs: load demo data when the database is empty, then serve',
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run({ values }) {
    const config = loadConfig(values.config as string | undefined);
    const options = parseServeOptions(values);
    const warehouse = await Warehouse.open((values.db as string | undefined) ?? DEFAULT_DB_PATH);
    try {
      if (!(await hasEvents(warehouse))) {
        progress(`${warehouse.path} has no events yet: loading demo data (about a minute)`);
        await runDemo(warehouse, config, { progress });
      }
      await serveUntilSignal(warehouse, config, options);
    } finally {
      warehouse.close();
    }
    return 0;
  },
};
