import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import { brandEvidence, brandTrend } from '../metrics/evidence/evidence.ts';
import { getScorecard, listScorecards, resolveWindow, scorecardWindow, ScorecardWindowError, storedRates, trailingWindow } from '../metrics/scorecards/scorecards.ts';
import type { Scorecard, ScorecardWindow } from '../metrics/scorecards/schema.ts';
import { recentJobRuns, type JobRun } from '../pipelines/scheduler/job-runs.ts';
import { recentIngestedFiles, recentIngestRequests } from '../pipelines/sources/ingest-history.ts';
import type { Warehouse } from '../pipelines/warehouse/database.ts';
import type { PeakLoadSettings } from '../pipelines/config.ts';
import { countByStatus, listMessages, type OutboxMessage } from '../pipelines/delivery/outbox.ts';
import { addDays } from '../metrics/calendar/zoned-time.ts';
import { checkLoadWindow, computeLoad, LoadWindowError, type Load, type LoadGrain } from '../metrics/load/load.ts';
import { computeStaffing, type Staffing } from '../metrics/staffing/staffing.ts';
import { listRecommendations } from '../metrics/recommendations/decisions.ts';
import type { RecommendationList } from '../metrics/recommendations/schema.ts';
import type { Policy } from '../metrics/recommendations/policy.ts';
import { onboardingChecklists } from '../metrics/onboarding/checklist.ts';
import type { OnboardingChecklist } from '../metrics/onboarding/schema.ts';
import { highestRates, rankRates, rateRow, type RateRow, type ScorecardChartMetric } from './charts/scorecards.ts';

/**
 * What pages and charts read, through the same functions as the JSON API, so a page never shows a number the API
 * would not. The context is what the server passes in (a subset of server/services.ts).
 */

export interface DashboardContext {
  warehouse: Warehouse;
  pool: { use<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> };
  calendar: BusinessCalendar;
  now: () => Date;
  /** Delisting and onboarding policy (the recommendations and onboarding pages). */
  policy?: Policy;
  /** Surge thresholds and staffing parameters (the peak-load page). */
  peakLoad?: PeakLoadSettings;
  /** Results shared by the charts of one page (three charts draw the same weekly trend); one map per request. */
  memo?: Map<string, Promise<unknown>>;
}

function memoised<T>(ctx: DashboardContext, key: string, load: () => Promise<T>): Promise<T> {
  if (!ctx.memo) return load();
  let hit = ctx.memo.get(key) as Promise<T> | undefined;
  if (!hit) ctx.memo.set(key, (hit = load()));
  return hit;
}

/** Who is looking: a brand viewer sees its own brand only. */
export interface Viewer {
  role: string;
  brandId: string | null;
}

export const brandScopeOf = (viewer: Viewer): string | null => (viewer.role === 'brand' ? viewer.brandId : null);

export const WINDOW_DAYS = ['7', '28', '90'] as const;

/** The window picker's query: a standard trailing window (`days`) or a custom one (`from`, `to`). */
export const WindowPickerQuery = z.object({
  days: z.enum([...WINDOW_DAYS, 'custom']).optional(),
  from: z.iso.date({ error: 'expected a YYYY-MM-DD date' }).optional(),
  to: z.iso.date({ error: 'expected a YYYY-MM-DD date' }).optional(),
});
export type WindowPickerQuery = z.infer<typeof WindowPickerQuery>;

/** The dates a picker query asks for: custom dates when both are given, else the trailing 7, 28 (default) or 90 days. */
export function pickedWindow(ctx: DashboardContext, query: WindowPickerQuery): { from: string; to: string; days: string } {
  if (query.from && query.to && (query.days === undefined || query.days === 'custom')) {
    resolveWindow(ctx.calendar, { from: query.from, to: query.to }, ctx.now()); // refuses an empty window
    return { from: query.from, to: query.to, days: 'custom' };
  }
  const days = query.days && query.days !== 'custom' ? query.days : '28';
  const window = trailingWindow(ctx.calendar, ctx.now(), Number(days));
  return { from: window.from, to: window.to, days };
}

export const SCORECARD_PAGE_SIZE = 500;

export async function loadScorecards(
  ctx: DashboardContext,
  viewer: Viewer,
  dates: { from: string; to: string },
  page: { offset: number; limit?: number } = { offset: 0 },
): Promise<{ window: ScorecardWindow; total: number; scorecards: Scorecard[] }> {
  return ctx.pool.use((connection) =>
    listScorecards(
      ctx.warehouse,
      dates,
      { now: ctx.now(), calendar: ctx.calendar, connection },
      { limit: page.limit ?? SCORECARD_PAGE_SIZE, offset: page.offset, only: brandScopeOf(viewer) },
    ),
  );
}

export async function loadScorecard(ctx: DashboardContext, brandId: string, dates: { from?: string; to?: string }): Promise<Scorecard | undefined> {
  return ctx.pool.use((connection) => getScorecard(ctx.warehouse, brandId, dates, { now: ctx.now(), calendar: ctx.calendar, connection }));
}

/** The window loadScorecard's scorecard is judged in, without computing one (for the evidence charts). */
export async function loadScorecardWindow(ctx: DashboardContext, brandId: string, dates: { from?: string; to?: string }): Promise<ScorecardWindow> {
  return ctx.pool.use((connection) => scorecardWindow(ctx.warehouse, brandId, dates, { now: ctx.now(), calendar: ctx.calendar, connection }));
}

/** The brand page and its claim-stages chart read the same evidence: once per request. */
export async function loadEvidence(ctx: DashboardContext, brandId: string, window: ScorecardWindow, limit?: number) {
  return memoised(ctx, `evidence:${brandId}:${window.from}:${window.to}:${window.as_of}:${limit ?? ''}`, () =>
    ctx.pool.use((connection) => brandEvidence(ctx.warehouse, brandId, window, { limit, connection })),
  );
}

export async function loadTrend(ctx: DashboardContext, brandId: string, weeks?: number) {
  return memoised(ctx, `trend:${brandId}:${weeks ?? ''}`, () =>
    ctx.pool.use((connection) => brandTrend(ctx.warehouse, brandId, { weeks, now: ctx.now(), calendar: ctx.calendar, connection })),
  );
}

const HERE = dirname(fileURLToPath(import.meta.url));
const QUARANTINE_EXAMPLES_SQL = readFileSync(join(HERE, 'quarantine_examples.sql'), 'utf8');

/**
 * The `n` brands with the highest value of a rate in a window: from the stored scorecards in SQL when the window
 * is materialised, else from the computed scorecards of every brand (which a custom window computes anyway).
 */
export async function loadHighestRates(
  ctx: DashboardContext,
  viewer: Viewer,
  dates: { from: string; to: string },
  metric: ScorecardChartMetric,
  n: number,
): Promise<RateRow[]> {
  const only = brandScopeOf(viewer);
  const stored = await ctx.pool.use((connection) => storedRates(ctx.warehouse, dates, metric, { only, connection }));
  if (stored.length > 0) return rankRates(stored.map(({ brand_id, name, rate }) => rateRow(brand_id, name, rate)), n);
  const { scorecards } = await loadScorecards(ctx, viewer, dates, { offset: 0, limit: Number.MAX_SAFE_INTEGER });
  return highestRates(scorecards, metric, n);
}

export interface QuarantineGroup {
  stream: string;
  field: string;
  reason: string;
  count: number;
  last_at: string;
  example_source: string;
  example_line: number | null;
  example_raw: string | null;
}

export interface JobsData {
  runs: JobRun[];
  files: Awaited<ReturnType<typeof recentIngestedFiles>>;
  requests: Awaited<ReturnType<typeof recentIngestRequests>>;
  quarantine: QuarantineGroup[];
}

/** The jobs page and its two charts read the same history: once per request. */
export async function loadJobs(ctx: DashboardContext): Promise<JobsData> {
  return memoised(ctx, 'jobs', async () => {
    const runs = await recentJobRuns(ctx.warehouse);
    return ctx.pool.use(async (connection) => ({
      runs,
      files: await recentIngestedFiles(ctx.warehouse, 50, connection),
      requests: await recentIngestRequests(ctx.warehouse, 50, connection),
      quarantine: await ctx.warehouse.all<QuarantineGroup>(QUARANTINE_EXAMPLES_SQL, { limit: 30 }, connection),
    }));
  });
}

/** The query that picks the same window again (for links and charts). */
export function windowParams(picked: { days: string; from: string; to: string }): Record<string, string> {
  return picked.days === 'custom' ? { days: 'custom', from: picked.from, to: picked.to } : { days: picked.days };
}

/** The recommendations of the latest evaluation with their decision history, as `GET /api/recommendations`. */
export async function loadRecommendations(ctx: DashboardContext): Promise<RecommendationList> {
  return ctx.pool.use((connection) => listRecommendations(ctx.warehouse, { connection }));
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the dashboards context has no ${what}`);
  return value;
}

/**
 * The onboarding checklist of every brand in probation (status probation), as `GET /api/onboarding/:brand_id`; a
 * brand viewer gets its own checklist whatever its status, as the API gives it.
 */
export async function loadProbationChecklists(ctx: DashboardContext, viewer: Viewer): Promise<OnboardingChecklist[]> {
  const policy = required(ctx.policy, 'policy');
  return ctx.pool.use(async (connection) => {
    const brands = await ctx.warehouse.all<{ brand_id: string }>(
      `SELECT brand_id FROM brands WHERE CASE WHEN $only IS NULL THEN status = 'probation' ELSE brand_id = $only END ORDER BY brand_id`,
      { only: brandScopeOf(viewer) },
      connection,
    );
    return onboardingChecklists(
      ctx.warehouse,
      brands.map(({ brand_id }) => brand_id),
      { now: ctx.now(), calendar: ctx.calendar, policy, connection },
    );
  });
}

export async function loadLoad(ctx: DashboardContext, dates: { from: string; to: string }, grain: LoadGrain): Promise<Load> {
  const settings = required(ctx.peakLoad, 'peak-load settings');
  // A window the load refuses (too long) is the caller's mistake, a 400 like a bad scorecard window.
  try {
    checkLoadWindow(dates, grain);
  } catch (error) {
    if (error instanceof LoadWindowError) throw new ScorecardWindowError(error.message);
    throw error;
  }
  return memoised(ctx, `load:${dates.from}:${dates.to}:${grain}`, () =>
    ctx.pool.use((connection) => computeLoad(ctx.warehouse, { ...dates, grain }, { calendar: ctx.calendar, now: ctx.now(), settings, connection })),
  );
}

/** Staffing from today over the next 28 days, as `GET /api/staffing` defaults to. */
export async function loadStaffing(ctx: DashboardContext): Promise<Staffing> {
  const settings = required(ctx.peakLoad, 'peak-load settings');
  const from = ctx.calendar.localDateOf(ctx.now());
  return memoised(ctx, `staffing:${from}`, () =>
    ctx.pool.use((connection) =>
      computeStaffing(ctx.warehouse, { from, to: addDays(from, 28) }, { calendar: ctx.calendar, now: ctx.now(), settings, connection }),
    ),
  );
}

/** Outbox counts by status and the newest messages, as `GET /api/deliveries`; dead letters as its dead-letters route. */
export async function loadDeliveries(ctx: DashboardContext) {
  return ctx.pool.use(async (connection) => ({
    counts: await countByStatus(ctx.warehouse, connection),
    messages: await listMessages(ctx.warehouse, { limit: 30 }, connection),
    dead: await listMessages(ctx.warehouse, { status: 'dead', limit: 200 }, connection),
  })) satisfies Promise<{ counts: Record<string, number>; messages: OutboxMessage[]; dead: OutboxMessage[] }>;
}
