import { loadConfig } from '../../pipelines/config.ts';
import { ingestInbox } from '../../pipelines/sources/inbox.ts';
import { markInterruptedRuns } from '../../pipelines/scheduler/job-runs.ts';
import { Scheduler } from '../../pipelines/scheduler/scheduler.ts';
import { DEFAULT_DB_PATH, Warehouse } from '../../pipelines/warehouse/database.ts';
import { buildApp } from '../../server/app.ts';
import { progress, type Command } from '../command.ts';

export const serveCommand: Command = {
  name: 'serve',
  usage: 'brandscore serve [--port 3000] [--host 127.0.0.1] [--db FILE]',
  summary: 'Run the HTTP server and the scheduled jobs (inbox ingest every minute, …)',
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run({ values }) {
    const config = loadConfig(values.config as string | undefined);
    const port = Number((values.port as string | undefined) ?? process.env.PORT ?? 3000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${values.port}`);
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    const warehouse = await Warehouse.open((values.db as string | undefined) ?? DEFAULT_DB_PATH);
    const interrupted = await markInterruptedRuns(warehouse);
    if (interrupted > 0) progress(`marked ${interrupted} job run(s) left running by a stopped process as interrupted`);

    const scheduler = new Scheduler(warehouse, config.calendar.timeZone, { log: progress });
    scheduler.register({
      name: 'ingest-inbox',
      schedule: '* * * * *',
      run: async () => {
        const { summary } = await ingestInbox(warehouse, config.inbox, { sourceTimeZone: config.sourceTimeZone });
        if (summary.failedFiles > 0) throw new Error(`${summary.failedFiles} of ${summary.files} inbox files failed`);
        return { ...summary, details: summary.byStream };
      },
    });

    const app = await buildApp({ warehouse });
    const address = await app.listen({ port, host });
    progress(`brandscore serving ${address} (database ${warehouse.path}, inbox ${config.inbox})`);

    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        progress(`${signal}: finishing running jobs, then stopping`);
        resolve();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    await scheduler.stop();
    await app.close();
    warehouse.close();
    return 0;
  },
};
