import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refresh } from '../../metrics/refresh.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { at, defaultCalendar, insertRaw, kst, upsertBrand, type RawEvent } from './raw-events.ts';

/**
 * Deadlines and business durations stored on the facts (DESIGN §4, §5), around Seollal 2024: Thu 02-08 open,
 * Fri 02-09 – Mon 02-12 closed (Seollal, weekend, substitute holiday), Tue 02-13 open. Business hours Mon–Fri
 * 09:00–18:00 KST; instants below are KST, stored as UTC (KST 18:00 = 09:00Z).
 */

const calendar = defaultCalendar();
let warehouse: Warehouse;

const placed = (brand_id: string, order_id: string, local: string, extra: Record<string, string> = {}): RawEvent => ({
  type: 'order_placed',
  brand_id,
  order_id,
  occurred_at: kst(local),
  amount: 5000,
  quantity: 1,
  ...extra,
});
const paid = (brand_id: string, order_id: string, local: string): RawEvent => ({
  type: 'order_paid',
  brand_id,
  order_id,
  occurred_at: kst(local),
});

beforeAll(async () => {
  warehouse = await Warehouse.open(':memory:');
  await upsertBrand(warehouse, 1, { brand_id: 'two', name: 'Two days', status: 'active', dispatch_days: 2 });
  await upsertBrand(warehouse, 1, { brand_id: 'one', name: 'One day', status: 'active', dispatch_days: 1 });
  await upsertBrand(warehouse, 1, { brand_id: 'zero', name: 'Same day', status: 'active', dispatch_days: 0 });
  await insertRaw(warehouse, 'raw_orders', 1, [
    // Paid Thu 02-08 10:00 → business date Thu; +1 skips Fri–Mon → Tue 02-13 18:00.
    placed('one', 's1', '2024-02-08T09:00:00'),
    paid('one', 's1', '2024-02-08T10:00:00'),
    // +2 → Tue 02-13, Wed 02-14 18:00.
    placed('two', 's2', '2024-02-08T09:00:00'),
    paid('two', 's2', '2024-02-08T10:00:00'),
    // Placed during Seollal (Sat 02-10) without payment → business date Tue 02-13; +2 → Thu 02-15 18:00.
    placed('two', 's3', '2024-02-10T12:00:00'),
    // dispatch_due_at wins over dispatch_days, even when later than the promise.
    placed('two', 's4', '2024-02-08T10:00:00', { dispatch_due_at: kst('2024-02-20T12:00:00') }),
    paid('two', 's4', '2024-02-08T10:00:00'),
    // A brand without reference data gets the default 2 days: Thu 02-08 16:00 → Wed 02-14 18:00.
    placed('stranger', 's5', '2024-02-08T16:00:00'),
    paid('stranger', 's5', '2024-02-08T16:00:00'),
    // 0 days: the close of the business date itself; paid Thu 19:00 → business date Tue 02-13 → 18:00 that day.
    placed('zero', 's6', '2024-02-08T18:30:00'),
    paid('zero', 's6', '2024-02-08T19:00:00'),
  ]);
  await insertRaw(warehouse, 'raw_shipments', 1, [
    // Paid Thu 10:00, dispatched Tue 02-13 10:00 → 8 h (Thu 10–18) + 1 h (Tue 9–10); the holidays count 0.
    { type: 'dispatched', brand_id: 'one', order_id: 's1', occurred_at: kst('2024-02-13T10:00:00'), carrier: 'cj', tracking_no: 'x' },
  ]);
  await insertRaw(warehouse, 'raw_inquiries', 1, [
    // Opened Wed 02-07 15:00; 2 business days → Thu 02-08, then Tue 02-13 18:00.
    { type: 'inquiry_opened', brand_id: 'two', inquiry_id: 'i1', occurred_at: kst('2024-02-07T15:00:00'), channel: 'phone', category: 'shipping' },
    // Answered Tue 02-13 11:00 → 3 h (Wed 15–18) + 9 h (Thu) + 2 h (Tue 9–11) = 14 h.
    { type: 'inquiry_answered', brand_id: 'two', inquiry_id: 'i1', occurred_at: kst('2024-02-13T11:00:00'), responder: 'brand' },
  ]);
  await insertRaw(warehouse, 'raw_contacts', 1, [
    // Attempted Thu 02-08 17:00; 1 business day → Tue 02-13 18:00.
    { type: 'contact_attempted', brand_id: 'two', contact_id: 'c1', occurred_at: kst('2024-02-08T17:00:00'), channel: 'email', purpose: 'claim' },
  ]);
  await insertRaw(warehouse, 'raw_claims', 1, [
    // Opened Wed 02-07 10:00; 3 business days → Thu 02-08, Tue 02-13, Wed 02-14 18:00. Closed Tue 02-13 12:00 →
    // 8 h (Wed 10–18) + 9 h (Thu) + 3 h (Tue 9–12) = 20 h.
    { type: 'claim_opened', brand_id: 'two', claim_id: 'k1', order_id: 's2', occurred_at: kst('2024-02-07T10:00:00'), claim_type: 'refund', reason: 'delay' },
    { type: 'claim_closed', brand_id: 'two', claim_id: 'k1', order_id: 's2', occurred_at: kst('2024-02-13T12:00:00'), outcome: 'completed' },
  ]);
  await refresh(warehouse, { now: at('2024-03-01T12:00:00'), calendar });
});
afterAll(() => warehouse.close());

describe('facts across Seollal 2024', () => {
  it('dispatch deadlines: dispatch_days after payment (or placement), dispatch_due_at first, default 2', async () => {
    expect(
      await warehouse.all('SELECT order_id, dispatch_days_applied, dispatch_deadline FROM fct_orders ORDER BY order_id'),
    ).toEqual([
      { order_id: 's1', dispatch_days_applied: 1, dispatch_deadline: '2024-02-13T09:00:00.000Z' },
      { order_id: 's2', dispatch_days_applied: 2, dispatch_deadline: '2024-02-14T09:00:00.000Z' },
      { order_id: 's3', dispatch_days_applied: 2, dispatch_deadline: '2024-02-15T09:00:00.000Z' },
      { order_id: 's4', dispatch_days_applied: 2, dispatch_deadline: '2024-02-20T03:00:00.000Z' },
      { order_id: 's5', dispatch_days_applied: 2, dispatch_deadline: '2024-02-14T09:00:00.000Z' },
      { order_id: 's6', dispatch_days_applied: 0, dispatch_deadline: '2024-02-13T09:00:00.000Z' },
    ]);
  });

  it('agrees with BusinessCalendar.deadlineAfter', () => {
    expect(calendar.deadlineAfter(at('2024-02-08T10:00:00'), 1).toISOString()).toBe('2024-02-13T09:00:00.000Z');
    expect(calendar.deadlineAfter(at('2024-02-10T12:00:00'), 2).toISOString()).toBe('2024-02-15T09:00:00.000Z');
  });

  it('business durations skip the closed days', async () => {
    expect(await warehouse.one(`SELECT dispatch_time_bh, day FROM fct_orders WHERE order_id = 's1'`)).toEqual({
      dispatch_time_bh: 9,
      day: '2024-02-08',
    });
    expect(await warehouse.one('SELECT answer_deadline, answer_time_bh FROM fct_inquiries')).toEqual({
      answer_deadline: '2024-02-13T09:00:00.000Z',
      answer_time_bh: 14,
    });
    expect(await warehouse.one('SELECT answer_deadline FROM fct_contacts')).toEqual({
      answer_deadline: '2024-02-13T09:00:00.000Z',
    });
    expect(await warehouse.one('SELECT overdue_at, claim_resolution_bh FROM fct_claims')).toEqual({
      overdue_at: '2024-02-14T09:00:00.000Z',
      claim_resolution_bh: 20,
    });
  });

  it('dates each entity by the local day of its first event, in Seoul not UTC', async () => {
    // s6 placed Thu 18:30 KST = 09:30Z the same day; an order at 08:00 KST would be the previous UTC day.
    await insertRaw(warehouse, 'raw_orders', 2, [placed('two', 's7', '2024-02-14T08:00:00')]);
    await refresh(warehouse, { now: at('2024-03-01T12:00:00'), calendar });
    expect(await warehouse.one(`SELECT day FROM fct_orders WHERE order_id = 's7'`)).toEqual({ day: '2024-02-14' });
  });
});
