import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { refresh } from '../../metrics/refresh.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { at, defaultCalendar, insertRaw, kst, upsertBrand, type RawEvent, type RawTable } from './raw-events.ts';

/**
 * Facts are merged from the stored row and the new events only (metrics/facts/README.md). Whatever batches the
 * events arrive in — answers before questions, shipments before orders, a claim's stages in any order, events
 * naming another brand than the opening one — folding them batch by batch must give the facts and rollups a
 * refresh from scratch gives. Events are dealt into batches by a fixed pseudo-random sequence.
 */

const calendar = defaultCalendar();
const NOW = at('2024-03-29T12:00:00');
let warehouse: Warehouse;

const day = (d: number, hour: number) => kst(`2024-03-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00`);

function events(): [RawTable, RawEvent][] {
  const out: [RawTable, RawEvent][] = [];
  for (let i = 0; i < 12; i++) {
    const brand = i % 3 === 0 ? 'a' : 'b';
    const other = brand === 'a' ? 'b' : 'a';
    const o = `o${i}`;
    const d = 4 + (i % 10);
    out.push(['raw_orders', { type: 'order_placed', brand_id: brand, order_id: o, occurred_at: day(d, 10), amount: 1000 + i, quantity: 1 }]);
    if (i % 2 === 0) out.push(['raw_orders', { type: 'order_paid', brand_id: brand, order_id: o, occurred_at: day(d, 11) }]);
    if (i % 4 === 1) out.push(['raw_orders', { type: 'order_cancelled', brand_id: brand, order_id: o, occurred_at: day(d, 12), cancelled_by: i % 8 === 1 ? 'brand' : 'customer' }]);
    out.push(['raw_orders', { type: 'address_changed', brand_id: brand, order_id: o, occurred_at: day(d, 13), changed_by: 'customer' }]);
    if (i % 3 !== 1) {
      // A shipment event naming the other brand: the order's brand is still that of order_placed.
      out.push(['raw_shipments', { type: 'dispatched', brand_id: other, order_id: o, occurred_at: day(d + 1, 15), carrier: 'cj', tracking_no: `t${i}` }]);
      out.push(['raw_shipments', { type: 'shipping_issue', brand_id: brand, order_id: o, occurred_at: day(d + 2, 9), issue: 'delay' }]);
      out.push(['raw_shipments', { type: 'shipping_issue', brand_id: brand, order_id: o, occurred_at: day(d + 2, 8), issue: 'damaged' }]);
      out.push(['raw_shipments', { type: 'delivered', brand_id: brand, order_id: o, occurred_at: day(d + 3, 16) }]);
    }
    const q = `q${i}`;
    out.push(['raw_inquiries', { type: 'inquiry_opened', brand_id: brand, inquiry_id: q, occurred_at: day(d, 9), channel: 'board', category: 'product', order_id: o }]);
    // Brand and platform answer at the same instant for some: the brand's counts as first.
    out.push(['raw_inquiries', { type: 'inquiry_answered', brand_id: other, inquiry_id: q, occurred_at: day(d + 1, 10), responder: 'platform' }]);
    if (i % 2 === 0) out.push(['raw_inquiries', { type: 'inquiry_answered', brand_id: brand, inquiry_id: q, occurred_at: day(d + (i % 4 === 0 ? 1 : 2), 10), responder: 'brand' }]);
    if (i % 5 === 0) out.push(['raw_inquiries', { type: 'inquiry_closed', brand_id: brand, inquiry_id: q, occurred_at: day(d + 3, 10) }]);
    const k = `k${i}`;
    if (i % 2 === 1) {
      out.push(['raw_claims', { type: 'claim_opened', brand_id: brand, claim_id: k, order_id: o, occurred_at: day(d + 2, 10), claim_type: 'return', reason: i % 4 === 1 ? 'defect' : 'size' }]);
      out.push(['raw_claims', { type: 'claim_stage_changed', brand_id: other, claim_id: k, order_id: o, occurred_at: day(d + 3, 10), stage: 'collecting', handled_by: 'brand' }]);
      out.push(['raw_claims', { type: 'claim_stage_changed', brand_id: brand, claim_id: k, order_id: o, occurred_at: day(d + 4, 10), stage: 'inspecting', handled_by: 'platform' }]);
      out.push(['raw_claims', { type: 'claim_closed', brand_id: brand, claim_id: k, order_id: o, occurred_at: day(d + 5, 10), outcome: 'completed' }]);
    }
    const c = `c${i}`;
    out.push(['raw_contacts', { type: 'contact_answered', brand_id: other, contact_id: c, occurred_at: day(d, 15) }]);
    out.push(['raw_contacts', { type: 'contact_attempted', brand_id: brand, contact_id: c, occurred_at: day(d, 14), channel: 'phone', purpose: 'other' }]);
    out.push(['raw_reviews', { type: 'review_posted', brand_id: brand, review_id: `r${i}`, order_id: o, occurred_at: day(d + 4, 10), score: 1 + (i % 5) }]);
  }
  return out;
}

const snapshot = async () => ({
  orders: await warehouse.all('SELECT * EXCLUDE (last_batch) FROM fct_orders ORDER BY order_id'),
  inquiries: await warehouse.all('SELECT * EXCLUDE (last_batch) FROM fct_inquiries ORDER BY inquiry_id'),
  claims: await warehouse.all('SELECT * EXCLUDE (last_batch) FROM fct_claims ORDER BY claim_id'),
  contacts: await warehouse.all('SELECT * EXCLUDE (last_batch) FROM fct_contacts ORDER BY contact_id'),
  reviews: await warehouse.all('SELECT * EXCLUDE (last_batch) FROM fct_reviews ORDER BY review_id'),
  brandDays: await warehouse.all('SELECT * FROM brand_day ORDER BY brand_id, day'),
});

beforeAll(async () => {
  warehouse = await Warehouse.open(':memory:');
});
afterAll(() => warehouse.close());

describe('facts merged batch by batch', () => {
  it('equal the facts and rollups of one refresh from scratch, whatever order the events came in', async () => {
    await upsertBrand(warehouse, 1, { brand_id: 'a', name: 'A', status: 'active', dispatch_days: 2 });
    // The same promise for both: a dispatch known before its order_placed is judged with the brand it names,
    // and keeps that promise (the one documented difference from a rebuild, tested in refresh.test.ts).
    await upsertBrand(warehouse, 1, { brand_id: 'b', name: 'B', status: 'active', dispatch_days: 2 });
    // A fixed linear congruential sequence deals every event into one of 8 batches, out of time order.
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const batches = new Map<number, [RawTable, RawEvent][]>();
    for (const event of events()) {
      const batch = 2 + Math.floor(random() * 8);
      batches.set(batch, [...(batches.get(batch) ?? []), event]);
    }
    for (const batch of [...batches.keys()].sort((x, y) => x - y)) {
      for (const [table, event] of batches.get(batch)!) await insertRaw(warehouse, table, batch, [event]);
      await refresh(warehouse, { now: NOW, calendar });
    }
    const incremental = await snapshot();
    expect(incremental.orders.length).toBe(12);

    for (const table of ['fct_orders', 'fct_inquiries', 'fct_claims', 'fct_contacts', 'fct_reviews', 'brand_day', 'refresh_state']) {
      await warehouse.run(`DELETE FROM ${table}`);
    }
    await refresh(warehouse, { now: NOW, calendar });
    expect(incremental).toEqual(await snapshot());
  });
});

describe('facts rebuilt from scratch', () => {
  it('are stored in key order, which the incremental refreshes find their touched rows by', async () => {
    // 5,000 orders and inquiries whose events come in no key order: DuckDB's aggregation gives the groups back in
    // an order of its own, and without the rebuild's sort about half the rows followed a larger key.
    const warehouse = await Warehouse.open(':memory:');
    onTestFinished(() => warehouse.close());
    await warehouse.run(
      `INSERT INTO raw_orders BY NAME
       SELECT 'layout-o' || i AS event_id, 'order_placed' AS type, 'a' AS brand_id, printf('o%05d', (i * 7919) % 5000) AS order_id,
              TIMESTAMPTZ '2024-03-04 01:00:00+00' + to_minutes(i) AS occurred_at, 1000 AS amount, 1 AS quantity, 20 AS ingest_batch
       FROM range(5000) t(i)`,
    );
    await warehouse.run(
      `INSERT INTO raw_inquiries BY NAME
       SELECT 'layout-q' || i AS event_id, 'inquiry_opened' AS type, 'b' AS brand_id, printf('q%05d', (i * 7919) % 5000) AS inquiry_id,
              TIMESTAMPTZ '2024-03-04 01:00:00+00' + to_minutes(i) AS occurred_at, 'board' AS channel, 'product' AS category, 20 AS ingest_batch
       FROM range(5000) t(i)`,
    );
    await refresh(warehouse, { now: NOW, calendar });
    for (const [table, key] of [['fct_orders', 'order_id'], ['fct_inquiries', 'inquiry_id']] as const) {
      const layout = await warehouse.one<{ rows: number; out_of_order: number }>(
        `SELECT count(*) AS rows, count(*) FILTER (WHERE ${key} < previous) AS out_of_order
         FROM (SELECT ${key}, lag(${key}) OVER (ORDER BY rowid) AS previous FROM ${table})`,
      );
      expect(layout, table).toEqual({ rows: 5000, out_of_order: 0 });
    }
  });
});
