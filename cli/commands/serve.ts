import { loadConfig } from '../../pipelines/config.ts';
import { DEFAULT_DB_PATH, Warehouse } from '../../pipelines/warehouse/database.ts';
import type { Command } from '../command.ts';
import { parseServeOptions, serveUntilSignal } from '../serve-runtime.ts';

export const serveCommand: Command = {
  name: 'serve',
  usage: 'brandscore serve [--port 3000] [--host 127.0.0.1] [--db FILE]',
  summary: 'Run the HTTP server and the scheduled jobs (inbox every minute, refresh after new data)',
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run({ values }) {
    const config = loadConfig(values.config as string | undefined);
    const options = parseServeOptions(values);
    const warehouse = await Warehouse.open((values.db as string | undefined) ?? DEFAULT_DB_PATH);
    try {
      await serveUntilSignal(warehouse, config, options);
    } finally {
      warehouse.close();
    }
    return 0;
  },
};
