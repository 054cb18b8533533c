import { z } from 'zod';
import { BRAND_STATUSES } from '../../pipelines/contracts/index.ts';

/**
 * The scorecard resource (DESIGN §5, §7): declared once, used for the API's validation and OpenAPI document,
 * the CLI's --json output and the types of metrics/scorecards. Keys are snake_case as the API serves them.
 */

const count = z.int().min(0);
const isoDate = z.iso.date();

/** A share with its 95% Wilson score interval; value and interval are null when the denominator is 0. */
export const RateMetric = z.object({
  numerator: count,
  denominator: count,
  value: z.number().nullable(),
  wilson_low: z.number().nullable(),
  wilson_high: z.number().nullable(),
});
export type RateMetric = z.infer<typeof RateMetric>;

/** Business hours, continuous percentiles (DuckDB quantile_cont) over `n` entities; null when n is 0. */
export const DurationMetric = z.object({
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  n: count,
});
export type DurationMetric = z.infer<typeof DurationMetric>;

export const CountMetric = z.object({ value: count });
export type CountMetric = z.infer<typeof CountMetric>;

/** An arithmetic mean over `n` entities; null when n is 0. */
export const MeanMetric = z.object({ value: z.number().nullable(), n: count });
export type MeanMetric = z.infer<typeof MeanMetric>;

/** Every metric of DESIGN §5, under its key. */
export const MetricsSchema = z.object({
  orders_placed: CountMetric,
  late_dispatch_rate: RateMetric,
  dispatch_time_bh: DurationMetric,
  shipping_issue_rate: RateMetric,
  on_time_delivery_rate: RateMetric,
  brand_cancel_rate: RateMetric,
  inquiries_opened: CountMetric,
  sla_rate: RateMetric,
  answer_time_bh: DurationMetric,
  open_unanswered: CountMetric,
  overdue_unanswered: CountMetric,
  takeover_rate: RateMetric,
  contacts_attempted: CountMetric,
  contact_failure_rate: RateMetric,
  consecutive_contact_failures: CountMetric,
  claims_opened: CountMetric,
  claim_rate: RateMetric,
  defect_claim_rate: RateMetric,
  claim_resolution_bh: DurationMetric,
  overdue_claims: CountMetric,
  claim_takeover_rate: RateMetric,
  reviews_count: CountMetric,
  avg_review_score: MeanMetric,
  negative_review_rate: RateMetric,
});
export type Metrics = z.infer<typeof MetricsSchema>;
export type MetricKey = keyof Metrics;
export const METRIC_KEYS = Object.keys(MetricsSchema.shape) as MetricKey[];

/** Metrics that are ranked among brands: rates, durations (by p50) and the mean review score. */
export const RANKED_KEYS = [
  'late_dispatch_rate',
  'dispatch_time_bh',
  'shipping_issue_rate',
  'on_time_delivery_rate',
  'brand_cancel_rate',
  'sla_rate',
  'answer_time_bh',
  'takeover_rate',
  'contact_failure_rate',
  'claim_rate',
  'defect_claim_rate',
  'claim_resolution_bh',
  'claim_takeover_rate',
  'avg_review_score',
  'negative_review_rate',
] as const satisfies readonly MetricKey[];
export type RankedKey = (typeof RANKED_KEYS)[number];

/**
 * Where a brand stands among the brands with enough volume for this metric (denominator, or n, at least
 * `minimum`): percentage of those peers it does better than, ties counting half, so 100 is best whatever the
 * metric's direction. Null when the brand itself lacks the volume.
 */
export const PercentileRank = z.object({
  percentile: z.number().min(0).max(100).nullable(),
  peers: count,
  minimum: count,
});
export type PercentileRank = z.infer<typeof PercentileRank>;

export const WindowSchema = z.object({
  /** First local date of the window (business time zone). */
  from: isoDate,
  /** Exclusive end date. */
  to: isoDate,
  /** min(to, now) as an instant: what the state metrics and deadlines are judged at. */
  as_of: z.iso.datetime(),
});
export type ScorecardWindow = z.infer<typeof WindowSchema>;

/**
 * Metrics whose source the installation has never received anything from (no inquiry, contact, claim, shipping
 * issue or review at all — an import of data that has none): "no data", not zero. Their rates and durations are
 * empty (denominator 0, value null; n 0), their counts read 0 only because a count cannot be null, and they are
 * not ranked. Applies to `metrics` and `previous.metrics` alike.
 */
export const NoDataSchema = z
  .array(z.enum(METRIC_KEYS as [MetricKey, ...MetricKey[]]))
  .describe(
    'Metrics with no data: the installation never received any event of their source (inquiries, contacts, claims, shipping issues, reviews). Their rates and durations are empty and their counts read 0 only because a count cannot be null',
  );

export const ScorecardSchema = z.object({
  brand_id: z.string(),
  /** Reference data; name null and status 'unknown' for a brand seen in events but not in `brands`. */
  brand: z.object({ name: z.string().nullable(), status: z.enum([...BRAND_STATUSES, 'unknown']) }),
  window: WindowSchema,
  metrics: MetricsSchema,
  no_data: NoDataSchema,
  /** The window of equal length just before, for trends. */
  previous: z.object({ window: WindowSchema, metrics: MetricsSchema }),
  percentile_ranks: z.object(
    Object.fromEntries(RANKED_KEYS.map((key) => [key, PercentileRank])) as Record<RankedKey, typeof PercentileRank>,
  ),
});
export type Scorecard = z.infer<typeof ScorecardSchema>;

export const ScorecardListSchema = z.object({ window: WindowSchema, scorecards: z.array(ScorecardSchema) });
export type ScorecardList = z.infer<typeof ScorecardListSchema>;
