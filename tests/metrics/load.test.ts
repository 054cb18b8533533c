import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketsOf, computeLoad, type LoadBucket } from '../../metrics/load/load.ts';
import { detectSurges } from '../../metrics/load/surges.ts';
import { refresh } from '../../metrics/refresh.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { addDays } from '../../metrics/calendar/zoned-time.ts';
import { at, defaultCalendar, insertRaw, kst, upsertBrand } from './raw-events.ts';

/**
 * The load series on a hand-made set of events, Mon 2024-03-04 … Thu 03-07 KST. Business hours Mon–Fri
 * 09:00–18:00 KST; Fri 03-01 is a holiday (Samiljeol). An inquiry is in the backlog from its opening until its first
 * answer by anyone or its closing, whichever comes first.
 */

const calendar = defaultCalendar();
const settings = parseConfig({}).peakLoad;
const A = 'brand-a';
let warehouse: Warehouse;

const inquiry = (type: string, inquiry_id: string, local: string, extra: Record<string, string> = {}) => ({
  type,
  brand_id: A,
  inquiry_id,
  occurred_at: kst(local),
  ...extra,
});
const opened = (id: string, local: string, channel: string) => inquiry('inquiry_opened', id, local, { channel, category: 'product' });
const answered = (id: string, local: string, responder: 'brand' | 'platform') => inquiry('inquiry_answered', id, local, { responder });
const order = (type: string, order_id: string, local: string, extra: Record<string, string | number> = {}) => ({
  type,
  brand_id: A,
  order_id,
  occurred_at: kst(local),
  ...extra,
});

beforeAll(async () => {
  warehouse = await Warehouse.open(':memory:');
  await upsertBrand(warehouse, 1, { brand_id: A, name: 'Brand A', status: 'active' });
  await insertRaw(warehouse, 'raw_inquiries', 1, [
    // q0: before the window (Fri 03-01 10:00), brand answer Mon 11:00 → open at the window start, resolved Monday.
    opened('q0', '2024-03-01T10:00:00', 'chat'),
    answered('q0', '2024-03-04T11:00:00', 'brand'),
    // q1: Mon 09:30, brand answer Mon 15:00 → 5.5 business hours, deadline Wed 18:00 → hit.
    opened('q1', '2024-03-04T09:30:00', 'chat'),
    answered('q1', '2024-03-04T15:00:00', 'brand'),
    // q2: Mon 20:00 (business date Tue, deadline Thu 18:00), never answered, closed Wed 10:00.
    opened('q2', '2024-03-04T20:00:00', 'phone'),
    inquiry('inquiry_closed', 'q2', '2024-03-06T10:00:00'),
    // q6: Mon 11:00, deadline Wed 18:00; brand answer only Thu 10:00 → miss; 7 + 9 + 9 + 1 = 26 business hours.
    opened('q6', '2024-03-04T11:00:00', 'board'),
    answered('q6', '2024-03-07T10:00:00', 'brand'),
    // q3: Tue 10:00 (deadline Thu 18:00), answered by the platform Thu 12:00.
    opened('q3', '2024-03-05T10:00:00', 'one_to_one'),
    answered('q3', '2024-03-07T12:00:00', 'platform'),
    // q4: Wed 23:30, never answered.
    opened('q4', '2024-03-06T23:30:00', 'product_qna'),
  ]);
  await insertRaw(warehouse, 'raw_orders', 1, [
    order('order_placed', 'o1', '2024-03-04T10:00:00', { amount: 1000, quantity: 1 }),
    order('order_placed', 'o2', '2024-03-04T23:59:00', { amount: 1000, quantity: 1 }),
    // Midnight belongs to the day it starts.
    order('order_placed', 'o3', '2024-03-05T00:00:00', { amount: 1000, quantity: 1 }),
    order('order_cancelled', 'o1', '2024-03-05T09:00:00', { cancelled_by: 'customer' }),
    order('order_cancelled', 'o2', '2024-03-06T10:00:00', { cancelled_by: 'platform' }),
    order('address_changed', 'o3', '2024-03-05T12:00:00', { changed_by: 'customer' }),
    order('address_changed', 'o3', '2024-03-06T12:00:00', { changed_by: 'platform' }),
  ]);
  await insertRaw(warehouse, 'raw_claims', 1, [
    { type: 'claim_opened', brand_id: A, claim_id: 'c1', order_id: 'o3', occurred_at: kst('2024-03-06T10:00:00'), claim_type: 'refund', reason: 'defect' },
  ]);
  await insertRaw(warehouse, 'raw_contacts', 1, [
    { type: 'contact_attempted', brand_id: A, contact_id: 'k1', occurred_at: kst('2024-03-05T11:00:00'), channel: 'phone', purpose: 'claim' },
  ]);
  await refresh(warehouse, { now: at('2024-03-20T12:00:00'), calendar });
});
afterAll(() => warehouse.close());

const pick = (series: LoadBucket[], keys: (keyof LoadBucket)[]) =>
  series.map((bucket) => Object.fromEntries([['bucket', bucket.bucket], ...keys.map((key) => [key, bucket[key]])]));

describe('load series per day', () => {
  it('counts each entity in the bucket of its first event and tracks the backlog at each bucket end', async () => {
    // as_of = min(local midnight of `to` = Thu 03-07 00:00, now) = Thu 00:00: q6 and q3's answers are after it.
    const load = await computeLoad(warehouse, { from: '2024-03-04', to: '2024-03-07', grain: 'day' }, { calendar, now: at('2024-03-20T12:00:00'), settings });
    expect(load.window.as_of).toBe(new Date(kst('2024-03-07T00:00:00')).toISOString());
    // Backlog: open at Mon 00:00 = q0 → 1.
    //   Mon end: 1 + opened q1, q2, q6 (3) − resolved q0 (answered 11:00), q1 (15:00) (2) = 2 (q2, q6)
    //   Tue end: 2 + q3 = 3 (q2, q6, q3)
    //   Wed end: 3 + q4 − q2 (closed 10:00) = 3 (q6, q3, q4)
    expect(pick(load.series, ['orders_placed', 'inquiries_opened', 'backlog_open_inquiries', 'claims_opened', 'contacts_attempted'])).toEqual([
      { bucket: '2024-03-04', orders_placed: 2, inquiries_opened: 3, backlog_open_inquiries: 2, claims_opened: 0, contacts_attempted: 0 },
      { bucket: '2024-03-05', orders_placed: 1, inquiries_opened: 1, backlog_open_inquiries: 3, claims_opened: 0, contacts_attempted: 1 },
      { bucket: '2024-03-06', orders_placed: 0, inquiries_opened: 1, backlog_open_inquiries: 3, claims_opened: 1, contacts_attempted: 0 },
    ]);
    expect(load.series.map((b) => b.inquiries_by_channel)).toEqual([
      { product_qna: 0, one_to_one: 0, phone: 1, board: 1, chat: 1 },
      { product_qna: 0, one_to_one: 1, phone: 0, board: 0, chat: 0 },
      { product_qna: 1, one_to_one: 0, phone: 0, board: 0, chat: 0 },
    ]);
    // SLA by the day opened, judged at Thu 00:00. Mon: q1 hit; q6 missed (deadline Wed 18:00 passed, no brand
    // answer yet); q2's deadline (Thu 18:00) not reached → 1/2. Tue (q3) and Wed (q4): deadlines not reached, no
    // brand answer → 0/0. p90 over the brand answers by as_of: Mon only q1 → 5.5 h.
    expect(pick(load.series, ['sla_numerator', 'sla_denominator', 'sla_rate', 'answer_time_p90_bh', 'answer_time_n'])).toEqual([
      { bucket: '2024-03-04', sla_numerator: 1, sla_denominator: 2, sla_rate: 0.5, answer_time_p90_bh: 5.5, answer_time_n: 1 },
      { bucket: '2024-03-05', sla_numerator: 0, sla_denominator: 0, sla_rate: null, answer_time_p90_bh: null, answer_time_n: 0 },
      { bucket: '2024-03-06', sla_numerator: 0, sla_denominator: 0, sla_rate: null, answer_time_p90_bh: null, answer_time_n: 0 },
    ]);
    // Address changes and cancellations in the bucket they happened: Tue o1 cancelled by the customer, o3's
    // address by the customer; Wed o2 cancelled by the platform, o3's address by the platform.
    expect(
      pick(load.series, ['address_changes_self_service', 'address_changes_by_cs', 'cancellations_self_service', 'cancellations_by_cs', 'cancellations_by_brand']),
    ).toEqual([
      { bucket: '2024-03-04', address_changes_self_service: 0, address_changes_by_cs: 0, cancellations_self_service: 0, cancellations_by_cs: 0, cancellations_by_brand: 0 },
      { bucket: '2024-03-05', address_changes_self_service: 1, address_changes_by_cs: 0, cancellations_self_service: 1, cancellations_by_cs: 0, cancellations_by_brand: 0 },
      { bucket: '2024-03-06', address_changes_self_service: 0, address_changes_by_cs: 1, cancellations_self_service: 0, cancellations_by_cs: 1, cancellations_by_brand: 0 },
    ]);
    // Peaks by orders, then date; days without orders are not peaks.
    expect(load.peaks).toEqual([
      { date: '2024-03-04', orders_placed: 2, inquiries_opened: 3, claims_opened: 0 },
      { date: '2024-03-05', orders_placed: 1, inquiries_opened: 1, claims_opened: 0 },
    ]);
    expect(load.surges).toEqual([]);
  });

  it('judges the backlog and the SLA at now when the window reaches past it, and leaves later buckets empty', async () => {
    // now = Thu 15:00 → as_of = Thu 15:00. Thu end (at 15:00): 3 − q6 (answered 10:00) − q3 (12:00) = 1 (q4).
    // Mon's SLA is still 1/2 (q6 answered Thu 10:00, after its deadline) and q6's 26 h joins: p90 of [5.5, 26]
    // = 5.5 + 0.9 × (26 − 5.5) = 23.95. Fri starts after as_of: no backlog yet.
    const load = await computeLoad(warehouse, { from: '2024-03-04', to: '2024-03-09', grain: 'day' }, { calendar, now: at('2024-03-07T15:00:00'), settings });
    expect(load.series.map((b) => b.backlog_open_inquiries)).toEqual([2, 3, 3, 1, null]);
    expect(load.series[0]!.sla_rate).toBe(0.5);
    expect(load.series[0]!.answer_time_p90_bh).toBeCloseTo(23.95, 9);
  });
});

describe('load series per hour', () => {
  it('has 24 local hours a day, labelled with their offset, and the backlog at each hour end', async () => {
    const load = await computeLoad(warehouse, { from: '2024-03-04', to: '2024-03-05', grain: 'hour' }, { calendar, now: at('2024-03-20T12:00:00'), settings });
    expect(load.series).toHaveLength(24);
    expect(load.series[9]!.bucket).toBe('2024-03-04T09:00+09:00');
    expect(load.series[9]!.bucket_start).toBe('2024-03-04T00:00:00.000Z');
    // Open at Mon 00:00: q0. 09:00–10:00: + q1 (09:30) → 2. 11:00–12:00: − q0 (11:00) + q6 (11:00) → 2.
    // 15:00–16:00: − q1 (15:00) → 1. 20:00–21:00: + q2 → 2, as the daily series says for Monday's end.
    const backlog = load.series.map((b) => b.backlog_open_inquiries);
    expect(backlog.slice(8, 12)).toEqual([1, 2, 2, 2]);
    expect(backlog[15]).toBe(1);
    expect(backlog[20]).toBe(2);
    expect(backlog[23]).toBe(2);
    expect(load.series[10]!.orders_placed).toBe(1);
    expect(load.series[23]!.orders_placed).toBe(1);
    // The daily peaks are still days.
    expect(load.peaks[0]!.date).toBe('2024-03-04');
  });

  it('follows daylight saving time in zones that have it', () => {
    // New York: clocks go forward at 02:00 on 2024-03-10 (23 hours) and back at 02:00 on 2024-11-03 (25 hours).
    const spring = bucketsOf('America/New_York', { from: '2024-03-10', to: '2024-03-11' }, 'hour');
    expect(spring).toHaveLength(23);
    expect(spring.slice(1, 3).map((b) => b.bucket)).toEqual(['2024-03-10T01:00-05:00', '2024-03-10T03:00-04:00']);
    const autumn = bucketsOf('America/New_York', { from: '2024-11-03', to: '2024-11-04' }, 'hour');
    expect(autumn).toHaveLength(25);
    expect(autumn.slice(1, 3).map((b) => b.bucket)).toEqual(['2024-11-03T01:00-04:00', '2024-11-03T01:00-05:00']);
    // A day bucket spans the local day: 23 hours in spring.
    const [day] = bucketsOf('America/New_York', { from: '2024-03-10', to: '2024-03-11' }, 'day');
    expect(Date.parse(day!.end) - Date.parse(day!.start)).toBe(23 * 3_600_000);
  });

  it('refuses empty and over-long windows', async () => {
    const context = { calendar, now: at('2024-03-20T12:00:00'), settings };
    await expect(computeLoad(warehouse, { from: '2024-03-05', to: '2024-03-05', grain: 'day' }, context)).rejects.toThrow(/window is empty/);
    await expect(computeLoad(warehouse, { from: '2024-01-01', to: '2024-06-01', grain: 'hour' }, context)).rejects.toThrow(/too long for grain=hour/);
  });
});

describe('detectSurges', () => {
  const series = (values: number[], start = '2024-01-01') => values.map((orders, i) => ({ date: addDays(start, i), orders }));
  const surge = settings.surge;

  it('starts a surge on the first day whose trailing 7-day mean reaches 1.5 × the 28 days before', () => {
    // 35 days of 100, then 200 a day from day 35 (2024-02-05). Day 37: (4 × 100 + 3 × 200) / 7 = 142.9 → ×1.43;
    // day 38 (2024-02-08): (3 × 100 + 4 × 200) / 7 = 157.1 → ×1.571 over a baseline of 100: the start.
    // Day 41: all seven days at 200 but the baseline (days 7–34) still 100 → ×2.0; day 42's baseline takes in
    // day 35 → (27 × 100 + 200) / 28 = 103.6, ×1.93; … the run ends when the ratio falls below 1.5.
    const days = series([...Array<number>(35).fill(100), ...Array<number>(40).fill(200)]);
    days[45]!.orders = 260; // the peak day, 2024-02-15
    const [found, ...rest] = detectSurges(days, surge, '2024-01-01');
    expect(rest).toEqual([]);
    expect(found!.start).toBe('2024-02-08');
    expect(found!.start_factor).toBeCloseTo(1100 / 700, 12);
    expect(found!.baseline_mean).toBe(100);
    expect(found!.peak).toBe('2024-02-15');
    expect(found!.peak_orders).toBe(260);
    expect(found!.factor).toBeCloseTo(2, 12);
    expect(found!.end).not.toBeNull();
  });

  it('does not take the start of the data for a surge', () => {
    // 10 empty days before the first order: every baseline that reaches into them is not judged.
    const days = series([...Array<number>(10).fill(0), ...Array<number>(60).fill(100)]);
    expect(detectSurges(days, surge, '2024-01-11')).toEqual([]);
    // Without the guard the first judged day (34) would be (7 × 100) / ((18 × 100) / 28) = ×1.56.
    expect(detectSurges(days, surge, '2024-01-01')).toHaveLength(1);
  });
});
