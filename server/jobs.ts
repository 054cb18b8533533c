import { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import { evaluateRecommendations } from '../metrics/recommendations/evaluate.ts';
import { loadPolicy } from '../metrics/recommendations/policy.ts';
import { refresh } from '../metrics/refresh.ts';
import type { Config } from '../pipelines/config.ts';
import type { JobDefinition } from '../pipelines/scheduler/scheduler.ts';
import { inboxHasFiles, ingestInbox } from '../pipelines/sources/inbox.ts';
import type { Warehouse } from '../pipelines/warehouse/database.ts';
import { defineDigestJobs, withFailureAlert } from './digest-jobs.ts';

/** Refresh at most this often, however often new data lands (DESIGN §8). */
export const REFRESH_MIN_INTERVAL_MS = 10 * 60 * 1000;

export interface JobEffects {
  now: () => Date;
  log: (message: string) => void;
}

/** The scheduled jobs of DESIGN §8 that exist so far. */
export function defineJobs(warehouse: Warehouse, config: Config, effects: JobEffects): JobDefinition[] {
  const calendar = new BusinessCalendar(config.calendar, { onWarning: (message) => effects.log(`calendar: ${message}`) });
  let lastRefresh = 0;

  const ingestJob: JobDefinition = {
    name: 'ingest-inbox',
    schedule: '* * * * *',
    // An empty inbox is not worth a job_runs row every minute.
    shouldRun: async () => inboxHasFiles(config.inbox),
    run: async () => {
      const { summary } = await ingestInbox(warehouse, config.inbox, { sourceTimeZone: config.sourceTimeZone });
      if (summary.failedFiles > 0) throw new Error(`${summary.failedFiles} of ${summary.files} inbox files failed`);
      return { ...summary, details: summary.byStream };
    },
  };

  const refreshJob: JobDefinition = {
    name: 'refresh',
    schedule: '* * * * *',
    shouldRun: async () => {
      if (effects.now().getTime() - lastRefresh < REFRESH_MIN_INTERVAL_MS) return false;
      return hasUnrefreshedData(warehouse);
    },
    run: async () => {
      lastRefresh = effects.now().getTime();
      const result = await refresh(warehouse, { now: effects.now(), calendar });
      const touched = Object.values(result.touched).reduce((sum, n) => sum + n, 0);
      return { rowsIn: touched, details: result };
    },
  };

  // Weekly delisting evaluation (DESIGN §6, §8), Monday 06:00 business time, over the 28 days up to Sunday. It reads
  // the facts as the refresh job left them (that job runs within 10 minutes of new data); running a refresh here too
  // could collide with it.
  const policy = loadPolicy(config.policy, { required: config.policy !== undefined });
  const recommendJob: JobDefinition = {
    name: 'recommend',
    schedule: '0 6 * * 1',
    run: async () => {
      const evaluation = await evaluateRecommendations(warehouse, { now: effects.now(), calendar, policy, triggeredBy: 'schedule' });
      return { rowsIn: evaluation.brands_evaluated, details: evaluation };
    },
  };

  return [
    withFailureAlert(warehouse, ingestJob, effects),
    refreshJob,
    recommendJob,
    ...defineDigestJobs(warehouse, config, calendar, { ...effects, factsPending: () => hasUnrefreshedData(warehouse) }),
  ];
}

/** Whether ingest (files or HTTP requests) has stored batches that the facts do not reflect yet. */
export async function hasUnrefreshedData(warehouse: Warehouse): Promise<boolean> {
  // A request whose rows were all duplicates stored nothing, so the refresh watermark would never reach it.
  const row = await warehouse.one<{ pending: boolean }>(
    `SELECT greatest(coalesce((SELECT max(batch_id) FROM ingested_files WHERE outcome = 'ingested'), 0),
                     coalesce((SELECT max(batch_id) FROM ingest_requests WHERE outcome = 'ingested' AND rows_accepted > 0), 0))
            > coalesce((SELECT max(last_batch) FROM refresh_state), 0) AS pending`,
  );
  return row?.pending ?? false;
}
