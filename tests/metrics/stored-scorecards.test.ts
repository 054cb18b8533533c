import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { refresh } from '../../metrics/refresh.ts';
import { ScorecardSchema } from '../../metrics/scorecards/schema.ts';
import {
  computeScorecards,
  computeWindowMetrics,
  getScorecard,
  listScorecards,
  resolveWindow,
  STANDARD_WINDOW_DAYS,
  STORED_LAYOUT,
  storedRates,
  trailingWindow,
} from '../../metrics/scorecards/scorecards.ts';
import { addDays } from '../../metrics/calendar/zoned-time.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { generateMarketplace } from '../../pipelines/simulator/generate.ts';
import { ingestFiles } from '../../pipelines/sources/file-ingest.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from '../helpers/event-files.ts';
import { insertRaw, kst } from './raw-events.ts';

/**
 * A refresh stores the standard windows' scorecards as their figures (metrics/scorecards/README.md) and rebuilds
 * them on read. On simulator data, every brand's stored scorecard of every standard window must equal the one
 * computed on demand from the facts — metrics, previous window and percentile ranks — after a refresh from
 * scratch and after an incremental one.
 */

const calendar = new BusinessCalendar(parseConfig({}).calendar);
let warehouse: Warehouse;
let out: string;

beforeAll(async () => {
  out = join(tempDir(), 'gen');
  await generateMarketplace({ out, start: '2024-10-01', days: 100, brands: 25, seed: 5, baseDailyOrders: 60 });
  warehouse = await Warehouse.open(':memory:');
  await ingestFiles(warehouse, [out], { sourceTimeZone: 'Asia/Seoul' });
});
afterAll(() => warehouse.close());

async function expectStoredEqualsComputed(now: Date): Promise<void> {
  for (const days of STANDARD_WINDOW_DAYS) {
    const window = trailingWindow(calendar, now, days);
    const stored = await listScorecards(warehouse, window, { now, calendar });
    const computed = await computeScorecards(warehouse, window, { now, calendar });
    expect(stored.total, `${days} days`).toBeGreaterThan(20);
    // Through JSON, as the API sends both.
    expect(JSON.parse(JSON.stringify(stored)), `${days} days`).toEqual(
      JSON.parse(JSON.stringify({ ...computed, total: computed.scorecards.length })),
    );
    for (const card of stored.scorecards) expect(ScorecardSchema.safeParse(card).success).toBe(true);
  }
}

describe('stored scorecards', () => {
  it('are none, without error, for a warehouse without brands or events', async () => {
    const empty = await Warehouse.open(':memory:');
    try {
      const result = await refresh(empty, { now: new Date('2025-01-07T03:00:00Z'), calendar });
      expect(result.scorecards).toBe(0);
      expect((await empty.one<{ n: number }>('SELECT count(*) AS n FROM scorecards'))!.n).toBe(0);
    } finally {
      empty.close();
    }
  });

  it('equal the scorecards computed on demand, for every brand and standard window', async () => {
    // Tuesday 2025-01-07 12:00 in Seoul: the data ends on 2025-01-08, so the last day is still ahead.
    const now = new Date('2025-01-07T03:00:00Z');
    await refresh(warehouse, { now, calendar });
    await expectStoredEqualsComputed(now);
  });

  it('still do after an incremental refresh of new events, and after the windows move on', async () => {
    const now = new Date('2025-01-07T03:00:00Z');
    const brand = (await warehouse.one<{ brand_id: string }>('SELECT min(brand_id) AS brand_id FROM brands'))!.brand_id;
    const top = (await warehouse.one<{ batch: number }>('SELECT last_batch AS batch FROM refresh_state'))!.batch;
    await insertRaw(warehouse, 'raw_orders', top + 1, [
      { type: 'order_placed', brand_id: brand, order_id: 'stored-o1', occurred_at: kst('2025-01-06T10:00:00'), amount: 1000, quantity: 1 },
      { type: 'order_placed', brand_id: brand, order_id: 'stored-o2', occurred_at: kst('2025-01-06T11:00:00'), amount: 1000, quantity: 1 },
    ]);
    await insertRaw(warehouse, 'raw_shipments', top + 1, [
      { type: 'dispatched', brand_id: brand, order_id: 'stored-o1', occurred_at: kst('2025-01-06T15:00:00'), carrier: 'cj', tracking_no: 't1' },
    ]);
    await insertRaw(warehouse, 'raw_reviews', top + 1, [
      { type: 'review_posted', brand_id: brand, review_id: 'stored-r1', order_id: 'stored-o1', occurred_at: kst('2025-01-06T16:00:00'), score: 1 },
    ]);
    // Every new event is dated after the previous windows' as_of (2024-12-31 at the latest): their figures are
    // reused from the stored scorecards.
    const result = await refresh(warehouse, { now, calendar });
    expect(result.touched.orders).toBe(2);
    await expectStoredEqualsComputed(now);
    // A late event inside the previous 7-day window [12-24, 12-31), of a brand seen nowhere before: that window
    // is recomputed, and the 28- and 90-day previous windows, which lack a stored row for the new brand, too.
    await insertRaw(warehouse, 'raw_orders', top + 2, [
      { type: 'order_placed', brand_id: 'stored-new', order_id: 'stored-o3', occurred_at: kst('2024-12-26T10:00:00'), amount: 1000, quantity: 1 },
      { type: 'order_placed', brand_id: 'stored-new', order_id: 'stored-o4', occurred_at: kst('2025-01-06T10:00:00'), amount: 1000, quantity: 1 },
    ]);
    await refresh(warehouse, { now, calendar });
    await expectStoredEqualsComputed(now);
    const newBrand = await listScorecards(warehouse, trailingWindow(calendar, now, 7), { now, calendar }, { limit: 1, offset: 0, only: 'stored-new' });
    // 1 order on 2025-01-06 in [12-31, 01-07); 1 on 2024-12-26 in the previous window [12-24, 12-31).
    expect(newBrand.scorecards[0]!.metrics.orders_placed.value).toBe(1);
    expect(newBrand.scorecards[0]!.previous.metrics.orders_placed.value).toBe(1);
    // The next day (after closing: judged at now).
    const later = new Date('2025-01-08T12:00:00Z');
    await refresh(warehouse, { now: later, calendar });
    await expectStoredEqualsComputed(later);
  });

  it('reuse the stored previous windows after closing, while the clock moves on within the business day', async () => {
    // After closing on Wednesday 2025-01-08 (21:00 in Seoul) the windows run to Thursday and are judged at the
    // clock: every refresh has a current window of its own as_of, while the previous windows stay put.
    const [first, second, third] = ['2025-01-08T12:00:00Z', '2025-01-08T13:00:00Z', '2025-01-08T14:00:00Z'].map((at) => new Date(at));
    await refresh(warehouse, { now: first!, calendar });
    const brand = (await warehouse.one<{ brand_id: string }>('SELECT min(brand_id) AS brand_id FROM brands'))!.brand_id;
    const top = (await warehouse.one<{ batch: number }>('SELECT last_batch AS batch FROM refresh_state'))!.batch;
    await insertRaw(warehouse, 'raw_orders', top + 1, [
      { type: 'order_placed', brand_id: brand, order_id: 'stored-o5', occurred_at: kst('2025-01-08T21:30:00'), amount: 1000, quantity: 1 },
    ]);
    await refresh(warehouse, { now: second!, calendar });
    await expectStoredEqualsComputed(second!);
    // Reused, not recomputed: a mark put into the brand's stored previous-window figures is still there after the
    // next refresh (no new events, the clock an hour on).
    await warehouse.run(`UPDATE scorecards SET figures = replace(figures, '"before":[', '"before":["reused",') WHERE brand_id = $brand`, { brand });
    await refresh(warehouse, { now: third!, calendar });
    const stored = await warehouse.all<{ days: number; as_of: string; figures: string }>(
      'SELECT window_days AS days, CAST(as_of AS VARCHAR) AS as_of, figures FROM scorecards WHERE brand_id = $brand ORDER BY days',
      { brand },
    );
    expect(stored.map(({ days, as_of, figures }) => [days, new Date(as_of).toISOString(), figures.includes('"before":["reused",')])).toEqual(
      STANDARD_WINDOW_DAYS.map((days) => [days, third!.toISOString(), true]),
    );
    // Recomputed from nothing, for the tests after this one.
    await warehouse.run('DELETE FROM scorecards');
    await refresh(warehouse, { now: third!, calendar });
    await expectStoredEqualsComputed(third!);
  });

  it('of another layout are not read, and the next refresh replaces them', async () => {
    const now = new Date('2025-01-08T14:00:00Z');
    await refresh(warehouse, { now, calendar });
    // Rows as another version of brandscore might have written them, its lists in another order: marked, so that
    // reading them, or reusing their previous-window figures, would show.
    await warehouse.run(
      `UPDATE scorecards SET layout = 'older',
         figures = replace(replace(figures, '"current":[', '"current":["older",'), '"before":[', '"before":["older",')`,
    );
    const window = trailingWindow(calendar, now, 28);
    const computed = await computeScorecards(warehouse, window, { now, calendar });
    const served = await listScorecards(warehouse, window, { now, calendar });
    expect(JSON.parse(JSON.stringify(served))).toEqual(JSON.parse(JSON.stringify({ ...computed, total: computed.scorecards.length })));
    const brand = computed.scorecards[0]!.brand_id;
    expect(JSON.parse(JSON.stringify(await getScorecard(warehouse, brand, window, { now, calendar })))).toEqual(
      JSON.parse(JSON.stringify(computed.scorecards[0])),
    );
    expect(await storedRates(warehouse, window, 'late_dispatch_rate')).toEqual([]);
    // Nothing new since, but the refresh does not take them as current: it materialises every window again.
    const result = await refresh(warehouse, { now, calendar });
    expect(result.scorecards).toBeGreaterThan(60);
    expect(await warehouse.all('SELECT DISTINCT layout FROM scorecards')).toEqual([{ layout: STORED_LAYOUT }]);
    expect(await warehouse.one(`SELECT count(*) AS n FROM scorecards WHERE figures LIKE '%"older"%'`)).toEqual({ n: 0 });
    await expectStoredEqualsComputed(now);
  });

  it("give one brand's figures, computed for that brand alone, equal to those computed for all brands", async () => {
    // The scope a brand's own trend and onboarding figures use (in_scorecard_scope): twelve weekly windows and
    // the standard ones, for three brands (one seen only in events, one with no activity at all).
    const now = new Date('2025-01-08T12:00:00Z');
    const { to } = trailingWindow(calendar, now, 7);
    const weekly = Array.from({ length: 12 }, (_, i) => resolveWindow(calendar, { from: addDays(to, -7 * (i + 1)), to: addDays(to, -7 * i) }, now));
    const windows = [...weekly, ...STANDARD_WINDOW_DAYS.map((days) => trailingWindow(calendar, now, days))];
    const all = await computeWindowMetrics(warehouse, windows);
    const brands = [(await warehouse.one<{ brand_id: string }>('SELECT max(brand_id) AS brand_id FROM brands'))!.brand_id, 'stored-new', 'nobody'];
    for (const brand of brands) {
      const alone = await computeWindowMetrics(warehouse, windows, undefined, [brand]);
      for (const [w, byBrand] of alone.entries()) {
        expect([...byBrand.keys()].every((id) => id === brand), `${brand} ${w}`).toBe(true);
        expect(byBrand.get(brand), `${brand} ${w}`).toEqual(all[w]!.get(brand));
      }
    }
    expect(all.some((byBrand) => byBrand.has(brands[0]!))).toBe(true);
    expect(all.every((byBrand) => !byBrand.has('nobody'))).toBe(true);
  });

  it('are the same when callers without a connection of their own ask at the same time', async () => {
    // Each call installs its windows and brand scope, then reads them over five statements: concurrent calls on
    // one shared connection would read each other's. Different windows and scopes, all at once, then one by one.
    const now = new Date('2025-01-08T12:00:00Z');
    const ids = (await warehouse.all<{ brand_id: string }>('SELECT brand_id FROM brands ORDER BY brand_id LIMIT 6')).map((row) => row.brand_id);
    const asks = ids.map((brand, i) => ({ brand, windows: [trailingWindow(calendar, now, 7 * (i + 1))] }));
    const together = await Promise.all(asks.map(({ brand, windows }, i) => computeWindowMetrics(warehouse, windows, undefined, i % 2 === 0 ? [brand] : undefined)));
    for (const [i, { brand, windows }] of asks.entries()) {
      const alone = await computeWindowMetrics(warehouse, windows, undefined, i % 2 === 0 ? [brand] : undefined);
      expect(together[i]![0]!.get(brand), brand).toEqual(alone[0]!.get(brand));
      expect(together[i]![0]!.size, brand).toBe(alone[0]!.size);
    }
  });
});
