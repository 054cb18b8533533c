import { describe, expect, it } from 'vitest';
import { refresh } from '../../metrics/refresh.ts';
import { listRecommendations, recordDecision } from '../../metrics/recommendations/decisions.ts';
import { evaluateRecommendations } from '../../metrics/recommendations/evaluate.ts';
import { isWorseThan, judgeRate } from '../../metrics/recommendations/judge.ts';
import { parsePolicy, PolicyError } from '../../metrics/recommendations/policy.ts';
import type { Recommendation, StoredRecommendation } from '../../metrics/recommendations/schema.ts';
import { rateMetric } from '../../metrics/scorecards/scorecards.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { at, defaultCalendar, insertRaw, kst, upsertBrand, type RawEvent } from './raw-events.ts';

/**
 * DESIGN §6 by hand. Wilson lower bound, z = 1.959964 (z² = 3.841459):
 *   low = (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
 * Evaluations are dated Mondays of March 2024 (no holidays after Fri 1 March); the window is the 28 days before.
 */

const calendar = defaultCalendar();
const policy = parsePolicy({});
const NOW = at('2024-04-10T12:00:00');
const rules = policy.delisting.rules;
const WATCH = { min_denominator: 5, min_numerator: 2 };

describe('levels of a bad rate', () => {
  it('3 late of 5 due is watch, not warn: the denominator is below the minimum of 30', () => {
    // p = 0.6, n = 5: low = (0.6 + 0.384146 − 1.959964·√(0.048 + 0.038415)) / 1.768292 = (0.984146 − 0.576270) / 1.768292 = 0.2307.
    // The bound is even above the delist level (0.20), but 5 < 30, so only the point estimate 0.6 > 0.10 counts: watch.
    const judged = judgeRate('late_dispatch_rate', rateMetric(3, 5), rules.late_dispatch_rate, WATCH);
    expect(judged.wilson_low).toBeCloseTo(0.2307, 4);
    expect(judged.significant).toBe(false);
    expect(judged.level).toBe('watch');
  });

  it('40 late of 100 is significant, at the delist level', () => {
    // p = 0.4, n = 100: low = (0.4 + 0.019207 − 1.959964·√(0.0024 + 0.000096)) / 1.038415
    //                       = (0.419207 − 0.097921) / 1.038415 = 0.3094 > 0.20 (delist level), n = 100 ≥ 30.
    const judged = judgeRate('late_dispatch_rate', rateMetric(40, 100), rules.late_dispatch_rate, WATCH);
    expect(judged.wilson_low).toBeCloseTo(0.3094, 4);
    expect(judged.level).toBe('delist');
  });

  it('20 late of 100 is at the warn level only', () => {
    // p = 0.2: low = (0.2 + 0.019207 − 1.959964·√(0.0016 + 0.000096)) / 1.038415 = (0.219207 − 0.080717) / 1.038415 = 0.1334:
    // above 0.10 (warn), not above 0.20 (delist).
    const judged = judgeRate('late_dispatch_rate', rateMetric(20, 100), rules.late_dispatch_rate, WATCH);
    expect(judged.wilson_low).toBeCloseTo(0.1334, 4);
    expect(judged.level).toBe('warn');
  });

  it('judges 1 − sla_rate: 12 answered in time of 20 is 8 misses of 20', () => {
    // misses p = 0.4, n = 20: low = (0.4 + 0.096036 − 1.959964·√(0.012 + 0.002401)) / 1.192073
    //                              = (0.496036 − 0.235225) / 1.192073 = 0.2188 > 0.10 (warn), not > 0.30 (delist); 20 ≥ 20.
    const judged = judgeRate('sla_miss_rate', rateMetric(12, 20), rules.sla_miss_rate, WATCH);
    expect([judged.numerator, judged.denominator]).toEqual([8, 20]);
    expect(judged.wilson_low).toBeCloseTo(0.2188, 4);
    expect(judged.level).toBe('warn');
  });

  it('below the watch minimums a single event does not flag: 1 late of 1, 1 late of 6', () => {
    expect(judgeRate('late_dispatch_rate', rateMetric(1, 1), rules.late_dispatch_rate, WATCH).level).toBe('none');
    // 1 of 6 = 16.7 % > 10 %, but one late order is not a pattern.
    expect(judgeRate('late_dispatch_rate', rateMetric(1, 6), rules.late_dispatch_rate, WATCH).level).toBe('none');
    expect(judgeRate('late_dispatch_rate', rateMetric(2, 6), rules.late_dispatch_rate, WATCH).level).toBe('watch');
  });
});

describe('policy file', () => {
  it('has the DESIGN defaults', () => {
    expect(policy.delisting.rules.contact_failure_rate).toEqual({ warn: 0.1, delist: 0.3, min_denominator: 5 });
    expect(policy.onboarding.criteria.sla_rate).toEqual({ min: 0.9, min_denominator: 10 });
    expect(policy.version).toBe('design-6');
  });

  it('refuses a bad field and names it', () => {
    expect(() => parsePolicy({ delisting: { rules: { late_dispatch_rate: { warn: 1.5 } } } }, 'p.json')).toThrow(
      /^p\.json: delisting\.rules\.late_dispatch_rate\.warn: /,
    );
    expect(() => parsePolicy({ delisting: { rules: { late_dispach_rate: { warn: 0.1 } } } }, 'p.json')).toThrow(
      /delisting\.rules\.late_dispach_rate/,
    );
    expect(() => parsePolicy({ delisting: { rules: { late_dispatch_rate: { warn: 0.3 } } } }, 'p.json')).toThrow(PolicyError);
  });
});

/** `late` of every `perDay` orders a day, Mon 11 – Fri 15 March, due 18:00 the same day, late ones dispatched the next morning. */
function orders(brand: string, days: string[], perDay: number, late: number, prefix = brand): RawEvent[] {
  const events: RawEvent[] = [];
  for (const day of days) {
    for (let i = 0; i < perDay; i++) {
      const order_id = `${prefix}-${day}-${i}`;
      events.push({ type: 'order_placed', brand_id: brand, order_id, occurred_at: kst(`${day}T10:00:00`), amount: 1000, quantity: 1, dispatch_due_at: kst(`${day}T18:00:00`) });
      const dispatchedAt = i < late ? kst(`${nextDay(day)}T10:00:00`) : kst(`${day}T15:00:00`);
      events.push({ type: 'dispatched', brand_id: brand, order_id, occurred_at: dispatchedAt, carrier: 'cj', tracking_no: `t-${order_id}` });
    }
  }
  return events;
}
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

async function load(warehouse: Warehouse, batch: number, events: RawEvent[]): Promise<void> {
  await insertRaw(warehouse, 'raw_orders', batch, events.filter((e) => e.type.startsWith('order_')));
  await insertRaw(warehouse, 'raw_shipments', batch, events.filter((e) => e.type === 'dispatched'));
  await refresh(warehouse, { now: NOW, calendar });
}

const evaluate = (warehouse: Warehouse, asOfDate: string) =>
  evaluateRecommendations(warehouse, { asOfDate, now: NOW, calendar, policy, triggeredBy: 'test' });

async function recommendationOf(warehouse: Warehouse, brand: string, asOfDate: string): Promise<Recommendation | undefined> {
  const { recommendations } = await listRecommendations(warehouse, { asOfDate });
  return recommendations.find((r) => r.brand_id === brand);
}

const WEEK = ['2024-03-11', '2024-03-12', '2024-03-13', '2024-03-14', '2024-03-15'];

describe('the evaluation date', () => {
  it('is refused when it is not on the calendar, and nothing is stored', async () => {
    const warehouse = await Warehouse.open(':memory:');
    try {
      await expect(evaluate(warehouse, '2024-02-30')).rejects.toThrow("as_of: expected a YYYY-MM-DD date, got '2024-02-30'");
      const stored = await warehouse.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM policy_evaluations');
      expect(stored?.n).toBe(0);
    } finally {
      warehouse.close();
    }
  });
});

describe('delist needs two consecutive evaluations', () => {
  it('40 late of 100: warn in the first evaluation, delist in the next week’s', async () => {
    const warehouse = await Warehouse.open(':memory:');
    await upsertBrand(warehouse, 1, { brand_id: 'L', name: 'Late', status: 'active' });
    // 20 orders a day for 5 days, 8 of them late each day: 40 late of 100 due (all dispatched by Sat 16 March).
    await load(warehouse, 1, orders('L', WEEK, 20, 8));

    const first = await evaluate(warehouse, '2024-03-18');
    expect(first.window).toMatchObject({ from: '2024-02-19', to: '2024-03-18' });
    expect(first.previous_evaluation_id).toBeNull();
    let rec = (await recommendationOf(warehouse, 'L', '2024-03-18'))!;
    const late = rec.metrics.find((m) => m.rate === 'late_dispatch_rate')!;
    expect([late.numerator, late.denominator, late.level]).toEqual([40, 100, 'delist']);
    expect(late.wilson_low).toBeCloseTo(0.3094, 4);
    expect(rec.action).toBe('warn');
    expect(rec.delist_streak).toBe(1);
    expect(rec.examples.late_orders).toHaveLength(5);
    expect(rec.examples.late_orders.every((id) => id.startsWith('L-2024-03-15-'))).toBe(true);

    // A run two days later is not the next week: its previous evaluation must be 7–13 days earlier, so still warn.
    await evaluate(warehouse, '2024-03-20');
    expect((await recommendationOf(warehouse, 'L', '2024-03-20'))!.action).toBe('warn');

    // Monday 25 March: window [26 Feb, 25 Mar) holds the same 100 orders; previous evaluation = 18 March.
    const second = await evaluate(warehouse, '2024-03-25');
    expect(second.previous_evaluation_id).toBe(first.evaluation_id);
    rec = (await recommendationOf(warehouse, 'L', '2024-03-25'))!;
    expect(rec.action).toBe('delist');
    expect(rec.delist_streak).toBe(2);
    expect(rec.metrics.find((m) => m.rate === 'late_dispatch_rate')!.evaluations_breached.map((b) => b.as_of_date)).toEqual([
      '2024-03-25',
      '2024-03-18',
    ]);
    expect(second.policy_version).toBe('design-6');
    expect(second.policy_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(second.counts.delist).toBe(1);
    // Staff were alerted to the new warn (18 March) and the new delist (25 March), not to the mid-week repeat.
    expect(await warehouse.all(`SELECT message_id FROM outbox WHERE kind = 'staff_alert' ORDER BY message_id`)).toEqual([
      { message_id: 'alert:recommendation:L:delist:2024-03-25' },
      { message_id: 'alert:recommendation:L:warn:2024-03-18' },
    ]);
    warehouse.close();
  });
});

describe('unreachable brands are delisted at once', () => {
  it('three failed contacts and five silent business days', async () => {
    const warehouse = await Warehouse.open(':memory:');
    await upsertBrand(warehouse, 1, { brand_id: 'U', name: 'Unreachable', status: 'active' });
    // Last brand answer: Mon 4 March 11:00. Contacts Tue 5, Wed 6, Thu 7 March 10:00, never answered; each fails at
    // 18:00 one business day later (Wed 6, Thu 7, Fri 8), so at either evaluation 3 consecutive contacts failed.
    await insertRaw(warehouse, 'raw_inquiries', 1, [
      { type: 'inquiry_opened', brand_id: 'U', inquiry_id: 'Q1', occurred_at: kst('2024-03-04T10:00:00'), channel: 'chat', category: 'product' },
      { type: 'inquiry_answered', brand_id: 'U', inquiry_id: 'Q1', occurred_at: kst('2024-03-04T11:00:00'), responder: 'brand' },
    ]);
    await insertRaw(
      warehouse,
      'raw_contacts',
      1,
      ['05', '06', '07'].map((day, i) => ({
        type: 'contact_attempted',
        brand_id: 'U',
        contact_id: `K${i + 1}`,
        occurred_at: kst(`2024-03-${day}T10:00:00`),
        channel: 'phone',
        purpose: 'claim',
      })),
    );
    await refresh(warehouse, { now: NOW, calendar });

    // as_of Mon 11 March 00:00: business days closed after Mon 4 March: Tue 5, Wed 6, Thu 7, Fri 8 = 4 < 5.
    // contact_failure_rate 3 of 3 is below the watch minimum of 5: nothing to recommend yet.
    await evaluate(warehouse, '2024-03-11');
    expect(await recommendationOf(warehouse, 'U', '2024-03-11')).toBeUndefined();

    // as_of Tue 12 March 00:00: Mon 11 closed too, 5 silent business days: delist now, no earlier breach needed.
    await evaluate(warehouse, '2024-03-12');
    const rec = (await recommendationOf(warehouse, 'U', '2024-03-12'))!;
    expect(rec.action).toBe('delist');
    expect(rec.delist_streak).toBe(0);
    expect(rec.unreachable).toMatchObject({
      unreachable: true,
      consecutive_contact_failures: 3,
      last_brand_answer_at: new Date(kst('2024-03-04T11:00:00')).toISOString(),
      silent_business_days: 5,
    });
    expect(rec.examples.failed_contacts).toEqual(['K3', 'K2', 'K1']);
    warehouse.close();
  });
});

describe('a dismissed recommendation', () => {
  it('does not come back unchanged, and comes back when the brand gets worse', async () => {
    const warehouse = await Warehouse.open(':memory:');
    await upsertBrand(warehouse, 1, { brand_id: 'D', name: 'Dismissed', status: 'active' });
    // 4 late of 20 a day: 20 late of 100, Wilson low 0.1334: warn level.
    await load(warehouse, 1, orders('D', WEEK, 20, 4));
    await evaluate(warehouse, '2024-03-18');
    const first = (await recommendationOf(warehouse, 'D', '2024-03-18'))!;
    expect([first.action, first.status]).toEqual(['warn', 'open']);

    const { decision, recommendation } = await recordDecision(
      warehouse,
      first.recommendation_id,
      { decision: 'dismiss', reason: 'carrier strike that week', decided_by: 'Kim' },
      { role: 'merchandiser', credential: 'abc123', now: at('2024-03-19T10:00:00') },
    );
    expect(decision).toMatchObject({ decision: 'dismiss', decided_by: 'Kim', role: 'merchandiser', action: 'warn' });
    expect(recommendation.status).toBe('dismissed');

    // Next week, same 20 of 100: the same warn level on the same rate, so not worse: held back.
    await evaluate(warehouse, '2024-03-25');
    const again = (await recommendationOf(warehouse, 'D', '2024-03-25'))!;
    expect(again.action).toBe('warn');
    expect(again.status).toBe('suppressed');
    expect(again.suppressed_by).toMatchObject({ decision_id: decision.decision_id, recommendation_id: first.recommendation_id });
    expect(again.decisions.map((d) => d.decision_id)).toEqual([decision.decision_id]);

    // 30 more orders on Tue 26 – Wed 27 March, all late: 50 late of 130 in [4 Mar, 1 Apr).
    // p = 0.384615, n = 130: low = (0.384615 + 0.014775 − 1.959964·√(0.0018207 + 0.0000568)) / 1.029550 = 0.3054 > 0.20:
    // the rate is now at the delist level, higher than the warn level dismissed: worse, so it comes back (as warn,
    // the first delist-level breach).
    await load(warehouse, 2, orders('D', ['2024-03-26', '2024-03-27'], 15, 15, 'D2'));
    await evaluate(warehouse, '2024-04-01');
    const back = (await recommendationOf(warehouse, 'D', '2024-04-01'))!;
    const late = back.metrics.find((m) => m.rate === 'late_dispatch_rate')!;
    expect([late.numerator, late.denominator, late.level]).toEqual([50, 130, 'delist']);
    expect(late.wilson_low).toBeCloseTo(0.3054, 4);
    expect(back.status).toBe('open');
    expect(back.suppressed_by).toBeNull();
    expect(back.action).toBe('warn');
    warehouse.close();
  });
});

describe('"worse" than a dismissed recommendation', () => {
  const judged = (levels: Partial<Record<string, 'none' | 'watch' | 'warn' | 'delist'>>, action: Recommendation['action']) =>
    ({
      recommendation_id: 1,
      action,
      metrics: Object.entries(levels).map(([rate, level]) => ({ rate, level })),
      unreachable: { unreachable: false },
      retrain: { signals: [] },
    }) as unknown as StoredRecommendation;

  it('is a more severe action, a rate newly at warn or above, newly unreachable or a new retraining signal', () => {
    const dismissed = judged({ late_dispatch_rate: 'warn', sla_miss_rate: 'none' }, 'warn');
    expect(isWorseThan(judged({ late_dispatch_rate: 'warn', sla_miss_rate: 'none' }, 'warn'), dismissed)).toBe(false);
    // A rate newly at watch is not significant: the dismissal stands.
    expect(isWorseThan(judged({ late_dispatch_rate: 'warn', sla_miss_rate: 'watch' }, 'warn'), dismissed)).toBe(false);
    expect(isWorseThan(judged({ late_dispatch_rate: 'warn', sla_miss_rate: 'warn' }, 'warn'), dismissed)).toBe(true);
    expect(isWorseThan(judged({ late_dispatch_rate: 'delist', sla_miss_rate: 'none' }, 'warn'), dismissed)).toBe(true);
    expect(isWorseThan(judged({ late_dispatch_rate: 'warn' }, 'delist'), dismissed)).toBe(true);
    expect(isWorseThan({ ...judged({ late_dispatch_rate: 'warn' }, 'warn'), unreachable: { unreachable: true } } as StoredRecommendation, dismissed)).toBe(true);
    expect(isWorseThan({ ...judged({ late_dispatch_rate: 'warn' }, 'warn'), retrain: { signals: ['claim_takeover'] } } as StoredRecommendation, dismissed)).toBe(true);
    // Better is not worse.
    expect(isWorseThan(judged({ late_dispatch_rate: 'watch' }, 'watch'), dismissed)).toBe(false);
  });
});
