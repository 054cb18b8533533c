import { z } from 'zod';
import type { RouteKey } from '../../server/auth/roles.ts';
import { loadEvidence, loadHighestRates, loadJobs, loadTrend, pickedWindow, WindowPickerQuery, type DashboardContext, type Viewer } from '../data.ts';
import { LANGUAGES, type Labeller } from '../i18n.ts';
import { claimStagesChart, weeklyAnswerTimeChart, weeklyRateChart } from './brand-trends.ts';
import { ingestRowsChart, jobRunsChart } from './jobs.ts';
import { SCORECARD_CHART_BRANDS, SCORECARD_CHART_METRICS, scorecardRatesChart } from './scorecards.ts';
import type { ChartSpec } from './spec.ts';
import { resolveWindow } from '../../metrics/scorecards/scorecards.ts';

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
export type ChartQuery = z.infer<typeof ChartQuerySchema>;

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
  'brand-late-dispatch': chart({
    description: "A brand's late dispatch rate by week, with 95% intervals",
    access: 'GET /api/brands/:brand_id/scorecard',
    query: BrandTrendQuery,
    brandOf: (query) => query.brand_id,
    build: async (ctx, _viewer, query, t) => weeklyRateChart((await loadTrend(ctx, query.brand_id, query.weeks)).weeks, 'late_dispatch_rate', t),
  }),
  'brand-sla': chart({
    description: "A brand's inquiry SLA rate by week, with 95% intervals",
    access: 'GET /api/brands/:brand_id/scorecard',
    query: BrandTrendQuery,
    brandOf: (query) => query.brand_id,
    build: async (ctx, _viewer, query, t) => weeklyRateChart((await loadTrend(ctx, query.brand_id, query.weeks)).weeks, 'sla_rate', t),
  }),
  'brand-answer-time': chart({
    description: "A brand's inquiry answer time by week, median and 90th percentile",
    access: 'GET /api/brands/:brand_id/scorecard',
    query: BrandTrendQuery,
    brandOf: (query) => query.brand_id,
    build: async (ctx, _viewer, query, t) => weeklyAnswerTimeChart((await loadTrend(ctx, query.brand_id, query.weeks)).weeks, t),
  }),
  'brand-claim-stages': chart({
    description: "Business hours a brand's claims spend in each stage, median and 90th percentile",
    access: 'GET /api/brands/:brand_id/scorecard',
    query: BrandWindowQuery,
    brandOf: (query) => query.brand_id,
    async build(ctx, _viewer, query, t) {
      const window = resolveWindow(ctx.calendar, pickedWindow(ctx, query), ctx.now());
      return claimStagesChart((await loadEvidence(ctx, query.brand_id, window, 0)).claim_stage_durations, t);
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
