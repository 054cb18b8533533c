import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { addDays, checkIsoDate, daysBetween, windowDays } from '../calendar/zoned-time.ts';
import {
  RANKED_KEYS,
  type DurationMetric,
  type MeanMetric,
  type MetricKey,
  type Metrics,
  type PercentileRank,
  type RankedKey,
  type RateMetric,
  type Scorecard,
  type ScorecardList,
  type ScorecardWindow,
} from './schema.ts';
import { cachedScorecardJson, storedScorecardJson } from './stored-cache.ts';

/**
 * Scorecards (DESIGN §5): every metric of a window [from, to) per brand, judged at as_of = min(to, now), with
 * the previous window of equal length and percentile ranks among brands. Counts fixed by an entity's first
 * event come from the brand_day rollup (see window_counts.sql); everything that depends on as_of — deadlines
 * reached, answers and dispatches by then, open and overdue work, contact streaks — from the facts.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const sql = (file: string) => readFileSync(join(HERE, file), 'utf8');

/** Trailing windows materialised on every refresh. */
export const STANDARD_WINDOW_DAYS = [7, 28, 90] as const;
export const DEFAULT_WINDOW_DAYS = 28;

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * Volume a brand needs for its percentile rank: the policy minimum denominator of DESIGN §6 where the metric
 * has one, else 20 (entities in the denominator, or n for durations and the mean score).
 */
export const RANK_MINIMUMS: Record<RankedKey, number> = {
  late_dispatch_rate: 30,
  dispatch_time_bh: 20,
  shipping_issue_rate: 30,
  on_time_delivery_rate: 20,
  brand_cancel_rate: 30,
  sla_rate: 20,
  answer_time_bh: 20,
  takeover_rate: 20,
  contact_failure_rate: 5,
  claim_rate: 20,
  defect_claim_rate: 20,
  claim_resolution_bh: 20,
  claim_takeover_rate: 20,
  avg_review_score: 20,
  negative_review_rate: 20,
};

/** Metrics where a higher value is better; for the others lower is better (durations compare by p50). */
export const HIGHER_IS_BETTER: ReadonlySet<RankedKey> = new Set(['on_time_delivery_rate', 'sla_rate', 'avg_review_score']);

export class ScorecardWindowError extends Error {
  override name = 'ScorecardWindowError';
}

/**
 * An as_of date given to the metrics layer (onboarding checklists, recommendation evaluations): a real calendar
 * date, refused as a bad as_of (ScorecardWindowError) as the API and the CLI refuse it, not by the calendar's
 * RangeError further in.
 */
export const checkAsOfDate = (date: string): void => checkIsoDate(date, (message) => new ScorecardWindowError(`as_of: ${message}`));

/** 95% Wilson score interval of numerator/denominator; null when the denominator is 0 or the ratio exceeds 1. */
export function wilsonInterval(numerator: number, denominator: number, z = Z95): { low: number; high: number } | null {
  if (denominator <= 0 || numerator < 0 || numerator > denominator) return null;
  const p = numerator / denominator;
  const z2 = z * z;
  const scale = 1 + z2 / denominator;
  const centre = (p + z2 / (2 * denominator)) / scale;
  const half = (z * Math.sqrt((p * (1 - p)) / denominator + z2 / (4 * denominator * denominator))) / scale;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export function rateMetric(numerator: number, denominator: number): RateMetric {
  const interval = wilsonInterval(numerator, denominator);
  return {
    numerator,
    denominator,
    value: denominator > 0 ? numerator / denominator : null,
    wilson_low: interval?.low ?? null,
    wilson_high: interval?.high ?? null,
  };
}

/**
 * The window of API dates `from`..`to` (exclusive), with as_of = min(local midnight of `to`, now). Throws
 * ScorecardWindowError for malformed or empty windows.
 */
export function resolveWindow(
  calendar: BusinessCalendar,
  dates: { from: string; to: string },
  now: Date,
): ScorecardWindow {
  windowDays(dates, (message) => new ScorecardWindowError(message));
  const end = calendar.calendarDayOf(dates.to).dayStart;
  return { from: dates.from, to: dates.to, as_of: new Date(Math.min(end, now.getTime())).toISOString() };
}

export function previousWindow(calendar: BusinessCalendar, window: ScorecardWindow, now: Date): ScorecardWindow {
  const length = daysBetween(window.from, window.to);
  return resolveWindow(calendar, { from: addDays(window.from, -length), to: window.from }, now);
}

/**
 * A trailing window of `days` calendar days that ends (exclusive) at the business date of `now`: on a business
 * day before closing the window is the complete days up to yesterday, judged as of today's midnight; after
 * closing or on a closed day it runs up to the next business day and so includes the hours since, judged now.
 */
export function trailingWindow(calendar: BusinessCalendar, now: Date, days: number): ScorecardWindow {
  const to = calendar.businessDateOf(now);
  return resolveWindow(calendar, { from: addDays(to, -days), to }, now);
}

type Figures = Record<string, number | null>;

/**
 * Every metric of each window for every brand with activity in it (or open work at its as_of), one map per
 * window in the order given. Each window_*.sql computes all the windows in one scan of its table, joining every
 * row with the windows its day falls in: the five reads per window were the bulk of a refresh (six windows ×
 * five scans of the facts, 2.0 s of an incremental refresh of 2.5 s at 2M orders); the dashboards' weekly
 * trends read a dozen windows this way.
 */
export async function computeWindowMetrics(
  warehouse: Warehouse,
  windows: readonly ScorecardWindow[],
  connection?: DuckDBConnection,
  /** Only these brands: a brand's own trend or onboarding figures need not aggregate every other brand. */
  brandIds?: readonly string[],
): Promise<Map<string, Metrics>[]> {
  return metricsByWindow(await figuresByWindows(warehouse, windows.map((window) => ({ window })), connection, brandIds));
}

function metricsByWindow(figures: Map<string, Figures>[]): Map<string, Metrics>[] {
  return figures.map((byBrand) => new Map([...byBrand].map(([brandId, figure]) => [brandId, metricsFrom(figure)])));
}

/** The figures behind computeWindowMetrics (the columns of the window_*.sql, by name), per window and brand. */
async function figuresByWindows(
  warehouse: Warehouse,
  windows: readonly { window: ScorecardWindow; brandId?: string }[],
  connection?: DuckDBConnection,
  brandIds?: readonly string[],
): Promise<Map<string, Figures>[]> {
  // The windows and the brand scope are temp tables and a macro of the connection, installed and then read over
  // several statements: on the warehouse's shared connection a concurrent caller could replace them in between,
  // so a caller without a connection of its own gets one for the call.
  const own = connection ? undefined : await warehouse.connect();
  const db = connection ?? own!;
  try {
    await installWindows(db, windows.map((entry, w) => ({ w, ...entry })), brandIds);
    const figures = windows.map(() => new Map<string, Figures>());
    // One connection runs one statement at a time, so the five reads go in turn. Read by column rather than as row
    // objects (Warehouse.all): some 100,000 rows of a dozen figures each, and building and normalising an object per
    // row took longer than the queries.
    for (const file of WINDOW_FILES) {
      const reader = await db.runAndReadAll(sql(file));
      const columns = reader.getColumnsObjectJS();
      const w = columns.w!;
      const rowBrands = columns.brand_id!;
      const names = Object.keys(columns).filter((name) => name !== 'w' && name !== 'brand_id');
      for (let row = 0; row < rowBrands.length; row++) {
        const byBrand = figures[Number(w[row])]!;
        const brandId = String(rowBrands[row]);
        let merged = byBrand.get(brandId);
        if (!merged) byBrand.set(brandId, (merged = {}));
        for (const name of names) {
          const value = columns[name]![row];
          merged[name] = value === null || value === undefined ? null : Number(value);
        }
      }
    }
    return figures;
  } finally {
    own?.closeSync();
  }
}

/**
 * The windows the window_*.sql read, as temp tables of `db`: scorecard_windows (w, from_day, to_day, as_of, brand)
 * and one row per day of each window (scorecard_window_days), so that facts join their windows by a hash join on day
 * rather than a range join; the macro in_scorecard_scope(brand_id) they filter every fact by: true for every
 * brand, or, given `scope`, only for those (scorecard_brands), so that DuckDB drops the other brands' facts
 * before it aggregates them; and the macro window_brand(brand_id) that pairs a fact with its windows' `brand`
 * column. Windows are either all for every brand (`brand` '*', and window_brand a constant that DuckDB folds
 * into a filter of the small window tables) or each for one brand (`brandId`; window_brand is the fact's brand,
 * and the scope those brands): an onboarding period is one brand's own window, and each brand's facts then join
 * only their own, instead of every brand's facts joining every other brand's windows.
 */
export async function installWindows(
  db: DuckDBConnection,
  windows: readonly { w: number; window: ScorecardWindow; brandId?: string }[],
  scope?: readonly string[],
): Promise<void> {
  const perBrand = windows.some((entry) => entry.brandId !== undefined);
  if (perBrand && (scope !== undefined || !windows.every((entry) => entry.brandId !== undefined))) {
    throw new Error('installWindows: either every window is one brand\'s (and they are the scope) or none is');
  }
  const brandIds = perBrand ? [...new Set(windows.map((entry) => entry.brandId!))] : scope;
  await db.run(`CREATE OR REPLACE TEMP MACRO window_brand(brand) AS ${perBrand ? 'brand' : "'*'"}`);
  if (brandIds) {
    await db.run(`CREATE OR REPLACE TEMP TABLE scorecard_brands AS SELECT unnest(json_extract_string($brands, '$[*]')) AS brand_id`, {
      brands: JSON.stringify(brandIds),
    });
    await db.run('CREATE OR REPLACE TEMP MACRO in_scorecard_scope(brand) AS brand IN (SELECT brand_id FROM scorecard_brands)');
  } else {
    await db.run('CREATE OR REPLACE TEMP MACRO in_scorecard_scope(brand) AS true');
  }
  await db.run(
    `CREATE OR REPLACE TEMP TABLE scorecard_windows AS
     SELECT CAST(w->>'w' AS INTEGER) AS w, CAST(w->>'from' AS DATE) AS from_day, CAST(w->>'to' AS DATE) AS to_day,
            CAST(w->>'as_of' AS TIMESTAMPTZ) AS as_of, coalesce(w->>'brand', '*') AS brand
     FROM (SELECT unnest(CAST($windows AS JSON[])) AS w)`,
    {
      windows: JSON.stringify(
        windows.map(({ w, window, brandId }) => ({ w, from: window.from, to: window.to, as_of: window.as_of, brand: brandId })),
      ),
    },
  );
  await db.run(
    `CREATE OR REPLACE TEMP TABLE scorecard_window_days AS
     SELECT w, CAST(unnest(range(from_day, to_day, INTERVAL 1 DAY)) AS DATE) AS day, as_of, brand FROM scorecard_windows`,
  );
}

export const WINDOW_FILES = ['window_counts.sql', 'window_orders.sql', 'window_inquiries.sql', 'window_contacts.sql', 'window_claims.sql'];

/**
 * Which figures each metric of DESIGN §5 is built from (the columns of the window_*.sql, by name): the one
 * definition that metricsFrom builds metrics by and the materialisation's SQL ranks by (materialise.ts). The type
 * ties each key's kind to its schema: a rate metric must name a numerator and a denominator, and so on.
 */
type MetricSpec<M> = M extends RateMetric
  ? { rate: [numerator: string, denominator: string] }
  : M extends DurationMetric
    ? { duration: string }
    : M extends MeanMetric
      ? { mean: [sum: string, n: string] }
      : { count: string };

export const METRIC_SPECS: { [K in MetricKey]: MetricSpec<Metrics[K]> } = {
  orders_placed: { count: 'orders_placed' },
  late_dispatch_rate: { rate: ['late_dispatch_numerator', 'late_dispatch_denominator'] },
  dispatch_time_bh: { duration: 'dispatch_time' },
  shipping_issue_rate: { rate: ['orders_with_shipping_issue', 'orders_dispatched'] },
  on_time_delivery_rate: { rate: ['deliveries_on_time', 'deliveries_with_due_date'] },
  brand_cancel_rate: { rate: ['orders_cancelled_by_brand', 'orders_placed'] },
  inquiries_opened: { count: 'inquiries_opened' },
  sla_rate: { rate: ['sla_numerator', 'sla_denominator'] },
  answer_time_bh: { duration: 'answer_time' },
  open_unanswered: { count: 'open_unanswered' },
  overdue_unanswered: { count: 'overdue_unanswered' },
  takeover_rate: { rate: ['takeover_numerator', 'takeover_denominator'] },
  contacts_attempted: { count: 'contacts_attempted' },
  contact_failure_rate: { rate: ['failure_numerator', 'failure_denominator'] },
  consecutive_contact_failures: { count: 'consecutive_failures' },
  claims_opened: { count: 'claims_opened' },
  claim_rate: { rate: ['claims_opened', 'orders_dispatched'] },
  defect_claim_rate: { rate: ['defect_claims', 'orders_dispatched'] },
  claim_resolution_bh: { duration: 'resolution' },
  overdue_claims: { count: 'overdue_claims' },
  claim_takeover_rate: { rate: ['platform_handled', 'claims_opened'] },
  reviews_count: { count: 'reviews_count' },
  avg_review_score: { mean: ['review_score_sum', 'reviews_count'] },
  negative_review_rate: { rate: ['negative_reviews', 'reviews_count'] },
};

/** A metric from its figures; a missing count reads 0, a missing percentile null. */
function metricOf(spec: MetricSpec<Metrics[MetricKey]>, f: Figures): Metrics[MetricKey] {
  const n = (name: string) => f[name] ?? 0;
  if ('rate' in spec) return rateMetric(n(spec.rate[0]), n(spec.rate[1]));
  if ('duration' in spec) {
    const prefix = spec.duration;
    return { p50: f[`${prefix}_p50`] ?? null, p90: f[`${prefix}_p90`] ?? null, n: n(`${prefix}_n`) };
  }
  if ('mean' in spec) {
    const count = n(spec.mean[1]);
    return { value: count > 0 ? n(spec.mean[0]) / count : null, n: count };
  }
  return { value: n(spec.count) };
}

function metricsFrom(f: Figures): Metrics {
  const out: Partial<Record<MetricKey, Metrics[MetricKey]>> = {};
  for (const [key, spec] of Object.entries(METRIC_SPECS) as [MetricKey, MetricSpec<Metrics[MetricKey]>][]) {
    out[key] = metricOf(spec, f);
  }
  return out as Metrics;
}

/** The metrics of a brand without activity in a window. */
export const EMPTY_METRICS = metricsFrom({});

/** The metrics each source feeds (fed_sources.sql names the sources): without the source, they are "no data". */
const METRICS_BY_SOURCE: Record<string, MetricKey[]> = {
  orders: ['orders_placed', 'late_dispatch_rate', 'dispatch_time_bh', 'on_time_delivery_rate', 'brand_cancel_rate'],
  shipping_issues: ['shipping_issue_rate'],
  inquiries: ['inquiries_opened', 'sla_rate', 'answer_time_bh', 'open_unanswered', 'overdue_unanswered', 'takeover_rate'],
  contacts: ['contacts_attempted', 'contact_failure_rate', 'consecutive_contact_failures'],
  claims: ['claims_opened', 'claim_rate', 'defect_claim_rate', 'claim_resolution_bh', 'overdue_claims', 'claim_takeover_rate'],
  reviews: ['reviews_count', 'avg_review_score', 'negative_review_rate'],
};

/** Metric keys whose source the installation has never received anything from, in METRIC order. */
export async function unfedMetrics(warehouse: Warehouse, connection?: DuckDBConnection): Promise<MetricKey[]> {
  const fed = (await warehouse.one<Record<string, boolean>>(sql('fed_sources.sql'), undefined, connection)) ?? {};
  const keys = new Set(Object.entries(METRICS_BY_SOURCE).flatMap(([source, keys]) => (fed[source] ? [] : keys)));
  return (Object.keys(EMPTY_METRICS) as MetricKey[]).filter((key) => keys.has(key));
}

/** Metrics with the unfed ones emptied: a rate with no denominator, a duration or mean over nothing; counts stay 0. */
function withoutUnfed(metrics: Metrics, unfed: readonly MetricKey[]): Metrics {
  if (unfed.length === 0) return metrics;
  const out: Record<string, Metrics[MetricKey]> = { ...metrics };
  for (const key of unfed) {
    const metric = metrics[key];
    if ('denominator' in metric) out[key] = rateMetric(0, 0);
    else if ('p50' in metric) out[key] = { p50: null, p90: null, n: 0 };
    else if ('n' in metric) out[key] = { value: null, n: 0 };
  }
  return out as Metrics;
}

/**
 * Every figure, in the order the stored form (StoredScorecard's `current` and `before`) lists them. Stored rows
 * are read by position: a change to this order (or a new figure) changes STORED_LAYOUT, and rows stored before it
 * are then no longer read. Checked against METRIC_SPECS when the module loads.
 */
export const FIGURE_NAMES: readonly string[] = [
  'reviews_count', 'review_score_sum', 'orders_placed', 'late_dispatch_numerator', 'late_dispatch_denominator',
  'dispatch_time_p50', 'dispatch_time_p90', 'dispatch_time_n', 'orders_with_shipping_issue', 'orders_dispatched',
  'deliveries_on_time', 'deliveries_with_due_date', 'orders_cancelled_by_brand', 'inquiries_opened', 'sla_numerator',
  'sla_denominator', 'answer_time_p50', 'answer_time_p90', 'answer_time_n', 'open_unanswered', 'overdue_unanswered',
  'takeover_numerator', 'takeover_denominator', 'contacts_attempted', 'failure_numerator', 'failure_denominator',
  'consecutive_failures', 'claims_opened', 'defect_claims', 'resolution_p50', 'resolution_p90', 'resolution_n',
  'overdue_claims', 'platform_handled', 'negative_reviews',
];
/**
 * The layout of the stored form (its lists in FIGURE_NAMES and RANKED_KEYS order), kept in each stored row
 * (scorecards.layout, migration 060). Every read of `scorecards` takes only rows of this layout: rows another
 * version of brandscore wrote in another order are left alone, and their windows computed on demand, until the
 * next refresh replaces them.
 */
export const STORED_LAYOUT = createHash('sha256')
  .update(JSON.stringify({ version: 1, figures: FIGURE_NAMES, ranked: RANKED_KEYS }))
  .digest('hex')
  .slice(0, 16);

for (const spec of Object.values(METRIC_SPECS) as MetricSpec<Metrics[MetricKey]>[]) {
  const names =
    'rate' in spec ? spec.rate : 'mean' in spec ? spec.mean : 'duration' in spec ? ['_p50', '_p90', '_n'].map((suffix) => spec.duration + suffix) : [spec.count];
  for (const name of names) if (!FIGURE_NAMES.includes(name)) throw new Error(`figure ${name} is missing from FIGURE_NAMES`);
}

function figuresOf(list: readonly (number | null)[]): Figures {
  const out: Figures = {};
  for (const [index, name] of FIGURE_NAMES.entries()) out[name] = list[index] ?? null;
  return out;
}

/** The figure a metric is ranked by, and the volume behind it. */
function rankInput(metrics: Metrics, key: RankedKey): { score: number | null; volume: number } {
  const metric = metrics[key];
  if ('denominator' in metric) return { score: metric.value, volume: metric.denominator };
  if ('p50' in metric) return { score: metric.p50, volume: metric.n };
  return { score: metric.value, volume: metric.n };
}

/**
 * Percentile ranks of every brand for every ranked metric: among peers with volume ≥ RANK_MINIMUMS[key], the
 * share of peers doing worse plus half of those doing equally well (the brand itself included), × 100 — so a
 * lone eligible brand scores 50 and 100 is the best whatever the metric's direction.
 */
export function percentileRanks(byBrand: Map<string, Metrics>): Map<string, Record<RankedKey, PercentileRank>> {
  const out = new Map<string, Record<RankedKey, PercentileRank>>();
  for (const brandId of byBrand.keys()) out.set(brandId, {} as Record<RankedKey, PercentileRank>);
  const brandIds = [...byBrand.keys()];
  for (const key of RANKED_KEYS) {
    const minimum = RANK_MINIMUMS[key];
    const sign = HIGHER_IS_BETTER.has(key) ? 1 : -1;
    const goodness = brandIds.map((brandId) => {
      const { score, volume } = rankInput(byBrand.get(brandId)!, key);
      return score !== null && volume >= minimum ? sign * score : null;
    });
    const { percentiles, peers } = percentilesAmong(goodness);
    for (const [index, brandId] of brandIds.entries()) {
      out.get(brandId)![key] = { percentile: percentiles[index]!, peers, minimum };
    }
  }
  return out;
}

/**
 * The percentile of each entry of `goodness` (higher is better; null: not ranked) among the non-null ones:
 * 100 × (worse + ½ × equal, itself included) / peers, to one decimal. The one definition of the rank, for
 * computed scorecards (percentileRanks) and materialised ones (materialise.ts).
 */
export function percentilesAmong(goodness: readonly (number | null)[]): { percentiles: (number | null)[]; peers: number } {
  // Sorted once and searched per brand: comparing every brand with every peer was quadratic, seconds for the
  // 14,000 brands of the benchmark.
  const peers = Float64Array.from(goodness.filter((value): value is number => value !== null)).sort();
  const percentiles = goodness.map((mine) => {
    if (mine === null) return null;
    const worse = firstIndexAtLeast(peers, mine);
    const equal = firstIndexAbove(peers, mine) - worse;
    return Math.round(((worse + equal / 2) / peers.length) * 1000) / 10;
  });
  return { percentiles, peers: peers.length };
}

/** Index of the first element ≥ value in an ascending array (its length when there is none). */
function firstIndexAtLeast(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Index of the first element > value in an ascending array (its length when there is none). */
function firstIndexAbove(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

interface BrandRow {
  brand_id: string;
  name: string;
  status: Scorecard['brand']['status'];
}

export interface ScorecardOptions {
  now: Date;
  calendar: BusinessCalendar;
  /** Read inside this connection's transaction (refresh) instead of the warehouse's own connection. */
  connection?: DuckDBConnection;
  /** Brands to list even without reference data or activity (with empty metrics). */
  include?: string[];
}

/**
 * Scorecards of every brand for one window, sorted by brand_id: each brand in `brands`, and each brand seen in
 * the window's events or with open work at as_of.
 */
export async function computeScorecards(
  warehouse: Warehouse,
  dates: { from: string; to: string },
  options: ScorecardOptions,
): Promise<ScorecardList> {
  const window = resolveWindow(options.calendar, dates, options.now);
  const previous = previousWindow(options.calendar, window, options.now);
  const [current, before] = await computeWindowMetrics(warehouse, [window, previous], options.connection);
  const brands = await readBrands(warehouse, options.connection);
  const unfed = await unfedMetrics(warehouse, options.connection);
  return assembleScorecards({ window, previous, current: current!, before: before!, brands, unfed, include: options.include });
}

async function readBrands(warehouse: Warehouse, connection?: DuckDBConnection): Promise<Map<string, BrandRow>> {
  const brands = await warehouse.all<BrandRow>('SELECT brand_id, name, status FROM brands', undefined, connection);
  return new Map(brands.map((brand) => [brand.brand_id, brand]));
}

/** The scorecards of one window from its metrics and its previous window's, with percentile ranks. */
function assembleScorecards(input: {
  window: ScorecardWindow;
  previous: ScorecardWindow;
  current: Map<string, Metrics>;
  before: Map<string, Metrics>;
  brands: Map<string, BrandRow>;
  unfed: MetricKey[];
  include?: string[];
}): ScorecardList {
  const { window, previous, before, brands: known, unfed } = input;
  const current = new Map([...input.current].map(([brandId, metrics]) => [brandId, withoutUnfed(metrics, unfed)]));
  for (const brandId of [...known.keys(), ...(input.include ?? [])]) {
    if (!current.has(brandId)) current.set(brandId, withoutUnfed(EMPTY_METRICS, unfed));
  }
  const ranks = percentileRanks(current);
  const scorecards = [...current.keys()].sort().map(
    (brandId): Scorecard => {
      const brand = known.get(brandId);
      return {
        brand_id: brandId,
        brand: brand ? { name: brand.name, status: brand.status } : { name: null, status: 'unknown' },
        window,
        metrics: current.get(brandId)!,
        no_data: unfed,
        previous: { window: previous, metrics: withoutUnfed(before.get(brandId) ?? EMPTY_METRICS, unfed) },
        percentile_ranks: ranks.get(brandId)!,
      };
    },
  );
  return { window, scorecards };
}

/** One brand's scorecard, or undefined when the brand is neither in `brands` nor in any fact. */
export async function computeScorecard(
  warehouse: Warehouse,
  brandId: string,
  dates: { from: string; to: string },
  options: ScorecardOptions,
): Promise<Scorecard | undefined> {
  if (!(await brandExists(warehouse, brandId, options.connection))) return undefined;
  const { scorecards } = await computeScorecards(warehouse, dates, { ...options, include: [brandId] });
  return scorecards.find((scorecard) => scorecard.brand_id === brandId);
}

/**
 * Brands' metrics, each over a window of its own (an onboarding period), as their computeScorecard gives them,
 * without the previous window and the ranks of every brand that a scorecard also computes. All of them in one
 * pass over the facts, each brand's facts joining only its own window (installWindows): the onboarding page reads
 * every brand in probation, and one query per brand took over two minutes for 2,417 of them at 10M orders.
 */
export async function computeBrandMetrics(
  warehouse: Warehouse,
  periods: readonly { brandId: string; dates: { from: string; to: string } }[],
  options: ScorecardOptions,
): Promise<{ window: ScorecardWindow; metrics: Metrics }[]> {
  if (periods.length === 0) return [];
  const pairs = periods.map(({ brandId, dates }) => ({ brandId, window: resolveWindow(options.calendar, dates, options.now) }));
  const byWindow = metricsByWindow(await figuresByWindows(warehouse, pairs, options.connection));
  const unfed = await unfedMetrics(warehouse, options.connection);
  return pairs.map(({ brandId, window }, index) => ({
    window,
    metrics: withoutUnfed(byWindow[index]!.get(brandId) ?? EMPTY_METRICS, unfed),
  }));
}

async function brandExists(warehouse: Warehouse, brandId: string, connection?: DuckDBConnection): Promise<boolean> {
  const row = await warehouse.one<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM brands WHERE brand_id = $brand)
         OR EXISTS (SELECT 1 FROM fct_orders WHERE brand_id = $brand)
         OR EXISTS (SELECT 1 FROM fct_inquiries WHERE brand_id = $brand)
         OR EXISTS (SELECT 1 FROM fct_claims WHERE brand_id = $brand)
         OR EXISTS (SELECT 1 FROM fct_contacts WHERE brand_id = $brand)
         OR EXISTS (SELECT 1 FROM fct_reviews WHERE brand_id = $brand) AS found`,
    { brand: brandId },
    connection,
  );
  return row?.found === true;
}

/**
 * A materialised scorecard as `scorecards.figures` keeps it: the figures of the window and of the previous
 * window in FIGURE_NAMES order, and the percentile and peer count of each ranked key in RANKED_KEYS order. The
 * scorecard is rebuilt from them by the same metricsFrom as a computed one, so both give the same object.
 */
interface StoredScorecard {
  brand: Scorecard['brand'];
  window: ScorecardWindow;
  previous: ScorecardWindow;
  current: (number | null)[];
  before: (number | null)[];
  percentiles: (number | null)[];
  peers: number[];
  /** Metric keys whose source had never sent anything when the scorecard was stored. */
  no_data: MetricKey[];
}

/** The metrics of a stored figure list, the unfed ones emptied as when it was stored. */
const storedMetrics = (figures: readonly (number | null)[], noData: readonly MetricKey[]): Metrics =>
  withoutUnfed(metricsFrom(figuresOf(figures)), noData);

function storedScorecard(brandId: string, text: string): Scorecard {
  const stored = JSON.parse(text) as StoredScorecard;
  const percentileRanks = {} as Record<RankedKey, PercentileRank>;
  for (const [index, key] of RANKED_KEYS.entries()) {
    percentileRanks[key] = { percentile: stored.percentiles[index] ?? null, peers: stored.peers[index]!, minimum: RANK_MINIMUMS[key] };
  }
  return {
    brand_id: brandId,
    brand: stored.brand,
    window: stored.window,
    metrics: storedMetrics(stored.current, stored.no_data),
    no_data: stored.no_data,
    previous: { window: stored.previous, metrics: storedMetrics(stored.before, stored.no_data) },
    percentile_ranks: percentileRanks,
  };
}


/**
 * The number of materialised scorecards when they are those of the standard windows at `now` (same dates and
 * as_of), else undefined. With unchanged data and calendar such scorecards are what a recomputation would give.
 */
export async function standardScorecardsCurrent(
  warehouse: Warehouse,
  connection: DuckDBConnection,
  options: { now: Date; calendar: BusinessCalendar },
): Promise<{ count: number } | undefined> {
  const stored = await warehouse.all<{ window_days: number; window_from: string; window_to: string; as_of: string; count: number }>(
    `SELECT window_days, CAST(window_from AS VARCHAR) AS window_from, CAST(window_to AS VARCHAR) AS window_to,
            as_of, count(*) AS count
     FROM scorecards WHERE layout = $layout GROUP BY ALL`,
    { layout: STORED_LAYOUT },
    connection,
  );
  let count = 0;
  for (const days of STANDARD_WINDOW_DAYS) {
    const window = trailingWindow(options.calendar, options.now, days);
    const match = stored.filter(
      (row) =>
        row.window_days === days &&
        row.window_from === window.from &&
        row.window_to === window.to &&
        new Date(row.as_of).getTime() === new Date(window.as_of).getTime(),
    );
    if (match.length !== 1) return undefined;
    count += match[0]!.count;
  }
  return stored.length === STANDARD_WINDOW_DAYS.length ? { count } : undefined;
}

/**
 * A brand's scorecard for [from, to), or the default trailing window when no dates are given: the copy
 * materialised by the last refresh when it is for exactly that window, else computed now.
 */
export async function getScorecard(
  warehouse: Warehouse,
  brandId: string,
  dates: { from?: string; to?: string },
  options: ScorecardOptions,
): Promise<Scorecard | undefined> {
  const found = await findScorecard(warehouse, brandId, dates, options);
  if (!found) return undefined;
  return 'stored' in found ? (JSON.parse(found.stored) as Scorecard) : found.computed;
}

/**
 * As getScorecard, but a materialised scorecard comes as its stored JSON text (which the API sends as it is) and
 * only one computed on demand as an object.
 */
export async function findScorecard(
  warehouse: Warehouse,
  brandId: string,
  dates: { from?: string; to?: string },
  options: ScorecardOptions,
): Promise<{ stored: string } | { computed: Scorecard } | undefined> {
  const window = requestedWindow(dates, options);
  const stored = await materialisedScorecardJson(warehouse, brandId, window, options);
  if (stored !== undefined) return { stored };
  const computed = await computeScorecard(warehouse, brandId, window, options);
  return computed ? { computed } : undefined;
}

/**
 * The window getScorecard's scorecard is judged in, without computing a scorecard: a materialised one's own (its
 * as_of is that of its refresh), else the requested dates resolved at `now`, as computeScorecards resolves them.
 */
export async function scorecardWindow(
  warehouse: Warehouse,
  brandId: string,
  dates: { from?: string; to?: string },
  options: ScorecardOptions,
): Promise<ScorecardWindow> {
  const window = requestedWindow(dates, options);
  const stored = await materialisedScorecardJson(warehouse, brandId, window, options);
  return stored === undefined ? resolveWindow(options.calendar, window, options.now) : (JSON.parse(stored) as Scorecard).window;
}

/** The API's JSON text of a brand's materialised scorecard of exactly these dates, through the in-memory cache. */
function materialisedScorecardJson(
  warehouse: Warehouse,
  brandId: string,
  window: { from: string; to: string },
  options: ScorecardOptions,
): Promise<string | undefined> {
  return storedScorecardJson(warehouse, brandId, window, async () => {
    const row = await warehouse.one<{ figures: string }>(
      `SELECT figures FROM scorecards
       WHERE brand_id = $brand AND window_from = CAST($from AS DATE) AND window_to = CAST($to AS DATE) AND layout = $layout`,
      { brand: brandId, from: window.from, to: window.to, layout: STORED_LAYOUT },
      options.connection,
    );
    return row ? JSON.stringify(storedScorecard(brandId, row.figures)) : undefined;
  });
}

/** The stored JSON text of a brand's scorecard when a recent request has cached it (no database read). */
export function cachedScorecard(
  warehouse: Warehouse,
  brandId: string,
  dates: { from?: string; to?: string },
  options: { now: Date; calendar: BusinessCalendar },
): string | undefined {
  return cachedScorecardJson(warehouse, brandId, requestedWindow(dates, options));
}

/** Every brand's scorecard for [from, to) (default: the trailing window), materialised copies when they match. */
export interface ScorecardPage extends ScorecardList {
  /** Scorecards of the window (for `only`: 0 or 1) before paging. */
  total: number;
}

/**
 * Scorecards of one window in brand_id order, a page at a time. A stored window (the standard ones) is paged in
 * SQL, so a page costs the same at 200 brands or 20,000; any other window is computed for every brand (the
 * percentile ranks need them all) and then paged. `only` restricts the list to one brand (brand tokens).
 */
export async function listScorecards(
  warehouse: Warehouse,
  dates: { from?: string; to?: string },
  options: ScorecardOptions,
  page: { limit: number; offset: number; only?: string | null } = { limit: Number.MAX_SAFE_INTEGER, offset: 0 },
): Promise<ScorecardPage> {
  const window = requestedWindow(dates, options);
  const only = page.only ?? null;
  const params = { from: window.from, to: window.to, only, layout: STORED_LAYOUT };
  const inWindow = `FROM scorecards WHERE window_from = CAST($from AS DATE) AND window_to = CAST($to AS DATE) AND layout = $layout`;
  // Counts only: reading the scorecard column of every brand here cost more than the page itself.
  const summary = await warehouse.one<{ stored: number; total: number }>(
    `SELECT count(*) AS stored, count(*) FILTER (WHERE $only IS NULL OR brand_id = $only) AS total ${inWindow}`,
    params,
    options.connection,
  );
  if (summary && summary.stored > 0) {
    // The page's rows are picked by brand_id alone and then fetched by rowid: sorting the window's rows with their
    // figures to keep a page read every brand's figures (10M-order warehouse, 22,578 brands: 17–19 ms → 5 ms).
    const rows = await warehouse.all<{ brand_id: string; figures: string }>(
      `SELECT brand_id, figures FROM scorecards WHERE rowid IN (
         SELECT rowid ${inWindow} AND ($only IS NULL OR brand_id = $only) ORDER BY brand_id LIMIT $limit OFFSET $offset
       )
       ORDER BY brand_id`,
      { ...params, limit: page.limit, offset: page.offset },
      options.connection,
    );
    const scorecards = rows.map((row) => storedScorecard(row.brand_id, row.figures));
    // An empty page still says which window (and as_of) it is of.
    let first: ScorecardWindow | undefined = scorecards[0]?.window;
    if (!first) {
      const row = await warehouse.one<{ figures: string }>(
        `SELECT figures ${inWindow} LIMIT 1`,
        { from: window.from, to: window.to, layout: STORED_LAYOUT },
        options.connection,
      );
      first = (JSON.parse(row!.figures) as StoredScorecard).window;
    }
    return { window: first, total: summary.total, scorecards };
  }
  const computed = await computeScorecards(warehouse, window, options);
  const visible = only === null ? computed.scorecards : computed.scorecards.filter((card) => card.brand_id === only);
  return { window: computed.window, total: visible.length, scorecards: visible.slice(page.offset, page.offset + page.limit) };
}

/**
 * One rate metric of every brand with a stored scorecard of [from, to) (`only`: of one brand), rebuilt from the
 * stored figures alone: the dashboards' "highest rates" chart reads 15 of 20,000 brands without building every
 * scorecard. Empty when the window is not materialised.
 */
export async function storedRates<K extends MetricKey>(
  warehouse: Warehouse,
  dates: { from: string; to: string },
  metric: K,
  options: { only?: string | null; connection?: DuckDBConnection } = {},
): Promise<{ brand_id: string; name: string | null; rate: Metrics[K] }[]> {
  const rows = await warehouse.all<{ brand_id: string; figures: string }>(
    `SELECT brand_id, figures FROM scorecards
     WHERE window_from = CAST($from AS DATE) AND window_to = CAST($to AS DATE) AND ($only IS NULL OR brand_id = $only)
       AND layout = $layout`,
    { from: dates.from, to: dates.to, only: options.only ?? null, layout: STORED_LAYOUT },
    options.connection,
  );
  return rows.map((row) => {
    const stored = JSON.parse(row.figures) as StoredScorecard;
    const metrics = storedMetrics(stored.current, stored.no_data);
    return { brand_id: row.brand_id, name: stored.brand.name, rate: metrics[metric] };
  });
}

function requestedWindow(dates: { from?: string; to?: string }, options: { now: Date; calendar: BusinessCalendar }): { from: string; to: string } {
  if (dates.from && dates.to) return { from: dates.from, to: dates.to };
  const standard = trailingWindow(options.calendar, options.now, DEFAULT_WINDOW_DAYS);
  if (!dates.from && !dates.to) return standard;
  // One end given: the default length from that end.
  if (dates.to) return { from: addDays(dates.to, -DEFAULT_WINDOW_DAYS), to: dates.to };
  return { from: dates.from!, to: addDays(dates.from!, DEFAULT_WINDOW_DAYS) };
}
