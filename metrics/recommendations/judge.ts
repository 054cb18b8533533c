import type { Metrics, RateMetric } from '../scorecards/schema.ts';
import { rateMetric } from '../scorecards/scorecards.ts';
import { BAD_RATE_KEYS, BAD_RATES, type BadRate, type Policy } from './policy.ts';
import {
  ACTIONS,
  LEVELS,
  type Action,
  type Level,
  type MetricJudgement,
  type Retrain,
  type StoredRecommendation,
  type Unreachable,
} from './schema.ts';

/**
 * The rules of DESIGN §6 as pure functions of a brand's §5 metrics, its previous evaluation and the policy. The
 * figures come from the scorecards unchanged; only sla_rate is turned into its bad rate (misses over the same
 * denominator, whose Wilson interval is 1 − the interval of sla_rate).
 */

type Rule = Policy['delisting']['rules'][BadRate];

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The level of one bad rate: delist / warn when significant and the Wilson lower bound is above, watch on the point estimate. */
export function judgeRate(
  rate: BadRate,
  metric: RateMetric,
  rule: Rule,
  watch: { min_denominator: number; min_numerator: number },
): Omit<MetricJudgement, 'evaluations_breached'> {
  const { metric: source, inverted } = BAD_RATES[rate];
  const bad = inverted ? rateMetric(metric.denominator - metric.numerator, metric.denominator) : metric;
  const significant = bad.denominator >= rule.min_denominator;
  const low = bad.wilson_low ?? 0;
  let level: Level = 'none';
  let explanation: string;
  const figures = `${bad.numerator} of ${bad.denominator}`;
  if (bad.value === null) {
    explanation = 'no denominator in the window';
  } else if (significant && low > rule.delist) {
    level = 'delist';
    explanation = `${figures}: Wilson lower bound ${pct(low)} above the delist level ${pct(rule.delist)} (denominator ≥ ${rule.min_denominator})`;
  } else if (significant && low > rule.warn) {
    level = 'warn';
    explanation = `${figures}: Wilson lower bound ${pct(low)} above the warn level ${pct(rule.warn)} (denominator ≥ ${rule.min_denominator})`;
  } else if (bad.value > rule.warn && bad.denominator >= watch.min_denominator && bad.numerator >= watch.min_numerator) {
    level = 'watch';
    explanation = significant
      ? `${figures} = ${pct(bad.value)} above the warn level ${pct(rule.warn)}, but the Wilson lower bound ${pct(low)} is not`
      : `${figures} = ${pct(bad.value)} above the warn level ${pct(rule.warn)}, but the denominator is below ${rule.min_denominator}`;
  } else if (bad.value > rule.warn) {
    explanation = `${figures} = ${pct(bad.value)}, too few to watch (watch needs ${watch.min_numerator} of at least ${watch.min_denominator})`;
  } else {
    explanation = `${figures} = ${pct(bad.value)}, within the warn level ${pct(rule.warn)}`;
  }
  return {
    rate,
    metric: source,
    numerator: bad.numerator,
    denominator: bad.denominator,
    value: bad.value,
    wilson_low: bad.wilson_low,
    wilson_high: bad.wilson_high,
    warn: rule.warn,
    delist: rule.delist,
    min_denominator: rule.min_denominator,
    significant,
    level,
    explanation,
  };
}

/** Every bad rate of the policy, with the run of evaluations in which it stood at warn or above. */
export function judgeMetrics(
  metrics: Metrics,
  policy: Policy,
  here: { evaluation_id: number; as_of_date: string },
  previous: StoredRecommendation | undefined,
): MetricJudgement[] {
  return BAD_RATE_KEYS.map((rate) => {
    const judged = judgeRate(rate, metrics[BAD_RATES[rate].metric], policy.delisting.rules[rate], {
      min_denominator: policy.delisting.watch_min_denominator,
      min_numerator: policy.delisting.watch_min_numerator,
    });
    const breached = levelRank(judged.level) >= levelRank('warn');
    const before = previous?.metrics.find((m) => m.rate === rate)?.evaluations_breached ?? [];
    const evaluations_breached = breached ? [{ ...here, level: judged.level }, ...before].slice(0, 12) : [];
    return { ...judged, evaluations_breached };
  });
}

export const levelRank = (level: Level) => LEVELS.indexOf(level);
export const actionRank = (action: Action) => ACTIONS.indexOf(action);

/** Retraining signals: most inquiries about the partner system, or a high (significant) takeover rate. */
export function judgeRetrain(
  metrics: Metrics,
  partnerSystem: { inquiries_opened: number; partner_system_inquiries: number },
  policy: Policy,
): Retrain {
  const rules = policy.delisting.retrain;
  const share = partnerSystem.inquiries_opened > 0 ? partnerSystem.partner_system_inquiries / partnerSystem.inquiries_opened : null;
  const most = share !== null && partnerSystem.inquiries_opened >= rules.partner_system_min_inquiries && share > rules.partner_system_share;
  const takeover = (metric: RateMetric, threshold: number, minDenominator: number) => ({
    ...metric,
    threshold,
    min_denominator: minDenominator,
    high: metric.denominator >= minDenominator && (metric.wilson_low ?? 0) > threshold,
  });
  const takeoverRate = takeover(metrics.takeover_rate, rules.takeover_rate, rules.takeover_min_denominator);
  const claimTakeoverRate = takeover(metrics.claim_takeover_rate, rules.claim_takeover_rate, rules.claim_takeover_min_denominator);
  const signals: Retrain['signals'] = [];
  if (most) signals.push('partner_system_inquiries');
  if (takeoverRate.high) signals.push('inquiry_takeover');
  if (claimTakeoverRate.high) signals.push('claim_takeover');
  return {
    signals,
    partner_system: { ...partnerSystem, share, threshold: rules.partner_system_share, min_inquiries: rules.partner_system_min_inquiries, most },
    takeover_rate: takeoverRate,
    claim_takeover_rate: claimTakeoverRate,
  };
}

/** The unreachable rule: enough consecutive contact failures and no brand answer for enough business days. */
export function judgeUnreachable(
  consecutiveFailures: number,
  silence: { last_brand_answer_at: string | null; silent_since: string | null; silent_business_days: number | null },
  policy: Policy,
): Unreachable {
  const rules = policy.delisting.unreachable;
  return {
    unreachable:
      consecutiveFailures >= rules.consecutive_contact_failures &&
      silence.silent_business_days !== null &&
      silence.silent_business_days >= rules.silent_business_days,
    consecutive_contact_failures: consecutiveFailures,
    min_consecutive_contact_failures: rules.consecutive_contact_failures,
    ...silence,
    min_silent_business_days: rules.silent_business_days,
  };
}

/**
 * The action of §6 and its reasons: delist when unreachable or when a delist level has been breached in
 * `delist_after_evaluations` consecutive evaluations; else warn when a warn (or delist) level is breached now;
 * else retrain on a retraining signal; else watch when a point estimate passes a warn level without
 * significance. `previousStreak` is the delist streak of the brand in the previous evaluation (0 if none).
 */
export function decideAction(
  judgements: MetricJudgement[],
  unreachable: Unreachable,
  retrain: Retrain,
  previousStreak: number,
  policy: Policy,
): { action: Action; reasons: string[]; delist_streak: number } {
  const atDelist = judgements.filter((m) => m.level === 'delist');
  const atWarn = judgements.filter((m) => m.level === 'warn');
  const atWatch = judgements.filter((m) => m.level === 'watch');
  const delistStreak = atDelist.length > 0 ? previousStreak + 1 : 0;
  const needed = policy.delisting.delist_after_evaluations;
  const reasons: string[] = [];
  if (unreachable.unreachable) {
    reasons.push(
      `unreachable: ${unreachable.consecutive_contact_failures} consecutive contact failures and no brand answer for ${unreachable.silent_business_days} business days`,
    );
  }
  if (atDelist.length > 0) {
    const names = atDelist.map((m) => m.rate).join(', ');
    reasons.push(
      delistStreak >= needed
        ? `delist level breached in ${delistStreak} consecutive evaluations (${names})`
        : `delist level breached in ${delistStreak} of the ${needed} consecutive evaluations delisting needs (${names})`,
    );
  }
  if (atWarn.length > 0) reasons.push(`warn level breached: ${atWarn.map((m) => m.rate).join(', ')}`);
  if (retrain.signals.length > 0) reasons.push(`retraining signals: ${retrain.signals.join(', ')}`);
  if (atWatch.length > 0) reasons.push(`above a warn level without significance: ${atWatch.map((m) => m.rate).join(', ')}`);

  let action: Action = 'none';
  if (unreachable.unreachable || delistStreak >= needed) action = 'delist';
  else if (atDelist.length > 0 || atWarn.length > 0) action = 'warn';
  else if (retrain.signals.length > 0) action = 'retrain';
  else if (atWatch.length > 0) action = 'watch';
  return { action, reasons, delist_streak: delistStreak };
}

/**
 * Whether a brand is worse now than in a dismissed recommendation: a more severe action, a bad rate at warn level or
 * above that stood at a lower level then, unreachable now but not then, or a retraining signal it did not have.
 * Anything else — the same levels with somewhat different figures, or a rate newly at watch (not significant) —
 * leaves the dismissal standing.
 */
export function isWorseThan(now: Pick<StoredRecommendation, 'action' | 'metrics' | 'unreachable' | 'retrain'>, dismissed: StoredRecommendation): boolean {
  if (actionRank(now.action) > actionRank(dismissed.action)) return true;
  for (const metric of now.metrics) {
    const then = dismissed.metrics.find((m) => m.rate === metric.rate);
    if (levelRank(metric.level) >= levelRank('warn') && levelRank(metric.level) > levelRank(then?.level ?? 'none')) return true;
  }
  if (now.unreachable.unreachable && !dismissed.unreachable.unreachable) return true;
  return now.retrain.signals.some((signal) => !dismissed.retrain.signals.includes(signal));
}
