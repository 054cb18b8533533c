import { DuckDBInstance } from '@duckdb/node-api';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { listRecommendations } from '../../metrics/recommendations/decisions.ts';
import { evaluateRecommendations } from '../../metrics/recommendations/evaluate.ts';
import { parsePolicy, type Policy } from '../../metrics/recommendations/policy.ts';
import type { StoredRecommendation } from '../../metrics/recommendations/schema.ts';
import { refresh } from '../../metrics/refresh.ts';
import type { Scorecard } from '../../metrics/scorecards/schema.ts';
import { rateMetric } from '../../metrics/scorecards/scorecards.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { importOlist, type OlistImportResult } from '../../pipelines/sources/olist/olist-import.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from '../helpers/event-files.ts';
import { bearer, startServer, type TestServer } from '../server/test-server.ts';

/**
 * The Olist sample (shared/datasets/olist) imported through `importOlist` into a real server's database, refreshed,
 * and read back through the HTTP API. Every figure is checked against a separate DuckDB query over the raw CSVs
 * written here from the mapping as the README states it, not from the importer's SQL:
 * - an order is an (Olist order, seller) pair of the items file; its dispatch deadline the latest shipping limit;
 *   it is dispatched at the carrier hand-over, else at the customer delivery;
 * - it leaves the late-dispatch denominator only when cancelled (canceled / unavailable) with neither date;
 * - on time = delivered on or before the estimated delivery date (local dates);
 * - each review counts for every seller of its order.
 * The calendar is Brazil's (America/Sao_Paulo, no Korean holidays), so local days are the CSVs' own dates.
 */

/** The sample lives beside the repository (its licence, CC BY-NC-SA 4.0, keeps it out of it); BRANDSCORE_OLIST_DIR overrides. */
const DATA = process.env.BRANDSCORE_OLIST_DIR ?? join(import.meta.dirname, '../../../shared/datasets/olist');
const HAVE_DATA = existsSync(join(DATA, 'olist_orders_dataset.csv'));
const CONFIG = parseConfig({ calendar: { timeZone: 'America/Sao_Paulo', koreanHolidays: false }, sourceTimeZone: 'America/Sao_Paulo' });
const calendar = new BusinessCalendar(CONFIG.calendar);
/** After the data ends (2018-10), so every window is judged at its own end. */
const NOW = new Date('2019-01-15T12:00:00Z');
const WHOLE = { from: '2016-09-01', to: '2018-11-01' };

let server: TestServer;
let first: OlistImportResult;
let independent: Awaited<ReturnType<typeof independentFigures>>;

interface Expected {
  seller_id: string;
  orders: number;
  late_num: number;
  late_den: number;
  deliveries: number;
  on_time: number;
  reviews: number;
  score_sum: number;
  negative: number;
}

/** The independent figures, from the CSVs alone (DuckDB's own CSV sniffing and typing, not the importer's). */
async function independentFigures(dir: string) {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const csv = (name: string) => `read_csv('${join(dir, name)}', header = true)`;
  await db.run(`CREATE TABLE items AS SELECT * FROM ${csv('olist_order_items_dataset.csv')}`);
  await db.run(`CREATE TABLE orders AS SELECT * FROM ${csv('olist_orders_dataset.csv')}`);
  await db.run(`CREATE TABLE reviews AS SELECT * FROM ${csv('olist_order_reviews_dataset.csv')}`);
  await db.run(`CREATE TABLE pairs AS
    SELECT i.seller_id, i.order_id, max(i.shipping_limit_date) AS due, any_value(o.order_status) AS status,
           any_value(coalesce(o.order_delivered_carrier_date, o.order_delivered_customer_date)) AS dispatched,
           any_value(o.order_delivered_customer_date) AS delivered, any_value(o.order_estimated_delivery_date) AS estimated,
           any_value(o.order_purchase_timestamp) AS purchased
    FROM items i JOIN orders o ON o.order_id = i.order_id GROUP BY i.seller_id, i.order_id`);
  const rows = async (sql: string) =>
    (await db.runAndReadAll(sql)).getRowObjectsJS().map((row) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value])),
    );
  // as_of of the whole window: 2018-11-01 00:00 local.
  const sellers = (await rows(`
    WITH judged AS (
      SELECT *, NOT (status IN ('canceled', 'unavailable') AND dispatched IS NULL) AS counted FROM pairs
    ), per_seller AS (
      SELECT seller_id, count(*) AS orders,
        count(*) FILTER (counted AND (dispatched IS NOT NULL OR due <= TIMESTAMP '2018-11-01')) AS late_den,
        count(*) FILTER (counted AND (dispatched > due OR (dispatched IS NULL AND due <= TIMESTAMP '2018-11-01'))) AS late_num,
        count(*) FILTER (delivered IS NOT NULL) AS deliveries,
        count(*) FILTER (CAST(delivered AS DATE) <= CAST(estimated AS DATE)) AS on_time
      FROM judged GROUP BY seller_id
    ), seller_reviews AS (
      SELECT p.seller_id, count(*) AS reviews, sum(r.review_score) AS score_sum, count(*) FILTER (r.review_score <= 2) AS negative
      FROM reviews r JOIN (SELECT DISTINCT seller_id, order_id FROM pairs) p ON p.order_id = r.order_id
      GROUP BY p.seller_id
    )
    SELECT s.*, coalesce(r.reviews, 0) AS reviews, coalesce(r.score_sum, 0) AS score_sum, coalesce(r.negative, 0) AS negative
    FROM per_seller s LEFT JOIN seller_reviews r USING (seller_id)
    ORDER BY orders DESC, seller_id LIMIT 4`)) as unknown as Expected[];
  const perDay = (await rows(`
    SELECT strftime(CAST(purchased AS DATE), '%Y-%m-%d') AS day, count(*) AS orders FROM pairs
    WHERE CAST(purchased AS DATE) BETWEEN DATE '2017-11-20' AND DATE '2017-11-28' GROUP BY 1 ORDER BY 1`)) as {
    day: string;
    orders: number;
  }[];
  db.closeSync();
  instance.closeSync();
  return { sellers, perDay };
}

/** The rates the Olist data cannot feed: no inquiries, contacts or shipping-issue events. */
const UNFED = ['sla_miss_rate', 'contact_failure_rate', 'shipping_issue_rate'];

async function evaluate(policy: Policy, dates: string[]) {
  const out = [];
  for (const asOfDate of dates) {
    const evaluation = await evaluateRecommendations(server.warehouse, { now: NOW, calendar, policy, asOfDate, triggeredBy: 'test' });
    const list = await listRecommendations(server.warehouse, { asOfDate });
    // Every brand's stored judgement, action none included (the list leaves those out).
    const all = (
      await server.warehouse.all<{ detail: string }>(`SELECT detail FROM recommendations WHERE evaluation_id = $id`, { id: evaluation.evaluation_id })
    ).map((row) => JSON.parse(row.detail) as StoredRecommendation);
    out.push({ evaluation, all, recommendations: list.recommendations.filter((r) => r.evaluation_id === evaluation.evaluation_id) });
  }
  return out;
}

/** No recommendation cites a rate without data, nor the unreachable or retraining rules, which need inquiries and contacts. */
function expectNothingFromMissingData(recommendations: StoredRecommendation[]) {
  for (const rec of recommendations) {
    for (const m of rec.metrics.filter((m) => UNFED.includes(m.rate))) {
      expect([m.numerator, m.denominator, m.value, m.level], `${rec.brand_id} ${m.rate}`).toEqual([0, 0, null, 'none']);
    }
    expect(rec.reasons.join(' '), rec.brand_id).not.toMatch(/sla|contact|shipping_issue|inquir|unreachable|takeover|partner/);
    expect(rec.unreachable.unreachable).toBe(false);
    expect(rec.retrain.signals).toEqual([]);
  }
}

const pick = (m: ReturnType<typeof rateMetric>) => ({
  numerator: m.numerator, denominator: m.denominator, value: m.value, wilson_low: m.wilson_low, wilson_high: m.wilson_high,
});

/** One seller's late dispatch and negative reviews in [from, to), judged at `to` 00:00 local, from the CSVs alone. */
async function windowFigures(dir: string, seller: string, from: string, to: string) {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const csv = (name: string) => `read_csv('${join(dir, name)}', header = true)`;
  try {
    const read = async (sql: string) => (await db.runAndReadAll(sql, [seller, from, to])).getRowObjectsJS();
    const [orders] = await read(`
      WITH pairs AS (
        SELECT i.order_id, max(i.shipping_limit_date) AS due, any_value(o.order_status) AS status,
               any_value(coalesce(o.order_delivered_carrier_date, o.order_delivered_customer_date)) AS dispatched,
               any_value(o.order_purchase_timestamp) AS purchased
        FROM ${csv('olist_order_items_dataset.csv')} i JOIN ${csv('olist_orders_dataset.csv')} o ON o.order_id = i.order_id
        WHERE i.seller_id = $1 GROUP BY i.order_id
      ), judged AS (
        SELECT *, CAST($3 AS TIMESTAMP) AS as_of FROM pairs
        WHERE CAST(purchased AS DATE) >= CAST($2 AS DATE) AND CAST(purchased AS DATE) < CAST($3 AS DATE)
          AND NOT (status IN ('canceled', 'unavailable') AND dispatched IS NULL)
      )
      SELECT count(*) FILTER (dispatched <= as_of OR due <= as_of) AS late_den,
             count(*) FILTER ((dispatched <= as_of AND dispatched > due) OR ((dispatched IS NULL OR dispatched > as_of) AND due <= as_of)) AS late_num
      FROM judged`);
    const reviews = await read(`
      SELECT r.review_id, r.review_score FROM ${csv('olist_order_reviews_dataset.csv')} r
      WHERE r.order_id IN (SELECT order_id FROM ${csv('olist_order_items_dataset.csv')} WHERE seller_id = $1)
        AND CAST(coalesce(r.review_answer_timestamp, r.review_creation_date) AS DATE) >= CAST($2 AS DATE)
        AND CAST(coalesce(r.review_answer_timestamp, r.review_creation_date) AS DATE) < CAST($3 AS DATE)`);
    const negative = reviews.filter((r) => Number(r.review_score) <= 2);
    return {
      late_num: Number(orders!.late_num),
      late_den: Number(orders!.late_den),
      reviews: reviews.length,
      negative: negative.length,
      negativeReviewIds: negative.map((r) => String(r.review_id)),
    };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

async function rawCounts(server: TestServer) {
  return server.warehouse.one<{ brands: number; orders: number; shipments: number; reviews: number; quarantined: number }>(
    `SELECT (SELECT count(*) FROM brands) AS brands, (SELECT count(*) FROM raw_orders) AS orders,
            (SELECT count(*) FROM raw_shipments) AS shipments, (SELECT count(*) FROM raw_reviews) AS reviews,
            (SELECT count(*) FROM quarantine) AS quarantined`,
  );
}

async function scorecard(brandId: string): Promise<Scorecard> {
  const response = await fetch(`${server.url}/api/brands/${brandId}/scorecard?from=${WHOLE.from}&to=${WHOLE.to}`, {
    headers: bearer(server.tokens.merchandiser),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Scorecard;
}

describe('import-olist on a folder that is not an Olist one', () => {
  it('says which file is missing or which column, and writes nothing', async () => {
    const warehouse = await Warehouse.open(':memory:');
    try {
      const empty = tempDir('brandscore-olist-empty-');
      await expect(importOlist(warehouse, empty)).rejects.toThrow(/olist_orders_dataset\.csv: not found/);
      for (const file of ['olist_orders_dataset.csv', 'olist_order_items_dataset.csv', 'olist_order_reviews_dataset.csv', 'olist_sellers_dataset.csv']) {
        writeFileSync(join(empty, file), 'order_id,seller_id\nx,y\n');
      }
      await expect(importOlist(warehouse, empty)).rejects.toThrow(/olist_orders_dataset\.csv: missing columns order_status, order_purchase_timestamp/);
      expect(await warehouse.one(`SELECT (SELECT count(*) FROM raw_orders) + (SELECT count(*) FROM brands) AS n`)).toEqual({ n: 0 });
    } finally {
      warehouse.close();
    }
  });
});

describe.skipIf(!HAVE_DATA)(`import-olist on the sample (${DATA})`, () => {
  beforeAll(async () => {
    server = await startServer({ config: CONFIG, now: () => NOW });
    first = await importOlist(server.warehouse, DATA);
    await refresh(server.warehouse, { now: NOW, calendar });
    independent = await independentFigures(DATA);
  }, 60_000);

  afterAll(async () => server?.close());

  it('turns sellers into brands and (order, seller) pairs into orders, through the ordinary ingest', () => {
    expect(first.source).toEqual({ olist_orders: 8135, olist_items: 8365, olist_reviews: 8225, olist_sellers: 1610 });
    // 7,433 (order, seller) pairs among the 7,360 orders with items (71 orders have two sellers or more);
    // 8,135 − 7,360 = 775 orders without items are left out, with their 778 reviews.
    expect(first.sellerOrders).toBe(7433);
    expect(first.ordersWithoutItems).toBe(775);
    expect(first.reviewsWithoutSeller).toBe(778);
    expect(first.files.map((file) => [file.stream, file.outcome, file.rejected])).toEqual([
      ['brands', 'ingested', 0],
      ['orders', 'ingested', 0],
      ['reviews', 'ingested', 0],
      ['shipments', 'ingested', 0],
    ]);
    // orders: 7,433 placed + paid (approval present) + cancelled; all accepted, none duplicate.
    const orders = first.files.find((file) => file.stream === 'orders')!;
    expect(orders.accepted).toBe(first.written.orders);
    expect(orders.duplicate).toBe(0);
  });

  it("per seller: late dispatch, on-time delivery and reviews as the independent query over the CSVs finds them", async () => {
    const { sellers } = independent;
    expect(sellers).toHaveLength(4);
    // The largest seller of the sample, as the query finds it: 156 orders, 149 judged for dispatch (the other 7
    // cancelled without a hand-over), 9 of them late; 96 of 101 delivered by the estimate; 165 reviews (some orders
    // have two), mean 548 / 165 = 3.32, 58 of them scored 1 or 2.
    expect(sellers[0]).toEqual({
      seller_id: 'cc419e0650a3c5ba77189a1882b7556a', orders: 156, late_num: 9, late_den: 149,
      deliveries: 101, on_time: 96, reviews: 165, score_sum: 548, negative: 58,
    });
    for (const expected of sellers) {
      const card = await scorecard(expected.seller_id);
      const m = card.metrics;
      expect(m.orders_placed.value, expected.seller_id).toBe(expected.orders);
      expect(m.late_dispatch_rate, expected.seller_id).toEqual(rateMetric(expected.late_num, expected.late_den));
      expect(m.on_time_delivery_rate, expected.seller_id).toEqual(rateMetric(expected.on_time, expected.deliveries));
      expect(m.reviews_count.value, expected.seller_id).toBe(expected.reviews);
      expect(m.avg_review_score.value, expected.seller_id).toBeCloseTo(expected.score_sum / expected.reviews, 10);
      expect(m.negative_review_rate, expected.seller_id).toEqual(rateMetric(expected.negative, expected.reviews));
    }
  });

  it('shows what the data cannot feed (inquiries, contacts, claims, shipping issues) as no data, not zero', async () => {
    const card = await scorecard('cc419e0650a3c5ba77189a1882b7556a');
    for (const key of ['inquiries_opened', 'sla_rate', 'contacts_attempted', 'contact_failure_rate', 'claims_opened', 'claim_rate', 'shipping_issue_rate'] as const) {
      expect(card.no_data, key).toContain(key);
    }
    expect(card.no_data).not.toContain('late_dispatch_rate');
    expect(card.no_data).not.toContain('reviews_count');
    expect(card.metrics.sla_rate.value).toBeNull();
    expect(card.metrics.shipping_issue_rate).toEqual(rateMetric(0, 0));
    expect(card.metrics.claim_rate).toEqual(rateMetric(0, 0));
    expect(card.percentile_ranks.contact_failure_rate.percentile).toBeNull();
  });

  it('counts orders per local day around Black Friday 2017 as the CSVs do', async () => {
    const { perDay } = independent;
    // (order, seller) pairs by purchase date: Black Friday more than triples the days before it.
    expect(perDay).toEqual([
      { day: '2017-11-20', orders: 17 }, { day: '2017-11-21', orders: 22 }, { day: '2017-11-22', orders: 20 },
      { day: '2017-11-23', orders: 22 }, { day: '2017-11-24', orders: 76 }, { day: '2017-11-25', orders: 35 },
      { day: '2017-11-26', orders: 31 }, { day: '2017-11-27', orders: 29 }, { day: '2017-11-28', orders: 23 },
    ]);
    const system = await server.warehouse.all<{ day: string; orders: number }>(
      `SELECT strftime(day, '%Y-%m-%d') AS day, CAST(sum(orders_placed) AS INTEGER) AS orders FROM brand_day
       WHERE day BETWEEN DATE '2017-11-20' AND DATE '2017-11-28' AND orders_placed > 0 GROUP BY 1 ORDER BY 1`,
    );
    expect(system).toEqual(perDay);
  });

  it('recommendations: the default policy flags no one in four weeks, and nothing the data cannot feed counts as a breach', async () => {
    // No seller of the sample has 30 judged orders or 20 reviews in 28 days, so the significance minimums keep
    // every rate below warn: only `watch` (point estimate above warn, at least 2 of 5).
    const [first, second] = await evaluate(parsePolicy({}), ['2018-04-30', '2018-05-07']);
    expect(first!.evaluation.counts).toEqual({ delist: 0, warn: 0, retrain: 0, watch: 13 });
    expect(second!.evaluation.counts).toEqual({ delist: 0, warn: 0, retrain: 0, watch: 9 });
    for (const { all, recommendations } of [first!, second!]) {
      expect(all).toHaveLength(1610);
      expectNothingFromMissingData(all);
      // Every watch is a negative-review rate: the only rate whose denominator grows fast enough.
      for (const rec of recommendations.filter((r) => r.action === 'watch')) {
        expect(rec.metrics.filter((m) => m.level !== 'none').map((m) => m.rate)).toEqual(['negative_review_rate']);
      }
    }
  });

  it('recommendations: with a 182-day window the default rules delist a seller on two consecutive Mondays, with the figures of the CSVs', async () => {
    const seller = 'c3867b4666c7d76867627c2f7fb22e21';
    const [first, second] = await evaluate(parsePolicy({ delisting: { window_days: 182 } }), ['2018-08-20', '2018-08-27']);
    expect([first!.evaluation.counts, second!.evaluation.counts]).toEqual([
      { delist: 0, warn: 21, retrain: 0, watch: 91 },
      { delist: 8, warn: 12, retrain: 0, watch: 91 },
    ]);
    expectNothingFromMissingData(first!.all);
    expectNothingFromMissingData(second!.all);
    const before = first!.recommendations.find((r) => r.brand_id === seller)!;
    const rec = second!.recommendations.find((r) => r.brand_id === seller)!;
    // First Monday: a delist-level breach, but only one → warn; the next Monday the second → delist (DESIGN §6).
    expect([before.action, before.delist_streak, rec.action, rec.delist_streak]).toEqual(['warn', 1, 'delist', 2]);

    // Window 2018-02-26 to 2018-08-27 (exclusive), judged at 2018-08-27 00:00 São Paulo.
    const csv = await windowFigures(DATA, seller, '2018-02-26', '2018-08-27');
    // Reviews posted (answer time, else creation date) on local days in the window: 18 of 25 scored 1 or 2.
    expect([csv.negative, csv.reviews]).toEqual([18, 25]);
    // Orders placed in the window judged for dispatch: 16; 11 handed over after the latest shipping limit.
    expect([csv.late_num, csv.late_den]).toEqual([11, 16]);
    const negative = rec.metrics.find((m) => m.rate === 'negative_review_rate')!;
    const late = rec.metrics.find((m) => m.rate === 'late_dispatch_rate')!;
    // 18 / 25 = 72.0 %; Wilson 95 % interval 52.4 % – 85.7 %: its lower bound is above the delist level of 20 %.
    expect(negative).toMatchObject({ ...pick(rateMetric(csv.negative, csv.reviews)), level: 'delist', significant: true });
    expect(negative.wilson_low!).toBeCloseTo(0.524, 3);
    // 11 / 16 = 68.8 %, far above 10 %, but 16 is below the minimum of 30: watch, not a breach.
    expect(late).toMatchObject({ ...pick(rateMetric(csv.late_num, csv.late_den)), level: 'watch', significant: false });
    expect(rec.examples.negative_reviews.length).toBe(5);
    for (const id of rec.examples.negative_reviews) expect(csv.negativeReviewIds).toContain(id.split(':')[0]);
  });

  it('importing again changes nothing; a changed file stores only its new events and quarantines its bad rows', async () => {
    const before = (await rawCounts(server))!;
    const again = await importOlist(server.warehouse, DATA);
    expect(again.files.map((file) => file.outcome)).toEqual(['already_ingested', 'already_ingested', 'already_ingested', 'already_ingested']);
    expect(await rawCounts(server)).toEqual(before);

    // The same data plus one new review of a known order and one new order whose purchase time is not a time.
    const dir = tempDir('brandscore-olist-');
    mkdirSync(dir, { recursive: true });
    for (const file of ['olist_orders_dataset.csv', 'olist_order_items_dataset.csv', 'olist_order_reviews_dataset.csv', 'olist_sellers_dataset.csv']) {
      copyFileSync(join(DATA, file), join(dir, file));
    }
    appendFileSync(join(dir, 'olist_order_reviews_dataset.csv'), 'new-review,a4591c265e18cb1dcee52889e2d8acc3,2,,"no ""good"",\nat all",2017-08-02 00:00:00,2017-08-03 10:00:00\n');
    appendFileSync(join(dir, 'olist_orders_dataset.csv'), 'bad-order,c,processing,2017-13-45 99:00:00,,,,2017-12-01 00:00:00\n');
    appendFileSync(join(dir, 'olist_order_items_dataset.csv'), 'bad-order,1,p,cc419e0650a3c5ba77189a1882b7556a,2017-11-30 10:00:00,10.0,1.0\n');
    const changed = await importOlist(server.warehouse, dir);
    const byStream = Object.fromEntries(changed.files.map((file) => [file.stream, file]));
    expect(byStream.brands!.outcome).toBe('already_ingested');
    expect(byStream.shipments!.outcome).toBe('already_ingested');
    // Reviews: every event again (duplicates by event id) plus the new review, for the one seller of its order.
    expect([byStream.reviews!.accepted, byStream.reviews!.duplicate, byStream.reviews!.rejected]).toEqual([1, before.reviews, 0]);
    // Orders: the bad order's order_placed is quarantined with the reason; everything else is a duplicate.
    expect([byStream.orders!.accepted, byStream.orders!.duplicate, byStream.orders!.rejected]).toEqual([0, before.orders, 1]);
    expect(byStream.orders!.rejects[0]).toMatchObject({ field: 'occurred_at', reason: expect.stringContaining('2017-13-45 99:00:00') });
    expect(await rawCounts(server)).toEqual({ ...before, reviews: before.reviews + 1, quarantined: before.quarantined + 1 });
  });
});
