import { z } from 'zod';
import type { RouteKey } from '../../server/auth/roles.ts';
import { loadEvidence, loadHighestRates, loadJobs, loadScorecardWindow, loadLoad, loadStaffing, loadTrend, pickedWindow, WindowPickerQuery, type DashboardContext, type Viewer } from '../data.ts';
import { LANGUAGES, type Labeller } from '../i18n.ts';
import { claimStagesChart, weeklyAnswerTimeChart, weeklyRateChart } from './brand-trends.ts';
import { ingestRowsChart, jobRunsChart } from './jobs.ts';
import { backlogChart, inquiryChannelsChart, loadVolumeChart, selfServiceChart } from './load.ts';
import { agentsNeededChart, phoneAgentsChart } from './staffing.ts';
import { addDays } from '../../metrics/calendar/zoned-time.ts';
import { MAX_WINDOW_DAYS } from '../../metrics/load/load.ts';
import { SCORECARD_CHART_BRANDS, SCORECARD_CHART_METRICS, scorecardRatesChart } from './scorecards.ts';
import { emptyChart, type ChartSpec } from './spec.ts';
import { ForecastUnavailableError } from '../../metrics/forecast/forecast.ts';
import type { WeekTrend } from '../../metrics/evidence/schema.ts';

/**
 * Every chart by name: its query parameters (zod), whose access it follows and how it is built. Pages embed charts
 * from here and `GET /api/charts/:name.svg` renders them, so each chart on a page can also be exported. A chart
 * follows the access row of the API its data comes from; a chart about one brand names it (`brandOf`) so that a
 * brand viewer gets only its own.
 */

const BrandId = z.string().min(1).max(200);
const Weeks = z.coerce.number().int().min(2).max(52).optional();

/** Every parameter any chart takes, for the route's validation and the OpenAPI document. */
export const ChartQuerySchema = WindowPickerQuery.extend({
  brand_id: BrandId.optional().describe('The brand of a brand chart'),
  metric: z.enum(SCORECARD_CHART_METRICS).optional().describe('The rate of scorecard-rates (default late_dispatch_rate)'),
  weeks: Weeks.describe('Weeks of a weekly trend chart (2–52, default 12)'),
  lang: z.enum(LANGUAGES).optional().describe('Language of titles and labels (default en)'),
});

export interface ChartDefinition<Q> {
  /** What the chart shows, for the registry's listing. */
  description: string;
  /** The row of the access table (server/auth/roles.ts) whose roles may see this chart. */
  access: RouteKey;
  /** This chart's own parameters; others are refused. */
  query: z.ZodType<Q>;
  /** The brand the chart is about, which a brand viewer must be. */
  brandOf?: (query: Q) => string;
  build(ctx: DashboardContext, viewer: Viewer, query: Q, t: Labeller): Promise<ChartSpec>;
}

function chart<Q>(definition: ChartDefinition<Q>): ChartDefinition<Q> {
  return definition;
}

const BrandTrendQuery = z.strictObject({ brand_id: BrandId, weeks: Weeks, lang: ChartQuerySchema.shape.lang });
const BrandWindowQuery = WindowPickerQuery.extend({ brand_id: BrandId, lang: ChartQuerySchema.shape.lang }).strict();
const LangQuery = z.strictObject({ lang: ChartQuerySchema.shape.lang });
const LoadWindowQuery = WindowPickerQuery.extend({ lang: ChartQuerySchema.shape.lang }).strict();

/** Days of the hourly chart: the last ones of the picked window (an hourly line of 90 days is unreadable). */
export const HOURLY_DAYS = 14;

/** A chart that needs the forecast says so when there is too little history for one, rather than failing the page. */
async function withForecast(title: string, build: () => Promise<ChartSpec>): Promise<ChartSpec> {
  try {
    return await build();
  } catch (error) {
    if (error instanceof ForecastUnavailableError) return emptyChart(title, error.message);
    throw error;
  }
}

/** A measure per day in the picked window continued by its forecast of the next 28 days. */
function forecastChart(measure: 'orders_placed' | 'inquiries_opened', title: string, what: string) {
  return chart({
    description: `${what} per day in the picked window continued by the forecast of the next 28 days, with its prediction band`,
    access: 'GET /api/staffing',
    query: LoadWindowQuery,
    build: (ctx, _viewer, query) =>
      withForecast(title, async () => {
        const staffing = await loadStaffing(ctx);
        return loadVolumeChart(await loadLoad(ctx, pickedWindow(ctx, query), 'day'), {
          measure,
          forecast: measure === 'orders_placed' ? staffing.forecast.orders : staffing.forecast.inquiries,
          interval: staffing.forecast.interval,
        });
      }),
  });
}

/** A chart of one brand's weekly trend (the data of `GET /api/brands/:brand_id/trend`, read once per page for all three). */
function brandTrendChart(description: string, draw: (weeks: readonly WeekTrend[], t: Labeller) => ChartSpec) {
  return chart({
    description,
    access: 'GET /api/brands/:brand_id/scorecard',
    query: BrandTrendQuery,
    brandOf: (query) => query.brand_id,
    build: async (ctx, _viewer, query, t) => draw((await loadTrend(ctx, query.brand_id, query.weeks)).weeks, t),
  });
}

export const CHARTS = {
  'scorecard-rates': chart({
    description: 'One rate across brands: the highest 15 with their 95% intervals',
    access: 'GET /api/scorecards',
    query: WindowPickerQuery.extend({ metric: ChartQuerySchema.shape.metric, lang: ChartQuerySchema.shape.lang }).strict(),
    async build(ctx, viewer, query, t) {
      const metric = query.metric ?? 'late_dispatch_rate';
      const rows = await loadHighestRates(ctx, viewer, pickedWindow(ctx, query), metric, SCORECARD_CHART_BRANDS);
      return scorecardRatesChart(rows, metric, t);
    },
  }),
  'brand-late-dispatch': brandTrendChart("A brand's late dispatch rate by week, with 95% intervals", (weeks, t) => weeklyRateChart(weeks, 'late_dispatch_rate', t)),
  'brand-sla': brandTrendChart("A brand's inquiry SLA rate by week, with 95% intervals", (weeks, t) => weeklyRateChart(weeks, 'sla_rate', t)),
  'brand-answer-time': brandTrendChart("A brand's inquiry answer time by week, median and 90th percentile", weeklyAnswerTimeChart),
  'brand-claim-stages': chart({
    description: "Business hours a brand's claims spend in each stage, median and 90th percentile",
    access: 'GET /api/brands/:brand_id/scorecard',
    query: BrandWindowQuery,
    brandOf: (query) => query.brand_id,
    async build(ctx, _viewer, query, t) {
      // The scorecard's own window, as the brand page and the evidence API read the evidence in.
      const window = await loadScorecardWindow(ctx, query.brand_id, pickedWindow(ctx, query));
      // The default number of examples, as the brand page reads them: on the page, its read serves this chart.
      return claimStagesChart((await loadEvidence(ctx, query.brand_id, window)).claim_stage_durations, t);
    },
  }),
  'jobs-ingest-rows': chart({
    description: 'Rows accepted, duplicate and rejected per recent ingest batch (files and requests)',
    access: 'GET /api/jobs',
    query: LangQuery,
    async build(ctx, _viewer, _query, t) {
      const jobs = await loadJobs(ctx);
      return ingestRowsChart([...jobs.files, ...jobs.requests], t);
    },
  }),
  'jobs-runs': chart({
    description: 'Recent job runs by job and outcome',
    access: 'GET /api/jobs',
    query: LangQuery,
    build: async (ctx, _viewer, _query, t) => jobRunsChart((await loadJobs(ctx)).runs, t),
  }),
  'load-orders': chart({
    description: 'Orders placed per day in the picked window, with the order surges marked',
    access: 'GET /api/load',
    query: LoadWindowQuery,
    build: async (ctx, _viewer, query) => loadVolumeChart(await loadLoad(ctx, pickedWindow(ctx, query), 'day'), { measure: 'orders_placed' }),
  }),
  'load-inquiries': chart({
    description: 'Inquiries opened per day in the picked window',
    access: 'GET /api/load',
    query: LoadWindowQuery,
    build: async (ctx, _viewer, query) => loadVolumeChart(await loadLoad(ctx, pickedWindow(ctx, query), 'day'), { measure: 'inquiries_opened' }),
  }),
  'load-hourly': chart({
    description: `Orders placed per hour over the last ${HOURLY_DAYS} days of the picked window`,
    access: 'GET /api/load',
    query: LoadWindowQuery,
    async build(ctx, _viewer, query) {
      const { from, to } = pickedWindow(ctx, query);
      const start = addDays(to, -Math.min(HOURLY_DAYS, MAX_WINDOW_DAYS.hour));
      return loadVolumeChart(await loadLoad(ctx, { from: start > from ? start : from, to }, 'hour'), { measure: 'orders_placed' });
    },
  }),
  'load-channels': chart({
    description: 'Inquiries opened per day by channel',
    access: 'GET /api/load',
    query: LoadWindowQuery,
    build: async (ctx, _viewer, query) => inquiryChannelsChart(await loadLoad(ctx, pickedWindow(ctx, query), 'day')),
  }),
  'load-backlog': chart({
    description: 'Open-inquiry backlog at the end of each day, with the SLA rate of the inquiries opened that day',
    access: 'GET /api/load',
    query: LoadWindowQuery,
    build: async (ctx, _viewer, query) => backlogChart(await loadLoad(ctx, pickedWindow(ctx, query), 'day')),
  }),
  'load-self-service': chart({
    description: 'Address changes and cancellations per day: self-service versus CS (and cancellations by brands)',
    access: 'GET /api/load',
    query: LoadWindowQuery,
    build: async (ctx, _viewer, query) => selfServiceChart(await loadLoad(ctx, pickedWindow(ctx, query), 'day')),
  }),
  'forecast-orders': forecastChart('orders_placed', 'Orders placed per day', 'Orders'),
  'forecast-inquiries': forecastChart('inquiries_opened', 'Inquiries opened per day', 'Inquiries'),
  'staffing-agents': chart({
    description: 'CS agents needed per business day of the next 28 days against the configured headcount',
    access: 'GET /api/staffing',
    query: LangQuery,
    build: (ctx) => withForecast('CS agents needed per business day', async () => agentsNeededChart(await loadStaffing(ctx))),
  }),
  'staffing-phone': chart({
    description: 'Phone agents to schedule per open hour of the next 28 days (Erlang C) against the configured phone staff',
    access: 'GET /api/staffing',
    query: LangQuery,
    build: (ctx) => withForecast('Phone agents to schedule per hour', async () => phoneAgentsChart(await loadStaffing(ctx))),
  }),
} as const;

export type ChartName = keyof typeof CHARTS;
export const CHART_NAMES = Object.keys(CHARTS) as ChartName[];

export function isChartName(name: string): name is ChartName {
  return Object.hasOwn(CHARTS, name);
}

/** A chart's definition with its query type erased, for code that handles any chart by name. */
export function chartDefinition(name: ChartName): ChartDefinition<Record<string, unknown>> {
  return CHARTS[name] as unknown as ChartDefinition<Record<string, unknown>>;
}
