import { createHash } from 'node:crypto';
import { z } from 'zod';
import { describeFirstIssue, readSettingsJson } from '../../pipelines/settings-file.ts';

/**
 * The delisting and onboarding policy of DESIGN §6 as versioned configuration: a JSON file validated on load,
 * every field defaulting to the DESIGN value, so an absent file is the DESIGN policy and a file that is present is
 * refused with the path of the first bad field. Unknown fields are refused too: a misspelt threshold must not
 * silently fall back to its default. Every evaluation records `version` and the content hash of the policy.
 */

const share = z.number().min(0).max(1);
const minimum = z.int().min(1);

/** Thresholds of one bad rate: warn / delist when the Wilson lower bound exceeds them, at a denominator ≥ min_denominator. */
const metricRule = (warn: number, delist: number, minDenominator: number) =>
  z
    .strictObject({
      warn: share.default(warn),
      delist: share.default(delist),
      min_denominator: minimum.default(minDenominator),
    })
    .refine((rule) => rule.warn <= rule.delist, { message: 'warn must not be above delist', path: ['warn'] })
    .prefault({});

/** The bad rates of DESIGN §6 and the §5 metric each is read from (sla_miss_rate is 1 − sla_rate). */
export const BAD_RATES = {
  late_dispatch_rate: { metric: 'late_dispatch_rate', inverted: false },
  shipping_issue_rate: { metric: 'shipping_issue_rate', inverted: false },
  sla_miss_rate: { metric: 'sla_rate', inverted: true },
  contact_failure_rate: { metric: 'contact_failure_rate', inverted: false },
  brand_cancel_rate: { metric: 'brand_cancel_rate', inverted: false },
  negative_review_rate: { metric: 'negative_review_rate', inverted: false },
} as const;
export type BadRate = keyof typeof BAD_RATES;
export const BAD_RATE_KEYS = Object.keys(BAD_RATES) as BadRate[];

/** Onboarding performance criteria: the point estimate at least `min` (or at most `max`), at a denominator ≥ min_denominator. */
const atLeast = (threshold: number, minDenominator: number) =>
  z.strictObject({ min: share.default(threshold), min_denominator: minimum.default(minDenominator) }).prefault({});
const atMost = (threshold: number, minDenominator: number) =>
  z.strictObject({ max: share.default(threshold), min_denominator: minimum.default(minDenominator) }).prefault({});

export const PolicySchema = z.strictObject({
  /** Declared version, recorded with every evaluation beside the content hash. */
  version: z.string().min(1).default('design-6'),
  delisting: z
    .strictObject({
      /** Trailing calendar days evaluated. */
      window_days: z.int().min(1).max(366).default(28),
      rules: z
        .strictObject({
          late_dispatch_rate: metricRule(0.1, 0.2, 30),
          shipping_issue_rate: metricRule(0.02, 0.05, 30),
          sla_miss_rate: metricRule(0.1, 0.3, 20),
          contact_failure_rate: metricRule(0.1, 0.3, 5),
          brand_cancel_rate: metricRule(0.025, 0.05, 30),
          negative_review_rate: metricRule(0.1, 0.2, 20),
        })
        .prefault({}),
      /** Consecutive evaluations with a delist-level breach before `delist` is recommended. */
      delist_after_evaluations: z.int().min(1).default(2),
      /**
       * `watch` needs at least this denominator: below it one event decides the rate (1 late of 1 is 100 %), which
       * would put every small brand on the watch list. Not in DESIGN §6; see the README.
       */
      watch_min_denominator: minimum.default(5),
      /** …and at least this many bad events: a single late order or bad review is not a pattern to watch. */
      watch_min_numerator: minimum.default(2),
      unreachable: z
        .strictObject({
          consecutive_contact_failures: minimum.default(3),
          silent_business_days: minimum.default(5),
        })
        .prefault({}),
      retrain: z
        .strictObject({
          /** "Most of its inquiries concern the partner system": share of inquiries opened above this… */
          partner_system_share: share.default(0.5),
          /** …among at least this many inquiries opened in the window. */
          partner_system_min_inquiries: minimum.default(10),
          /** "Takeover rate high": Wilson lower bound of takeover_rate (inquiries) above this… */
          takeover_rate: share.default(0.25),
          takeover_min_denominator: minimum.default(20),
          /** …or of claim_takeover_rate above this. */
          claim_takeover_rate: share.default(0.25),
          claim_takeover_min_denominator: minimum.default(10),
        })
        .prefault({}),
      /** Example entity ids listed per kind of evidence. */
      examples: z.int().min(0).max(50).default(5),
    })
    .prefault({}),
  onboarding: z
    .strictObject({
      probation_days: z.int().min(1).max(366).default(60),
      max_dispatch_days: z.int().min(0).default(3),
      criteria: z
        .strictObject({
          sla_rate: atLeast(0.9, 10),
          late_dispatch_rate: atMost(0.05, 20),
          contact_failure_rate: atMost(0.05, 3),
          shipping_issue_rate: atMost(0.02, 20),
        })
        .prefault({}),
    })
    .prefault({}),
});
export type Policy = z.infer<typeof PolicySchema>;

export const DEFAULT_POLICY_PATH = 'brandscore.policy.json';

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export function parsePolicy(input: unknown, source = 'policy'): Policy {
  const parsed = PolicySchema.safeParse(input);
  if (!parsed.success) throw new PolicyError(describeFirstIssue(parsed.error, source));
  return parsed.data;
}

/** Reads the policy file when there is one (the path given, else ./brandscore.policy.json), else the DESIGN defaults. */
export function loadPolicy(path?: string, options: { required?: boolean } = {}): Policy {
  const file = path ?? DEFAULT_POLICY_PATH;
  const json = readSettingsJson(file, { required: options.required ?? false, what: 'policy', fail: (message) => new PolicyError(message) });
  return parsePolicy(json, file);
}

/** The policy an installation's config names (`"policy": FILE`, which must then exist), else ./brandscore.policy.json or the defaults. */
export function policyOfConfig(config: { policy?: string }): Policy {
  return loadPolicy(config.policy, { required: config.policy !== undefined });
}

/** First 16 hex digits of the SHA-256 of the policy's canonical JSON (every field, defaults filled in, schema order). */
export function policyHash(policy: Policy): string {
  return createHash('sha256').update(JSON.stringify(policy)).digest('hex').slice(0, 16);
}
