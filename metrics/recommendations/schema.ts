import { z } from 'zod';
import { BRAND_STATUSES } from '../../pipelines/contracts/index.ts';
import { WindowSchema } from '../scorecards/schema.ts';
import { BAD_RATE_KEYS } from './policy.ts';

/**
 * Recommendations, evaluations and decisions (DESIGN §6, §7): declared once, used for the API's validation and
 * OpenAPI document, the CLI's --json output and the types of metrics/recommendations. snake_case as served.
 */

const count = z.int().min(0);
const id = z.int().min(1);
const isoDate = z.iso.date();
const instant = z.iso.datetime();

/** A metric's level, lowest first. */
export const LEVELS = ['none', 'watch', 'warn', 'delist'] as const;
export type Level = (typeof LEVELS)[number];

/** Actions, least severe first; a brand gets the most severe that applies. */
export const ACTIONS = ['none', 'watch', 'retrain', 'warn', 'delist'] as const;
export type Action = (typeof ACTIONS)[number];

export const DECISIONS = ['accept', 'dismiss', 'defer'] as const;
export type DecisionKind = (typeof DECISIONS)[number];

/**
 * open: no decision yet; accepted / dismissed / deferred: the latest decision on this recommendation; suppressed:
 * an earlier recommendation of the brand was dismissed and the brand is not worse than it was then.
 */
export const RECOMMENDATION_STATUSES = ['open', 'suppressed', 'accepted', 'dismissed', 'deferred'] as const;

export const BreachSchema = z.object({ evaluation_id: id, as_of_date: isoDate, level: z.enum(LEVELS) });

/** One bad rate of §6 judged against its thresholds; the figures are those of the bad rate (1 − sla_rate for sla). */
export const MetricJudgementSchema = z.object({
  rate: z.enum(BAD_RATE_KEYS),
  /** The §5 metric it is read from. */
  metric: z.string(),
  numerator: count,
  denominator: count,
  value: z.number().nullable(),
  wilson_low: z.number().nullable(),
  wilson_high: z.number().nullable(),
  warn: z.number(),
  delist: z.number(),
  min_denominator: count,
  /** Whether the denominator reaches min_denominator, so that the Wilson bound may decide a level. */
  significant: z.boolean(),
  level: z.enum(LEVELS),
  /** The comparison that decided the level, in words. */
  explanation: z.string(),
  /** This evaluation and the consecutive ones before it in which this rate was at warn level or above, newest first. */
  evaluations_breached: z.array(BreachSchema),
});
export type MetricJudgement = z.infer<typeof MetricJudgementSchema>;

export const UnreachableSchema = z.object({
  unreachable: z.boolean(),
  consecutive_contact_failures: count,
  min_consecutive_contact_failures: count,
  /** Latest first brand answer to an inquiry or answer to a contact, by as_of; null when the brand never answered. */
  last_brand_answer_at: instant.nullable(),
  /** Where the silence is counted from: last_brand_answer_at, else the brand's first contact attempt. */
  silent_since: instant.nullable(),
  /** Business days closed between silent_since's business date and as_of (counted up to 366). */
  silent_business_days: count.nullable(),
  min_silent_business_days: count,
});
export type Unreachable = z.infer<typeof UnreachableSchema>;

const TakeoverSchema = z.object({
  numerator: count,
  denominator: count,
  value: z.number().nullable(),
  wilson_low: z.number().nullable(),
  wilson_high: z.number().nullable(),
  threshold: z.number(),
  min_denominator: count,
  high: z.boolean(),
});

export const RETRAIN_SIGNALS = ['partner_system_inquiries', 'inquiry_takeover', 'claim_takeover'] as const;

export const RetrainSchema = z.object({
  signals: z.array(z.enum(RETRAIN_SIGNALS)),
  partner_system: z.object({
    inquiries_opened: count,
    partner_system_inquiries: count,
    share: z.number().nullable(),
    threshold: z.number(),
    min_inquiries: count,
    most: z.boolean(),
  }),
  takeover_rate: TakeoverSchema,
  claim_takeover_rate: TakeoverSchema,
});
export type Retrain = z.infer<typeof RetrainSchema>;

/** Entity ids a merchandiser can look up, newest first, at most `examples` of the policy per kind. */
export const ExamplesSchema = z.object({
  late_orders: z.array(z.string()),
  shipping_issue_orders: z.array(z.string()),
  brand_cancelled_orders: z.array(z.string()),
  sla_missed_inquiries: z.array(z.string()),
  /** Open at as_of, answered by nobody, past their deadline (opened in the window or before). */
  unanswered_inquiries: z.array(z.string()),
  failed_contacts: z.array(z.string()),
  negative_reviews: z.array(z.string()),
});
export type Examples = z.infer<typeof ExamplesSchema>;
export const EXAMPLE_KINDS = Object.keys(ExamplesSchema.shape) as (keyof Examples)[];

export const DecisionSchema = z.object({
  decision_id: id,
  recommendation_id: id,
  brand_id: z.string(),
  /** The action of the recommendation decided on. */
  action: z.enum(ACTIONS),
  decision: z.enum(DECISIONS),
  reason: z.string(),
  /** The person, as named in the request. */
  decided_by: z.string(),
  /** Role of the credential that made the request, and the first 12 hex digits of its hash. */
  role: z.string(),
  credential: z.string(),
  decided_at: instant,
});
export type Decision = z.infer<typeof DecisionSchema>;

/** What an evaluation stores per brand (the `detail` column), before status and decisions are added on reading. */
export const StoredRecommendationSchema = z.object({
  recommendation_id: id,
  evaluation_id: id,
  as_of_date: isoDate,
  brand_id: z.string(),
  brand: z.object({ name: z.string().nullable(), status: z.enum([...BRAND_STATUSES, 'unknown']) }),
  action: z.enum(ACTIONS),
  /** Why this action, in words, most severe first. */
  reasons: z.array(z.string()),
  /** Consecutive evaluations, this one included, with a delist-level breach of any rate. */
  delist_streak: count,
  metrics: z.array(MetricJudgementSchema),
  unreachable: UnreachableSchema,
  retrain: RetrainSchema,
  examples: ExamplesSchema,
  /** The dismissal this recommendation is held back by: the brand is not worse than when it was dismissed. */
  suppressed_by: z
    .object({ decision_id: id, recommendation_id: id, action: z.enum(ACTIONS), decided_at: instant })
    .nullable(),
});
export type StoredRecommendation = z.infer<typeof StoredRecommendationSchema>;

export const RecommendationSchema = StoredRecommendationSchema.extend({
  status: z.enum(RECOMMENDATION_STATUSES),
  /** Every decision on any recommendation of this brand, newest first (the history a merchandiser reviews). */
  decisions: z.array(DecisionSchema),
});
export type Recommendation = z.infer<typeof RecommendationSchema>;

export const EvaluationSchema = z.object({
  evaluation_id: id,
  as_of_date: isoDate,
  window: WindowSchema,
  policy_version: z.string(),
  policy_hash: z.string(),
  previous_evaluation_id: id.nullable(),
  brands_evaluated: count,
  evaluated_at: instant,
  triggered_by: z.string(),
  /** Brands per action in this evaluation (suppressed ones included). */
  counts: z.object({ delist: count, warn: count, retrain: count, watch: count }),
});
export type Evaluation = z.infer<typeof EvaluationSchema>;

export const RecommendationListSchema = z.object({
  /** The evaluation listed; null when none has been run (for that date). */
  evaluation: EvaluationSchema.nullable(),
  /** Recommendations with an action other than none, most severe first, then by brand_id. */
  recommendations: z.array(RecommendationSchema),
});
export type RecommendationList = z.infer<typeof RecommendationListSchema>;

export const DecisionRequestSchema = z.object({
  decision: z.enum(DECISIONS),
  reason: z.string().trim().min(1, 'a decision needs a reason').max(2000),
  decided_by: z.string().trim().min(1, 'say who decides').max(200),
});
export type DecisionRequest = z.infer<typeof DecisionRequestSchema>;

export const DecisionResultSchema = z.object({ decision: DecisionSchema, recommendation: RecommendationSchema });
export type DecisionResult = z.infer<typeof DecisionResultSchema>;
