import { z } from 'zod';
import { BRAND_STATUSES } from '../../pipelines/contracts/index.ts';
import { RateMetric, WindowSchema } from '../scorecards/schema.ts';

/** The onboarding checklist (DESIGN §6, §7), as the API serves it and `brandscore onboarding --json` prints it. */

export const CRITERION_RESULTS = ['pass', 'fail', 'insufficient_data'] as const;
export const VERDICTS = ['ready_to_graduate', 'retraining_recommended', 'extend_probation', 'profile_incomplete'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const ProfileCriterionSchema = z.object({
  criterion: z.enum(['cs_contact', 'return_address', 'dispatch_days']),
  result: z.enum(CRITERION_RESULTS),
  /** What the rule asks, in words. */
  requirement: z.string(),
  /** The reference data the result rests on. */
  evidence: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});
export type ProfileCriterion = z.infer<typeof ProfileCriterionSchema>;

export const PerformanceCriterionSchema = z.object({
  criterion: z.enum(['sla_rate', 'late_dispatch_rate', 'contact_failure_rate', 'shipping_issue_rate']),
  result: z.enum(CRITERION_RESULTS),
  requirement: z.string(),
  /** The §5 metric of the probation window, as the scorecard has it. */
  metric: RateMetric,
  bound: z.enum(['min', 'max']),
  threshold: z.number(),
  min_denominator: z.int(),
});
export type PerformanceCriterion = z.infer<typeof PerformanceCriterionSchema>;

export const OnboardingChecklistSchema = z.object({
  brand_id: z.string(),
  brand: z.object({
    name: z.string().nullable(),
    status: z.enum([...BRAND_STATUSES, 'unknown']),
    onboarded_at: z.iso.date().nullable(),
  }),
  /** Whether the brand is in probation (status probation); the checklist is computed either way. */
  in_probation: z.boolean(),
  /** The first probation_days days from onboarded_at (else from the brand's first event), judged at min(end, now). */
  period: WindowSchema.extend({
    days: z.int(),
    /** Days of the period elapsed at as_of. */
    days_elapsed: z.int(),
    /** Where `from` came from. */
    start_source: z.enum(['onboarded_at', 'first_event', 'as_of_date']),
  }),
  profile: z.array(ProfileCriterionSchema),
  performance: z.array(PerformanceCriterionSchema),
  verdict: z.enum(VERDICTS),
  /** Why this verdict, in words. */
  reasons: z.array(z.string()),
  policy_version: z.string(),
  policy_hash: z.string(),
});
export type OnboardingChecklist = z.infer<typeof OnboardingChecklistSchema>;
