import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { addDays, daysBetween } from '../calendar/zoned-time.ts';
import { policyHash, type Policy } from '../recommendations/policy.ts';
import type { Metrics } from '../scorecards/schema.ts';
import { checkAsOfDate, computeBrandMetrics } from '../scorecards/scorecards.ts';
import type { OnboardingChecklist, PerformanceCriterion, ProfileCriterion, Verdict } from './schema.ts';

/**
 * The onboarding CS checklist of DESIGN §6: the profile criteria from the brand's reference data and the
 * performance criteria from its scorecard over its first `probation_days` days. A performance criterion passes
 * or fails on the point estimate once its denominator reaches the minimum, and is insufficient_data before.
 */

interface BrandProfile {
  brand_id: string;
  name: string | null;
  status: OnboardingChecklist['brand']['status'];
  onboarded_at: string | null;
  dispatch_days: number | null;
  cs_phone: string | null;
  cs_email: string | null;
  return_address: string | null;
}

const filled = (value: string | null) => value !== null && value.trim() !== '';

export function profileCriteria(brand: BrandProfile, policy: Policy): ProfileCriterion[] {
  const maxDays = policy.onboarding.max_dispatch_days;
  return [
    {
      criterion: 'cs_contact',
      result: filled(brand.cs_phone) || filled(brand.cs_email) ? 'pass' : 'fail',
      requirement: 'a CS phone number or email address',
      evidence: { cs_phone: brand.cs_phone, cs_email: brand.cs_email },
    },
    {
      criterion: 'return_address',
      result: filled(brand.return_address) ? 'pass' : 'fail',
      requirement: 'a return address',
      evidence: { return_address: brand.return_address },
    },
    {
      criterion: 'dispatch_days',
      result: brand.dispatch_days === null ? 'fail' : brand.dispatch_days <= maxDays ? 'pass' : 'fail',
      requirement: `promises dispatch within ${maxDays} business days`,
      evidence: { dispatch_days: brand.dispatch_days, max_dispatch_days: maxDays },
    },
  ];
}

export function performanceCriteria(metrics: Metrics, policy: Policy): PerformanceCriterion[] {
  const criteria = policy.onboarding.criteria;
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const judge = (
    criterion: PerformanceCriterion['criterion'],
    bound: 'min' | 'max',
    threshold: number,
    minDenominator: number,
  ): PerformanceCriterion => {
    const metric = metrics[criterion];
    const enough = metric.denominator >= minDenominator && metric.value !== null;
    const ok = bound === 'min' ? (metric.value ?? 0) >= threshold : (metric.value ?? 1) <= threshold;
    return {
      criterion,
      result: !enough ? 'insufficient_data' : ok ? 'pass' : 'fail',
      requirement: `${criterion} ${bound === 'min' ? '≥' : '≤'} ${pct(threshold)} over at least ${minDenominator}`,
      metric,
      bound,
      threshold,
      min_denominator: minDenominator,
    };
  };
  return [
    judge('sla_rate', 'min', criteria.sla_rate.min, criteria.sla_rate.min_denominator),
    judge('late_dispatch_rate', 'max', criteria.late_dispatch_rate.max, criteria.late_dispatch_rate.min_denominator),
    judge('contact_failure_rate', 'max', criteria.contact_failure_rate.max, criteria.contact_failure_rate.min_denominator),
    judge('shipping_issue_rate', 'max', criteria.shipping_issue_rate.max, criteria.shipping_issue_rate.min_denominator),
  ];
}

/**
 * profile_incomplete when a profile criterion fails (whatever the performance); else retraining_recommended when
 * a performance criterion fails; else extend_probation while any lacks data; else ready_to_graduate.
 */
export function verdictOf(profile: ProfileCriterion[], performance: PerformanceCriterion[]): { verdict: Verdict; reasons: string[] } {
  const failedProfile = profile.filter((c) => c.result === 'fail').map((c) => c.criterion);
  const failed = performance.filter((c) => c.result === 'fail').map((c) => c.criterion);
  const missing = performance.filter((c) => c.result === 'insufficient_data').map((c) => c.criterion);
  const reasons: string[] = [];
  if (failedProfile.length > 0) reasons.push(`profile incomplete: ${failedProfile.join(', ')}`);
  if (failed.length > 0) reasons.push(`below the onboarding criteria: ${failed.join(', ')}`);
  if (missing.length > 0) reasons.push(`not enough data yet: ${missing.join(', ')}`);
  if (failedProfile.length > 0) return { verdict: 'profile_incomplete', reasons };
  if (failed.length > 0) return { verdict: 'retraining_recommended', reasons };
  if (missing.length > 0) return { verdict: 'extend_probation', reasons };
  return { verdict: 'ready_to_graduate', reasons: ['every profile and performance criterion passes'] };
}

interface ChecklistOptions {
  now: Date;
  calendar: BusinessCalendar;
  policy: Policy;
  asOfDate?: string;
  /** The caller's connection (a page's, from its pool); else the warehouse's. */
  connection?: DuckDBConnection;
}

/** The checklist of one brand at `now` (or at the start of `asOfDate`, business zone), or undefined for a brand not in `brands`. */
export async function onboardingChecklist(
  warehouse: Warehouse,
  brandId: string,
  options: ChecklistOptions,
): Promise<OnboardingChecklist | undefined> {
  return (await onboardingChecklists(warehouse, [brandId], options))[0];
}

/**
 * The checklists of `brandIds` (in the order given, each once), leaving out brands not in `brands`: the periods of
 * all of them computed together (computeBrandMetrics).
 */
export async function onboardingChecklists(
  warehouse: Warehouse,
  brandIds: readonly string[],
  options: ChecklistOptions,
): Promise<OnboardingChecklist[]> {
  const { calendar, policy, connection } = options;
  // as_of: the start of asOfDate (its local midnight, as for the evaluation date of a recommendation), or now.
  if (options.asOfDate !== undefined) checkAsOfDate(options.asOfDate);
  const now = options.asOfDate
    ? new Date(Math.min(options.now.getTime(), calendar.calendarDayOf(options.asOfDate).dayStart))
    : options.now;
  const wanted = [...new Set(brandIds)];
  if (wanted.length === 0) return [];
  const inScope = `brand_id IN (SELECT unnest(json_extract_string($brands, '$[*]')))`;
  const profiles = new Map(
    (
      await warehouse.all<BrandProfile>(
        `SELECT brand_id, name, status, CAST(onboarded_at AS VARCHAR) AS onboarded_at, dispatch_days, cs_phone, cs_email, return_address
         FROM brands WHERE ${inScope}`,
        { brands: JSON.stringify(wanted) },
        connection,
      )
    ).map((brand) => [brand.brand_id, brand]),
  );
  const brands = wanted.flatMap((brandId) => profiles.get(brandId) ?? []);
  // Without onboarded_at, the period starts at the brand's first order, inquiry or contact.
  const unstarted = brands.filter((brand) => brand.onboarded_at === null).map((brand) => brand.brand_id);
  const firstDays = new Map<string, string>();
  if (unstarted.length > 0) {
    const rows = await warehouse.all<{ brand_id: string; day: string | null }>(
      `SELECT brand_id, CAST(min(day) AS VARCHAR) AS day FROM (
         SELECT brand_id, day FROM fct_orders WHERE ${inScope} UNION ALL
         SELECT brand_id, day FROM fct_inquiries WHERE ${inScope} UNION ALL
         SELECT brand_id, day FROM fct_contacts WHERE ${inScope})
       GROUP BY brand_id`,
      { brands: JSON.stringify(unstarted) },
      connection,
    );
    for (const row of rows) if (row.day !== null) firstDays.set(row.brand_id, row.day);
  }
  const days = policy.onboarding.probation_days;
  const policyStamp = { policy_version: policy.version, policy_hash: policyHash(policy) };
  const periods = brands.map((brand): { brand: BrandProfile; start: string; startSource: OnboardingChecklist['period']['start_source'] } => {
    if (brand.onboarded_at !== null) return { brand, start: brand.onboarded_at, startSource: 'onboarded_at' };
    const first = firstDays.get(brand.brand_id);
    if (first !== undefined) return { brand, start: first, startSource: 'first_event' };
    return { brand, start: calendar.localDateOf(now), startSource: 'as_of_date' };
  });
  const computed = await computeBrandMetrics(
    warehouse,
    periods.map(({ brand, start }) => ({ brandId: brand.brand_id, dates: { from: start, to: addDays(start, days) } })),
    { now, calendar, connection },
  );
  return periods.map(({ brand, start, startSource }, index) => {
    const { window, metrics } = computed[index]!;
    const profile = profileCriteria(brand, policy);
    const performance = performanceCriteria(metrics, policy);
    const elapsed = Math.max(0, Math.min(days, daysBetween(start, calendar.localDateOf(new Date(window.as_of)))));
    return {
      brand_id: brand.brand_id,
      brand: { name: brand.name, status: brand.status, onboarded_at: brand.onboarded_at },
      in_probation: brand.status === 'probation',
      period: { ...window, days, days_elapsed: elapsed, start_source: startSource },
      profile,
      performance,
      ...verdictOf(profile, performance),
      ...policyStamp,
    };
  });
}
