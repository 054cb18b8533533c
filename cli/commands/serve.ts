import { loadConfig } from '../../pipelines/config.ts';
import { openWarehouse, progress, type Command } from '../command.ts';
import { hasEvents, runDemo } from '../demo.ts';
import { parseServeOptions, serveUntilSignal } from '../serve-runtime.ts';

/** `serve`, and `start` (what `npm start` runs), which first loads demo data into an empty database. */
function serving(name: string, summary: string, demoWhenEmpty: boolean): Command {
  return {
    name,
    usage: `brandscore ${name} [--port 3000] [--host 127.0.0.1] [--db FILE]`,
    summary,
    options: { port: { type: 'string' }, host: { type: 'string' } },
    async run({ values }) {
      const config = loadConfig(values.config as string | undefined);
      const options = parseServeOptions(values);
      const warehouse = await openWarehouse(values);
      try {
        if (demoWhenEmpty && !(await hasEvents(warehouse))) {
          progress(`${warehouse.path} has no events yet: loading demo data (about ten seconds)`);
          await runDemo(warehouse, config, { progress });
        }
        await serveUntilSignal(warehouse, config, options);
      } finally {
        warehouse.close();
      }
      return 0;
    },
  };
}

export const serveCommand = serving(
  'serve',
  'Run the HTTP server and the scheduled jobs (inbox every minute, refresh after new data)',
  false,
);
export const startCommand = serving('start', 'What `npm start` runs: load demo data when the database is empty, then serve', true);
