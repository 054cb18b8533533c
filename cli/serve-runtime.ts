import type { Config } from '../pipelines/config.ts';
import { markInterruptedRuns } from '../pipelines/scheduler/job-runs.ts';
import { Scheduler } from '../pipelines/scheduler/scheduler.ts';
import type { Warehouse } from '../pipelines/warehouse/database.ts';
import { buildApp } from '../server/app.ts';
import { defineJobs } from '../server/jobs.ts';
import { progress } from './command.ts';

export interface ServeOptions {
  port: number;
  host: string;
}

export function parseServeOptions(values: Record<string, unknown>): ServeOptions {
  const port = Number((values.port as string | undefined) ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${values.port}`);
  return { port, host: (values.host as string | undefined) ?? '127.0.0.1' };
}

/**
 * The one process that owns the database: HTTP server and scheduler together (DESIGN §2). Runs until SIGTERM or
 * SIGINT, then lets running jobs finish their transaction before closing, so a stop never half-writes.
 */
export async function serveUntilSignal(warehouse: Warehouse, config: Config, options: ServeOptions): Promise<void> {
  const interrupted = await markInterruptedRuns(warehouse);
  if (interrupted > 0) progress(`marked ${interrupted} job run(s) left running by a stopped process as interrupted`);

  const scheduler = new Scheduler(warehouse, config.calendar.timeZone, { log: progress });
  for (const job of defineJobs(warehouse, config, { now: () => new Date(), log: progress })) scheduler.register(job);

  const app = await buildApp({ warehouse });
  const address = await app.listen({ port: options.port, host: options.host });
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
}
