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
  /** Requests per minute per credential (0: no limit), BRANDSCORE_RATE_LIMIT. */
  rateLimit?: number;
  /** Ingest requests per minute per credential, BRANDSCORE_INGEST_RATE_LIMIT. */
  ingestRateLimit?: number;
  /** Largest ingest body in MiB, BRANDSCORE_INGEST_BODY_LIMIT_MB. */
  ingestBodyLimitMb?: number;
}

export function parseServeOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ServeOptions {
  const port = Number((values.port as string | undefined) ?? env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${values.port}`);
  const count = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name}: expected a whole number, got '${raw}'`);
    return value;
  };
  return {
    port,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    rateLimit: count('BRANDSCORE_RATE_LIMIT'),
    ingestRateLimit: count('BRANDSCORE_INGEST_RATE_LIMIT'),
    ingestBodyLimitMb: count('BRANDSCORE_INGEST_BODY_LIMIT_MB'),
  };
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

  const app = await buildApp({
    warehouse,
    config,
    adminToken: process.env.BRANDSCORE_ADMIN_TOKEN || undefined,
    rateLimit:
      options.rateLimit === 0
        ? false
        : { ...(options.rateLimit ? { max: options.rateLimit } : {}), ...(options.ingestRateLimit ? { ingestMax: options.ingestRateLimit } : {}) },
    ingestBodyLimit: options.ingestBodyLimitMb ? options.ingestBodyLimitMb * 1024 * 1024 : undefined,
    log: progress,
  });
  const address = await app.listen({ port: options.port, host: options.host });
  progress(`brandscore serving ${address} (database ${warehouse.path}, inbox ${config.inbox})`);
  // The pages need a session; a one-time code saves creating a token just to look.
  const login = await app.credentials.createLoginCode({ role: 'admin' });
  progress(`sign in to the pages as admin (link works once, for 15 minutes): ${address}/login?token=${login.code}`);

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
