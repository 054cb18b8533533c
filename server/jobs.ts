import { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import { evaluateRecommendations } from '../metrics/recommendations/evaluate.ts';
import { policyOfConfig } from '../metrics/recommendations/policy.ts';
import { addDays } from '../metrics/calendar/zoned-time.ts';
import { ForecastUnavailableError } from '../metrics/forecast/forecast.ts';
import { refresh } from '../metrics/refresh.ts';
import { computeStaffing } from '../metrics/staffing/staffing.ts';
import { enqueueStaffAlert } from '../pipelines/delivery/alerts.ts';
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
      return (await hasUnrefreshedData(warehouse)) || (await scorecardsBehindFacts(warehouse));
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
  const policy = policyOfConfig(config);
  const recommendJob: JobDefinition = {
    name: 'recommend',
    schedule: '0 6 * * 1',
    run: async () => {
      const evaluation = await evaluateRecommendations(warehouse, { now: effects.now(), calendar, policy, triggeredBy: 'schedule' });
      return { rowsIn: evaluation.brands_evaluated, details: evaluation };
    },
  };

  // Forecast and staffing, daily (DESIGN §8) before the CS day starts. The API computes them on request too; this
  // run keeps a dated record of what was forecast (job_runs.details, for judging the forecast later) and tells
  // staff when the next week needs more agents than are configured.
  const forecastJob: JobDefinition = {
    name: 'forecast-staffing',
    schedule: '30 5 * * *',
    run: async () => forecastAndStaff(warehouse, config, calendar, effects.now()),
  };

  return [
    withFailureAlert(warehouse, ingestJob, effects),
    refreshJob,
    recommendJob,
    forecastJob,
    ...defineDigestJobs(warehouse, config, calendar, { ...effects, factsPending: () => hasUnrefreshedData(warehouse) }),
  ];
}

/** Days ahead in which a staffing shortfall raises a staff alert. */
export const SHORTFALL_ALERT_DAYS = 7;

/**
 * One forecast-and-staffing run: the next 28 days' forecast and agents needed. A shortfall (inquiry agents, or phone
 * agents in some hour) within SHORTFALL_ALERT_DAYS raises one staff alert per day and date of the run.
 */
export async function forecastAndStaff(warehouse: Warehouse, config: Config, calendar: BusinessCalendar, now: Date) {
  const today = calendar.localDateOf(now);
  let staffing;
  try {
    staffing = await computeStaffing(warehouse, { from: today, to: addDays(today, 28) }, { calendar, now, settings: config.peakLoad });
  } catch (error) {
    // Too little history is a normal state of a new installation, not a failed run.
    if (error instanceof ForecastUnavailableError) return { rowsIn: 0, details: { skipped: error.message } };
    throw error;
  }
  const soon = addDays(today, SHORTFALL_ALERT_DAYS);
  const short = staffing.days.filter((day) => day.date < soon && day.shortfall > 0);
  const phoneShort = staffing.phone_hours.filter((hour) => hour.date < soon && hour.shortfall > 0);
  for (const day of new Set([...short.map((d) => d.date), ...phoneShort.map((h) => h.date)])) {
    const inquiries = short.find((d) => d.date === day);
    const phone = phoneShort.filter((h) => h.date === day);
    // The worst hour, the earliest among equals, without reordering `phone`: the alert's data keeps hour order.
    const worst = phone.reduce<(typeof phone)[number] | undefined>((a, b) => (a === undefined || b.shortfall > a.shortfall ? b : a), undefined);
    await enqueueStaffAlert(
      warehouse,
      {
        kind: 'staffing_shortfall',
        key: `${day}:${today}`,
        severity: 'warning',
        title: `CS staffing short on ${day}`,
        detail: [
          inquiries ? `${inquiries.agents_needed} agents needed for ${Math.round(inquiries.inquiries)} forecast inquiries, ${inquiries.agents_configured} configured` : '',
          worst ? `phones short in ${phone.length} hour(s), worst ${worst.shortfall} agent(s) at ${worst.hour}` : '',
        ].filter(Boolean).join('; '),
        data: { day: inquiries ?? null, phone_hours: phone },
      },
      { now },
    );
  }
  return {
    rowsIn: staffing.days.length,
    details: {
      window: staffing.window,
      orders_backtest: staffing.forecast.orders.backtest,
      inquiries_backtest: staffing.forecast.inquiries.backtest,
      days: staffing.days.map(({ date, inquiries, inquiries_high, agents_needed, agents_configured, shortfall }) => ({
        date, inquiries, inquiries_high, agents_needed, agents_configured, shortfall,
      })),
      shortfall_days_within_week: short.length,
      phone_hours_short_within_week: phoneShort.length,
    },
  };
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

/**
 * Whether the stored scorecards lag the facts: a refresh stopped between its two transactions (metrics/refresh.ts).
 * The refresh job runs for it; the digests, which read facts, need not wait for it.
 */
export async function scorecardsBehindFacts(warehouse: Warehouse): Promise<boolean> {
  const row = await warehouse.one<{ behind: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM refresh_state WHERE scorecards_batch IS DISTINCT FROM last_batch) AS behind',
  );
  return row?.behind ?? false;
}
