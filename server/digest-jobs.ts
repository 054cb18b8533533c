import type { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import { minutesOfClock } from '../metrics/calendar/zoned-time.ts';
import { digestsMadeFor, makeDigests } from '../metrics/digests/digests.ts';
import type { Config } from '../pipelines/config.ts';
import { enqueueStaffAlert } from '../pipelines/delivery/alerts.ts';
import { deliverDue, deliverUntilSettled, hasDueDeliveries } from '../pipelines/delivery/deliver.ts';
import { resolveDeliverySettings } from '../pipelines/delivery/settings.ts';
import type { JobDefinition } from '../pipelines/scheduler/scheduler.ts';
import type { Warehouse } from '../pipelines/warehouse/database.ts';

/**
 * A deliver-outbox run waits at most this long for retries that fall due, then leaves them to the next tick (a
 * minute later): short, so that SIGTERM, which waits for running jobs, is not held up by a sleeping retry.
 */
export const DELIVERY_RUN_MAX_WAIT_MS = 5_000;

/** How long past the digest time the digests wait for the refresh to fold in data ingested before it. */
export const DIGEST_FRESHNESS_GRACE_MS = 15 * 60 * 1000;

export interface DigestJobEffects {
  now: () => Date;
  log: (message: string) => void;
  /** Whether ingested data awaits the refresh job; while it does, the digests wait (at most the grace period). */
  factsPending?: () => Promise<boolean>;
  /** Environment with BRANDSCORE_WEBHOOK_URL / _SECRET; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The morning digests and the outbox (DESIGN §8). `digests` checks every minute and runs once per business date,
 * at the configured time or, after a restart, at the first tick after it, once the refresh has folded in what was
 * ingested (waiting at most DIGEST_FRESHNESS_GRACE_MS); `deliver-outbox` files new messages and
 * (re)tries due ones every minute, so deliveries left pending by a stopped process resume.
 */
export function defineDigestJobs(
  warehouse: Warehouse,
  config: Config,
  calendar: BusinessCalendar,
  effects: DigestJobEffects,
): JobDefinition[] {
  const settings = resolveDeliverySettings(config.delivery, config.calendar.timeZone, effects.env);
  const deliveryEffects = { now: effects.now, log: effects.log };

  const digestJob: JobDefinition = {
    name: 'digests',
    schedule: '* * * * *',
    shouldRun: async () => {
      const now = effects.now();
      const date = digestDue(calendar, config.delivery.digestTime, now);
      if (date === null || (await digestsMadeFor(warehouse, date))) return false;
      // Counting from facts that miss the last minutes' ingest would tell a brand about work it already did.
      const dueAt = digestDue(calendar, config.delivery.digestTime, new Date(now.getTime() - DIGEST_FRESHNESS_GRACE_MS));
      return dueAt === date || !(await effects.factsPending?.());
    },
    run: async () => {
      const now = effects.now();
      const result = await makeDigests(warehouse, {
        date: calendar.localDateOf(now),
        now,
        calendar,
        digestTime: config.delivery.digestTime,
      });
      const delivery = await deliverDue(warehouse, settings, deliveryEffects);
      return { rowsIn: result.brands, accepted: result.created, details: { ...result, delivery } };
    },
  };

  const deliverJob: JobDefinition = {
    name: 'deliver-outbox',
    schedule: '* * * * *',
    shouldRun: async () => hasDueDeliveries(warehouse, effects.now()),
    run: async () => {
      const delivery = await deliverUntilSettled(warehouse, settings, deliveryEffects, { maxWaitMs: DELIVERY_RUN_MAX_WAIT_MS });
      return { rowsIn: delivery.attempted, accepted: delivery.delivered, rejected: delivery.dead, details: delivery };
    },
  };

  return [digestJob, deliverJob];
}

/** Today's business date when the digest time has come on a business day, else null. */
export function digestDue(calendar: BusinessCalendar, digestTime: string, now: Date): string | null {
  const date = calendar.localDateOf(now);
  if (!calendar.isBusinessDay(date)) return null;
  const local = new Intl.DateTimeFormat('en-GB', { timeZone: calendar.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(now);
  return minutesOfClock(local) >= minutesOfClock(digestTime) ? date : null;
}

/**
 * The job, raising a staff alert when it fails (then failing as before, so the scheduler records the run). The
 * alert's key is the failure's instant: every failed run alerts once.
 */
export function withFailureAlert(warehouse: Warehouse, job: JobDefinition, effects: Pick<DigestJobEffects, 'now' | 'log'>): JobDefinition {
  return {
    ...job,
    run: async () => {
      const started = effects.now();
      try {
        return await job.run();
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        const failedFiles = await warehouse.all<{ path: string; error: string | null }>(
          `SELECT path, error FROM ingested_files WHERE outcome = 'failed' AND started_at >= $since::TIMESTAMPTZ ORDER BY batch_id LIMIT 20`,
          { since: started.toISOString() },
        );
        await enqueueStaffAlert(
          warehouse,
          {
            kind: `${job.name.replaceAll('-', '_')}_failed`,
            key: started.toISOString().replace(/[-:.]/g, ''),
            severity: 'critical',
            title: `Job ${job.name} failed`,
            detail: message,
            data: { job: job.name, started_at: started.toISOString(), failed_files: failedFiles },
          },
          { now: effects.now() },
        ).catch((alertError: unknown) => effects.log(`could not queue the staff alert for ${job.name}: ${String(alertError)}`));
        throw error;
      }
    },
  };
}

