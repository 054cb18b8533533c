import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refresh } from '../../metrics/refresh.ts';
import { METRIC_KEYS, ScorecardSchema, type Metrics, type Scorecard } from '../../metrics/scorecards/schema.ts';
import {
  computeScorecard,
  computeScorecards,
  getScorecard,
  listScorecards,
  percentileRanks,
  rateMetric,
  trailingWindow,
  wilsonInterval,
} from '../../metrics/scorecards/scorecards.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { at, defaultCalendar, insertRaw, kst, upsertBrand } from './raw-events.ts';

/**
 * One brand, one hand-made week: Mon 2024-03-04 … Sun 2024-03-10 KST, window [2024-03-04, 2024-03-11). Now is
 * later (2024-03-20), so as_of = min(to, now) = 2024-03-11 00:00 KST: anything dated after it has "not happened
 * yet" for this window. Business hours Mon–Fri 09:00–18:00 KST (9 h a day); Fri 2024-03-01 is a holiday
 * (Samiljeol). Deadlines: "N business days after t" = 18:00 of the N-th business day after t's business date.
 */

const calendar = defaultCalendar();
const NOW = at('2024-03-20T12:00:00');
const WINDOW = { from: '2024-03-04', to: '2024-03-11' };
const A = 'brand-a';

let warehouse: Warehouse;
let card: Scorecard;
let m: Metrics;

const order = (type: string, order_id: string, local: string, extra: Record<string, string | number | null> = {}) => ({
  type,
  brand_id: A,
  order_id,
  occurred_at: kst(local),
  ...extra,
});
const placed = (id: string, local: string, extra: Record<string, string | number | null> = {}) =>
  order('order_placed', id, local, { amount: 10_000, quantity: 1, ...extra });
const inquiry = (type: string, inquiry_id: string, local: string, extra: Record<string, string | null> = {}) => ({
  type,
  brand_id: A,
  inquiry_id,
  occurred_at: kst(local),
  ...extra,
});
const opened = (id: string, local: string) => inquiry('inquiry_opened', id, local, { channel: 'chat', category: 'product' });
const answered = (id: string, local: string, responder: 'brand' | 'platform') =>
  inquiry('inquiry_answered', id, local, { responder });
const contact = (type: string, contact_id: string, local: string) => ({
  type,
  brand_id: A,
  contact_id,
  occurred_at: kst(local),
  ...(type === 'contact_attempted' ? { channel: 'phone', purpose: 'claim' } : {}),
});
const claim = (type: string, claim_id: string, local: string, extra: Record<string, string> = {}) => ({
  type,
  brand_id: A,
  claim_id,
  order_id: `order-of-${claim_id}`,
  occurred_at: kst(local),
  ...extra,
});
const review = (review_id: string, local: string, score: number) => ({
  type: 'review_posted',
  brand_id: A,
  review_id,
  order_id: `order-of-${review_id}`,
  occurred_at: kst(local),
  score,
});

beforeAll(async () => {
  warehouse = await Warehouse.open(':memory:');
  await upsertBrand(warehouse, 1, { brand_id: A, name: 'Brand A', status: 'active', dispatch_days: 2 });

  await insertRaw(warehouse, 'raw_orders', 1, [
    // Previous window: Thu 02-29 paid → business date Thu; +2 skips the Fri 03-01 holiday → Tue 03-05 18:00.
    placed('o0', '2024-02-29T10:00:00'),
    order('order_paid', 'o0', '2024-02-29T10:00:00'),
    // o1: paid Mon 10:30, deadline Wed 03-06 18:00, dispatched Tue 15:00 → on time, 7.5 h (Mon) + 6 h (Tue) = 13.5 h.
    placed('o1', '2024-03-04T10:00:00', { delivery_due_at: kst('2024-03-08T18:00:00') }),
    order('order_paid', 'o1', '2024-03-04T10:30:00'),
    // o2: paid Tue 20:05, after closing → business date Wed; deadline Fri 03-08 18:00; dispatched only on
    // Mon 03-11 10:00, after as_of → late (still undispatched when the deadline passed).
    placed('o2', '2024-03-05T20:00:00'),
    order('order_paid', 'o2', '2024-03-05T20:05:00'),
    // o3: dispatch_due_at Wed 17:00 overrides dispatch_days (which would give Fri 18:00); dispatched 17:30 →
    // late, 8.5 h. Shipping issue; delivered Fri 10:00 after its delivery_due_at Thu 18:00 → late delivery.
    placed('o3', '2024-03-06T09:00:00', {
      dispatch_due_at: kst('2024-03-06T17:00:00'),
      delivery_due_at: kst('2024-03-07T18:00:00'),
    }),
    order('order_paid', 'o3', '2024-03-06T09:00:00'),
    // o4: cancelled by the customer before dispatch → leaves the late-dispatch denominator.
    placed('o4', '2024-03-07T11:00:00'),
    order('order_paid', 'o4', '2024-03-07T11:00:00'),
    order('order_cancelled', 'o4', '2024-03-07T12:00:00', { cancelled_by: 'customer' }),
    // o5: never paid, cancelled by the brand before dispatch → brand cancellation, not in late dispatch.
    placed('o5', '2024-03-07T14:00:00'),
    order('order_cancelled', 'o5', '2024-03-08T09:30:00', { cancelled_by: 'brand' }),
    // o6: paid Fri 10:00, deadline Tue 03-12 18:00 > as_of and not dispatched → undecided, not counted.
    placed('o6', '2024-03-08T10:00:00'),
    order('order_paid', 'o6', '2024-03-08T10:00:00'),
    // o7: paid Fri 16:00, dispatched Fri 17:00 → on time, 1 h; shipping issue Sat; delivered without due date.
    placed('o7', '2024-03-08T16:00:00'),
    order('order_paid', 'o7', '2024-03-08T16:00:00'),
    // o8: paid Sat 11:00 → business date Mon 03-11, deadline Wed 03-13; dispatched Sat 15:00 → on time, 0 h.
    placed('o8', '2024-03-09T11:00:00'),
    order('order_paid', 'o8', '2024-03-09T11:00:00'),
    // o9: paid Wed 10:00, dispatched Wed 16:00 (on time, 6 h), then cancelled by the brand after dispatch: a
    // brand cancellation that stays in the late-dispatch denominator.
    placed('o9', '2024-03-06T10:00:00'),
    order('order_paid', 'o9', '2024-03-06T10:00:00'),
    order('order_cancelled', 'o9', '2024-03-07T10:00:00', { cancelled_by: 'brand' }),
  ]);
  await insertRaw(warehouse, 'raw_shipments', 1, [
    { type: 'dispatched', brand_id: A, order_id: 'o0', occurred_at: kst('2024-03-05T11:00:00'), carrier: 'cj', tracking_no: 't0' },
    { type: 'dispatched', brand_id: A, order_id: 'o1', occurred_at: kst('2024-03-05T15:00:00'), carrier: 'cj', tracking_no: 't1' },
    { type: 'delivered', brand_id: A, order_id: 'o1', occurred_at: kst('2024-03-07T12:00:00') },
    { type: 'dispatched', brand_id: A, order_id: 'o2', occurred_at: kst('2024-03-11T10:00:00'), carrier: 'cj', tracking_no: 't2' },
    { type: 'dispatched', brand_id: A, order_id: 'o3', occurred_at: kst('2024-03-06T17:30:00'), carrier: 'cj', tracking_no: 't3' },
    { type: 'shipping_issue', brand_id: A, order_id: 'o3', occurred_at: kst('2024-03-07T10:00:00'), issue: 'damaged' },
    { type: 'delivered', brand_id: A, order_id: 'o3', occurred_at: kst('2024-03-08T10:00:00') },
    { type: 'dispatched', brand_id: A, order_id: 'o7', occurred_at: kst('2024-03-08T17:00:00'), carrier: 'cj', tracking_no: 't7' },
    { type: 'shipping_issue', brand_id: A, order_id: 'o7', occurred_at: kst('2024-03-09T10:00:00'), issue: 'wrong_item' },
    { type: 'delivered', brand_id: A, order_id: 'o7', occurred_at: kst('2024-03-09T12:00:00') },
    { type: 'dispatched', brand_id: A, order_id: 'o8', occurred_at: kst('2024-03-09T15:00:00'), carrier: 'cj', tracking_no: 't8' },
    { type: 'dispatched', brand_id: A, order_id: 'o9', occurred_at: kst('2024-03-06T16:00:00'), carrier: 'cj', tracking_no: 't9' },
  ]);

  await insertRaw(warehouse, 'raw_inquiries', 1, [
    // q0, before the window: opened Tue 02-27, deadline Thu 02-29 18:00, never answered → overdue at as_of.
    opened('q0', '2024-02-27T10:00:00'),
    // q1: brand answers Mon 15:00, 5 h after opening; deadline Wed 18:00 → hit.
    opened('q1', '2024-03-04T10:00:00'),
    answered('q1', '2024-03-04T15:00:00', 'brand'),
    // q2: only the platform answers → a miss for the brand once its deadline (Thu 18:00) passes; a takeover.
    opened('q2', '2024-03-05T17:00:00'),
    answered('q2', '2024-03-05T17:30:00', 'platform'),
    // q3: opened Wed 19:00 (after closing → business date Thu, deadline Mon 03-11 18:00); brand answers
    // Fri 10:00 → 9 h (Thu) + 1 h (Fri) = 10 h, a hit.
    opened('q3', '2024-03-06T19:00:00'),
    answered('q3', '2024-03-08T10:00:00', 'brand'),
    // q4: opened Thu, unanswered; deadline Mon 03-11 18:00 > as_of → open, not overdue, not in sla yet.
    opened('q4', '2024-03-07T10:00:00'),
    // q5: platform first (takeover); the brand answers Thu 10:00, past its Wed 18:00 deadline → a miss,
    // 7 h (Mon 11–18) + 9 + 9 + 1 h (Thu) = 26 h.
    opened('q5', '2024-03-04T11:00:00'),
    answered('q5', '2024-03-04T12:00:00', 'platform'),
    answered('q5', '2024-03-07T10:00:00', 'brand'),
    // q6: opened Fri; the brand answers Mon 03-11 09:30, after as_of → still open at as_of, not overdue.
    opened('q6', '2024-03-08T09:00:00'),
    answered('q6', '2024-03-11T09:30:00', 'brand'),
    // q7: closed by the customer without an answer; its deadline (Thu 18:00) passed → a miss, not open.
    opened('q7', '2024-03-05T10:00:00'),
    inquiry('inquiry_closed', 'q7', '2024-03-05T11:00:00'),
  ]);

  await insertRaw(warehouse, 'raw_contacts', 1, [
    // c1: answered within the hour → success (deadline Tue 18:00).
    contact('contact_attempted', 'c1', '2024-03-04T10:00:00'),
    contact('contact_answered', 'c1', '2024-03-04T11:00:00'),
    // c2: never answered, deadline Wed 18:00 passed → failure.
    contact('contact_attempted', 'c2', '2024-03-05T10:00:00'),
    // c3: answered Fri 10:00, after its deadline Thu 18:00 → failure.
    contact('contact_attempted', 'c3', '2024-03-06T10:00:00'),
    contact('contact_answered', 'c3', '2024-03-08T10:00:00'),
    // c4: never answered, deadline Fri 18:00 passed → failure.
    contact('contact_attempted', 'c4', '2024-03-07T15:00:00'),
    // c5: Fri 17:00, deadline Mon 03-11 18:00 > as_of → undecided.
    contact('contact_attempted', 'c5', '2024-03-08T17:00:00'),
  ]);

  await insertRaw(warehouse, 'raw_claims', 1, [
    // k1: defect, closed Tue 12:00 → 8 h (Mon 10–18) + 3 h (Tue 9–12) = 11 h.
    claim('claim_opened', 'k1', '2024-03-04T10:00:00', { claim_type: 'return', reason: 'defect' }),
    claim('claim_stage_changed', 'k1', '2024-03-04T10:00:00', { stage: 'requested', handled_by: 'brand' }),
    claim('claim_closed', 'k1', '2024-03-05T12:00:00', { outcome: 'completed' }),
    // k2: a stage handled by the platform (takeover); open; 3 business days after Tue → Fri 18:00 < as_of → overdue.
    claim('claim_opened', 'k2', '2024-03-05T10:00:00', { claim_type: 'exchange', reason: 'size' }),
    claim('claim_stage_changed', 'k2', '2024-03-06T10:00:00', { stage: 'processing', handled_by: 'platform' }),
    // k3: wrong_item, closed Fri 14:00 → 4 h (Thu 14–18) + 5 h (Fri 9–14) = 9 h.
    claim('claim_opened', 'k3', '2024-03-07T14:00:00', { claim_type: 'refund', reason: 'wrong_item' }),
    claim('claim_closed', 'k3', '2024-03-08T14:00:00', { outcome: 'completed' }),
    // k4: opened Fri, open; overdue only after Wed 03-13 18:00.
    claim('claim_opened', 'k4', '2024-03-08T11:00:00', { claim_type: 'return', reason: 'change_of_mind' }),
  ]);

  await insertRaw(warehouse, 'raw_reviews', 1, [
    review('r1', '2024-03-04T12:00:00', 5),
    review('r2', '2024-03-05T12:00:00', 2),
    review('r3', '2024-03-09T12:00:00', 1),
    review('r4', '2024-03-10T23:59:00', 4),
    // Local midnight of 03-11 belongs to the next window.
    review('r5', '2024-03-11T00:00:00', 3),
  ]);

  await refresh(warehouse, { now: NOW, calendar });
  card = (await computeScorecard(warehouse, A, WINDOW, { now: NOW, calendar }))!;
  m = card.metrics;
});

afterAll(() => warehouse.close());

describe('scorecard of one hand-made week', () => {
  it('has the window, as_of = min(to, now) and every §5 key, and matches the schema', () => {
    expect(card.window).toEqual({ from: '2024-03-04', to: '2024-03-11', as_of: '2024-03-10T15:00:00.000Z' });
    expect(Object.keys(card.metrics).sort()).toEqual([...METRIC_KEYS].sort());
    expect(METRIC_KEYS).toHaveLength(24);
    expect(ScorecardSchema.parse(card)).toEqual(card);
    expect(card.brand).toEqual({ name: 'Brand A', status: 'active' });
  });

  it('orders: placed, late dispatch, dispatch time, shipping issues, deliveries, brand cancellations', () => {
    // o1…o9 placed in the window (o0 is in the previous one).
    expect(m.orders_placed).toEqual({ value: 9 });
    // Denominator: o1, o2, o3, o7, o8, o9 (o4, o5 cancelled before dispatch; o6's deadline is after as_of).
    // Late: o2 (undispatched past Fri 18:00) and o3 (17:30 > its dispatch_due_at 17:00).
    expect(m.late_dispatch_rate).toEqual(rateMetric(2, 6));
    // Dispatched by as_of: o8 0 h, o7 1 h, o9 6 h, o3 8.5 h, o1 13.5 h. p50 = 6;
    // p90 at rank 0.9 × 4 = 3.6 → 8.5 + 0.6 × (13.5 − 8.5) = 11.5.
    expect(m.dispatch_time_bh).toEqual({ p50: 6, p90: 11.5, n: 5 });
    // Dispatched o1, o3, o7, o8, o9; with an issue o3, o7.
    expect(m.shipping_issue_rate).toEqual(rateMetric(2, 5));
    // Delivered with a due date: o1 (on time), o3 (late); o7 has no due date.
    expect(m.on_time_delivery_rate).toEqual(rateMetric(1, 2));
    // Cancelled by the brand: o5 and o9, of 9 placed.
    expect(m.brand_cancel_rate).toEqual(rateMetric(2, 9));
  });

  it('inquiries: sla (platform-only answer is a miss), answer time, open and overdue, takeover', () => {
    expect(m.inquiries_opened).toEqual({ value: 7 });
    // Denominator: q1, q3, q5 (answered by the brand), q2, q7 (deadline passed); hits q1, q3.
    expect(m.sla_rate).toEqual(rateMetric(2, 5));
    expect(m.sla_rate.value).toBeCloseTo(0.4, 12);
    // Brand answers by as_of: 5, 10, 26 h. p50 = 10; p90 at rank 1.8 → 10 + 0.8 × 16 = 22.8.
    expect(m.answer_time_bh.n).toBe(3);
    expect(m.answer_time_bh.p50).toBeCloseTo(10, 9);
    expect(m.answer_time_bh.p90).toBeCloseTo(22.8, 9);
    // Open at as_of with no answer from anyone: q0 (from before the window), q4, q6 (q7 is closed).
    expect(m.open_unanswered).toEqual({ value: 3 });
    // Past the deadline: q0 only (q4's is Mon 18:00, q6's Tue 18:00).
    expect(m.overdue_unanswered).toEqual({ value: 1 });
    // Answered by as_of: q1, q2, q3, q5; first answer from the platform: q2, q5.
    expect(m.takeover_rate).toEqual(rateMetric(2, 4));
  });

  it('contacts: failure rate over decided contacts and the current failure streak', () => {
    expect(m.contacts_attempted).toEqual({ value: 5 });
    // Decided: c1…c4 (c5's deadline is after as_of); failed c2, c3, c4.
    expect(m.contact_failure_rate).toEqual(rateMetric(3, 4));
    // Newest decided first: c4 ✗, c3 ✗, c2 ✗, c1 ✓ → 3.
    expect(m.consecutive_contact_failures).toEqual({ value: 3 });
  });

  it('claims: counts, rates over dispatched orders, resolution time, overdue and takeover', () => {
    expect(m.claims_opened).toEqual({ value: 4 });
    // 4 claims over the 5 orders of the window dispatched by as_of.
    expect(m.claim_rate).toEqual(rateMetric(4, 5));
    // defect (k1) or wrong_item (k3).
    expect(m.defect_claim_rate).toEqual(rateMetric(2, 5));
    // Closed: k1 11 h, k3 9 h → p50 10, p90 9 + 0.9 × 2 = 10.8.
    expect(m.claim_resolution_bh.n).toBe(2);
    expect(m.claim_resolution_bh.p50).toBeCloseTo(10, 9);
    expect(m.claim_resolution_bh.p90).toBeCloseTo(10.8, 9);
    expect(m.overdue_claims).toEqual({ value: 1 });
    expect(m.claim_takeover_rate).toEqual(rateMetric(1, 4));
  });

  it('reviews: count, mean score, share of scores ≤ 2 (r5 at local midnight of `to` is outside)', () => {
    expect(m.reviews_count).toEqual({ value: 4 });
    // (5 + 2 + 1 + 4) / 4 = 3.
    expect(m.avg_review_score).toEqual({ value: 3, n: 4 });
    expect(m.negative_review_rate).toEqual(rateMetric(2, 4));
  });

  it('carries the previous window of equal length, judged at its own as_of', () => {
    expect(card.previous.window).toEqual({ from: '2024-02-26', to: '2024-03-04', as_of: '2024-03-03T15:00:00.000Z' });
    const p = card.previous.metrics;
    expect(p.orders_placed).toEqual({ value: 1 });
    // o0's deadline Tue 03-05 18:00 (the Fri 03-01 holiday skipped) is after that as_of, and it was dispatched
    // later: undecided.
    expect(p.late_dispatch_rate).toEqual(rateMetric(0, 0));
    expect(p.late_dispatch_rate.value).toBeNull();
    expect(p.inquiries_opened).toEqual({ value: 1 });
    // q0: deadline Thu 02-29 18:00 passed by 03-04 00:00 → in the sla denominator, a miss; open and overdue.
    expect(p.sla_rate).toEqual(rateMetric(0, 1));
    expect(p.open_unanswered).toEqual({ value: 1 });
    expect(p.overdue_unanswered).toEqual({ value: 1 });
    expect(p.contacts_attempted).toEqual({ value: 0 });
  });

  it('gives nulls, never NaN, for an empty window', async () => {
    const empty = (await computeScorecard(warehouse, A, { from: '2023-06-01', to: '2023-06-08' }, { now: NOW, calendar }))!;
    for (const key of METRIC_KEYS) {
      const metric = empty.metrics[key] as Record<string, number | null>;
      if ('denominator' in metric) {
        expect(metric, key).toEqual({ numerator: 0, denominator: 0, value: null, wilson_low: null, wilson_high: null });
      } else if ('p50' in metric) expect(metric, key).toEqual({ p50: null, p90: null, n: 0 });
      else if ('n' in metric) expect(metric, key).toEqual({ value: null, n: 0 });
      else expect(metric, key).toEqual({ value: 0 });
    }
    expect(JSON.stringify(empty)).not.toContain('NaN');
    expect(empty.percentile_ranks.sla_rate).toEqual({ percentile: null, peers: 0, minimum: 20 });
  });

  it('computes the same figures for all brands at once as for one brand', async () => {
    const all = await computeScorecards(warehouse, WINDOW, { now: NOW, calendar });
    expect(all.scorecards.map((s) => s.brand_id)).toEqual([A]);
    expect(all.scorecards[0]).toEqual(card);
  });

  it('returns undefined for a brand it has never seen, and judges a window ending after now at now', async () => {
    expect(await computeScorecard(warehouse, 'nobody', WINDOW, { now: NOW, calendar })).toBeUndefined();
    const now = at('2024-03-08T12:00:00');
    const partial = (await computeScorecard(warehouse, A, WINDOW, { now, calendar }))!;
    expect(partial.window.as_of).toBe(now.toISOString());
    // At Fri 12:00 o2's deadline (Fri 18:00) has not passed; decided: o1, o3 (late), o9 → 1/3.
    expect(partial.metrics.late_dispatch_rate).toEqual(rateMetric(1, 3));
  });
});

describe('materialised standard windows', () => {
  it('stores the trailing 7, 28 and 90 days ending at the business date of now, and serves them', async () => {
    // Wed 2024-03-20 12:00 → business date 03-20; the 7-day window is [03-13, 03-20), judged at 03-20 00:00.
    expect(trailingWindow(calendar, NOW, 7)).toEqual({
      from: '2024-03-13',
      to: '2024-03-20',
      as_of: '2024-03-19T15:00:00.000Z',
    });
    // Fri 2024-03-08 20:00, after closing → business date Mon 03-11, judged at now.
    expect(trailingWindow(calendar, at('2024-03-08T20:00:00'), 7)).toEqual({
      from: '2024-03-04',
      to: '2024-03-11',
      as_of: at('2024-03-08T20:00:00').toISOString(),
    });
    const stored = await warehouse.all<{ window_days: number; window_from: string; window_to: string }>(
      'SELECT window_days, window_from, window_to FROM scorecards ORDER BY window_days',
    );
    expect(stored).toEqual([
      { window_days: 7, window_from: '2024-03-13', window_to: '2024-03-20' },
      { window_days: 28, window_from: '2024-02-21', window_to: '2024-03-20' },
      { window_days: 90, window_from: '2023-12-21', window_to: '2024-03-20' },
    ]);
    const served = (await getScorecard(warehouse, A, {}, { now: NOW, calendar }))!;
    expect(served.window.from).toBe('2024-02-21');
    // The 28 days hold the whole test week and the previous one.
    expect(served.metrics.orders_placed).toEqual({ value: 10 });
    expect(ScorecardSchema.parse(served)).toEqual(served);
    const list = await listScorecards(warehouse, { from: '2024-02-21', to: '2024-03-20' }, { now: NOW, calendar });
    expect(list.scorecards).toEqual([served]);
    // Any other window is computed on demand.
    expect(await getScorecard(warehouse, A, WINDOW, { now: NOW, calendar })).toEqual(card);
  });
});

describe('Wilson score interval (95%)', () => {
  it('matches hand computation for 3/5 and 40/100', () => {
    // 40/100: p = 0.4, z² = 3.8415, scale = 1 + z²/n = 1.038415; centre = (0.4 + 0.019207) / 1.038415 = 0.403699;
    // half = 1.96 × √(0.0024 + 0.000096) / 1.038415 = 0.094298 → [0.3094, 0.4980].
    const forty = wilsonInterval(40, 100)!;
    expect(forty.low).toBeCloseTo(0.3094, 4);
    expect(forty.high).toBeCloseTo(0.498, 4);
    // 3/5: scale = 1.768292; centre = (0.6 + 0.384146) / 1.768292 = 0.556544;
    // half = 1.96 × √(0.048 + 0.038415) / 1.768292 = 0.325829 → [0.2307, 0.8824].
    const three = wilsonInterval(3, 5)!;
    expect(three.low).toBeCloseTo(0.2307, 4);
    expect(three.high).toBeCloseTo(0.8824, 4);
  });

  it('is null when the denominator is 0 and reaches 0 and 1 at the extremes', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(rateMetric(0, 0)).toEqual({ numerator: 0, denominator: 0, value: null, wilson_low: null, wilson_high: null });
    // 0/4: centre = half = (z²/8) / (1 + z²/4) → low 0; 4/4 → high 1.
    expect(wilsonInterval(0, 4)!.low).toBe(0);
    expect(wilsonInterval(4, 4)!.high).toBeCloseTo(1, 12);
    // A ratio above 1 (claims over dispatched orders) has a value but no interval.
    expect(rateMetric(6, 5)).toEqual({ numerator: 6, denominator: 5, value: 1.2, wilson_low: null, wilson_high: null });
  });
});

describe('percentile ranks', () => {
  const withContacts = (failed: number, decided: number, slaHits: number, slaOf: number): Metrics => {
    const base = structuredClone(card.metrics);
    base.contact_failure_rate = rateMetric(failed, decided);
    base.sla_rate = rateMetric(slaHits, slaOf);
    return base;
  };

  it('ranks among brands with enough volume, 100 = best whichever the direction', () => {
    const ranks = percentileRanks(
      new Map([
        // contact failures (lower is better, minimum 5 decided): x 1/5, y 3/5, z 1/5, w 0/4 (too few).
        // sla (higher is better, minimum 20): x 18/20, y 10/20, z 20/25, w 5/5 (too few).
        ['x', withContacts(1, 5, 18, 20)],
        ['y', withContacts(3, 5, 10, 20)],
        ['z', withContacts(1, 5, 20, 25)],
        ['w', withContacts(0, 4, 5, 5)],
      ]),
    );
    // contact_failure_rate, 3 peers: x and z tie at 0.2 (better than y): (1 + 2 / 2) / 3 = 66.7; y: (0 + 0.5) / 3 = 16.7.
    expect(ranks.get('x')!.contact_failure_rate).toEqual({ percentile: 66.7, peers: 3, minimum: 5 });
    expect(ranks.get('z')!.contact_failure_rate.percentile).toBe(66.7);
    expect(ranks.get('y')!.contact_failure_rate.percentile).toBe(16.7);
    expect(ranks.get('w')!.contact_failure_rate).toEqual({ percentile: null, peers: 3, minimum: 5 });
    // sla_rate, 3 peers: x 0.9 > z 0.8 > y 0.5 → x (2 + 0.5) / 3 = 83.3; z (1 + 0.5) / 3 = 50; y 0.5 / 3 = 16.7.
    expect(ranks.get('x')!.sla_rate.percentile).toBe(83.3);
    expect(ranks.get('z')!.sla_rate.percentile).toBe(50);
    expect(ranks.get('y')!.sla_rate.percentile).toBe(16.7);
    expect(ranks.get('w')!.sla_rate.percentile).toBeNull();
  });
});
