import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrandSchema, contracts, EVENT_STREAMS, streamSchemas, type EventStream } from '../../pipelines/contracts/index.ts';
import { buildCalendar } from '../../pipelines/simulator/calendar.ts';
import { generateMarketplace, type GenerateOptions } from '../../pipelines/simulator/generate.ts';
import { tempDir } from '../helpers/event-files.ts';

const root = tempDir('brandscore-sim-');
const SMALL: Omit<GenerateOptions, 'out'> = { brands: 20, days: 120, start: '2024-09-01', seed: 1 };

let db: DuckDBConnection;
let instance: DuckDBInstance;

async function rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const reader = await db.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      out[key] = typeof value === 'bigint' ? Number(value) : value instanceof Date ? value.toISOString() : value;
    }
    return out as T;
  });
}

function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full), createHash('sha256').update(readFileSync(full)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

const quiet = { progress: () => undefined };
const A = join(root, 'a');

beforeAll(async () => {
  await generateMarketplace({ ...SMALL, out: A }, quiet);
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await db.run(`SET TimeZone = 'UTC'`);
  for (const stream of EVENT_STREAMS) {
    await db.run(`CREATE VIEW ${stream} AS SELECT * FROM read_parquet('${A}/${stream}/*.parquet', filename = true)`);
  }
  const truth = JSON.parse(readFileSync(join(A, 'ground_truth.json'), 'utf8')) as {
    brands: { brand_id: string; archetype: string; dispatch_days: number; params: { late_dispatch: number } }[];
  };
  await db.run(`CREATE TABLE truth (brand_id VARCHAR, archetype VARCHAR, dispatch_days INTEGER, late_dispatch DOUBLE)`);
  await db.run(
    `INSERT INTO truth VALUES ${truth.brands
      .map((b) => `('${b.brand_id}', '${b.archetype}', ${b.dispatch_days}, ${b.params.late_dispatch})`)
      .join(',')}`,
  );
});

afterAll(() => {
  db?.closeSync();
  instance?.closeSync();
  rmSync(root, { recursive: true, force: true });
});

describe('generateMarketplace', () => {
  it('writes the same bytes for the same arguments and seed, other bytes for another seed', async () => {
    const again = join(root, 'again');
    const other = join(root, 'other');
    await generateMarketplace({ ...SMALL, out: again }, quiet);
    await generateMarketplace({ ...SMALL, seed: 2, out: other }, quiet);
    const first = hashes(A);
    expect(first.size).toBe(1 + 1 + EVENT_STREAMS.length * 4); // brands, ground truth, 4 months per stream
    expect(hashes(again)).toEqual(first);
    const changed = [...hashes(other)].filter(([path, hash]) => first.get(path) !== hash);
    expect(changed.length).toBe(first.size);
  });

  it('is deterministic in CSV too, with instants as strings carrying +09:00', async () => {
    const one = join(root, 'csv-1');
    const two = join(root, 'csv-2');
    const options = { ...SMALL, days: 40, format: 'csv' as const };
    await generateMarketplace({ ...options, out: one }, quiet);
    await generateMarketplace({ ...options, out: two }, quiet);
    expect(hashes(two)).toEqual(hashes(one));
    const header = readFileSync(join(one, 'orders', 'orders-0001.csv'), 'utf8').split('\n', 2);
    expect(header[0]).toBe(['event_id', 'type', ...contracts.orders.columns.map((c) => c.name).filter((n) => n !== 'event_id')].join(','));
    expect(header[1]).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00,/);
  });

  it('places about 500 orders a day, doubling within a week of the winter season', async () => {
    const daily = await rows<{ day: string; orders: number }>(`
      SELECT strftime(timezone('Asia/Seoul', occurred_at)::DATE, '%Y-%m-%d') AS day, count(*) AS orders
      FROM orders WHERE type = 'order_placed' GROUP BY ALL`);
    const byDay = new Map(daily.map((d) => [d.day, d.orders]));
    const mean = (from: string, to: string) => {
      const values = [...byDay].filter(([day]) => day >= from && day < to).map(([, n]) => n);
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    const before = mean('2024-11-18', '2024-12-02');
    const after = mean('2024-12-02', '2024-12-16');
    expect(before).toBeGreaterThan(400);
    expect(before).toBeLessThan(600);
    expect(after / before).toBeGreaterThanOrEqual(1.8);
    expect(mean('2024-12-09', '2024-12-16')).toBeGreaterThan(1000);
  });

  it('scales the period to exactly --orders orders', async () => {
    const out = join(root, 'scaled');
    const result = await generateMarketplace({ ...SMALL, days: 30, orders: 5000, out }, quiet);
    expect(result.orders).toBe(5000);
    const [placed] = await rows<{ n: number }>(
      `SELECT count(*) AS n FROM read_parquet('${out}/orders/*.parquet') WHERE type = 'order_placed'`,
    );
    expect(placed!.n).toBe(5000);
  });

  it('makes late shippers late: dispatch after the business-day deadline for about a third of orders', async () => {
    // The deadline of DESIGN §5 on the same Korean business calendar the simulator uses, built independently here.
    const calendar = await buildCalendar('2024-09-01', 200);
    await db.run(`CREATE TABLE cal AS SELECT * FROM (VALUES ${calendar.days
      .map((d) => `(DATE '${d.date}', ${d.ordOn}, ${d.ordAfter})`)
      .join(',')}) t(date, ord_on, ord_after)`);
    await db.run(`CREATE TABLE bd AS SELECT * FROM (VALUES ${calendar.businessDays
      .map((day, ord) => `(${ord}, DATE '${calendar.days[day]!.date}')`)
      .join(',')}) t(ord, date)`);
    const late = await rows<{ brand_id: string; archetype: string; n: number; late: number; expected: number }>(`
      WITH o AS (
        SELECT order_id, brand_id,
          timezone('Asia/Seoul', min(occurred_at) FILTER (WHERE type = 'order_paid')) AS paid,
          timezone('Asia/Seoul', min(dispatch_due_at) FILTER (WHERE type = 'order_placed')) AS due
        FROM orders GROUP BY ALL
      ), d AS (SELECT order_id, timezone('Asia/Seoul', occurred_at) AS dispatched FROM shipments WHERE type = 'dispatched'),
      j AS (
        SELECT o.*, d.dispatched, t.archetype, t.dispatch_days, t.late_dispatch,
          CASE WHEN hour(o.paid) < 18 THEN c.ord_on ELSE c.ord_after END AS paid_ord
        FROM o JOIN d USING (order_id) JOIN truth t USING (brand_id) JOIN cal c ON c.date = o.paid::DATE
        WHERE o.paid < TIMESTAMP '2024-12-10'
      )
      SELECT brand_id, archetype, any_value(late_dispatch) AS expected, count(*) AS n,
        avg((dispatched > coalesce(due, bd.date + INTERVAL 18 HOUR))::INTEGER) AS late
      FROM j JOIN bd ON bd.ord = j.paid_ord + j.dispatch_days
      GROUP BY ALL`);
    // Each brand's measured rate recovers its hidden parameter, within sampling noise.
    expect(late.filter((b) => b.n >= 300).length).toBeGreaterThan(8);
    for (const brand of late.filter((b) => b.n >= 300)) expect(Math.abs(brand.late - brand.expected)).toBeLessThan(0.06);
    const byArchetype = new Map<string, { n: number; late: number }>();
    for (const b of late) {
      const acc = byArchetype.get(b.archetype) ?? { n: 0, late: 0 };
      byArchetype.set(b.archetype, { n: acc.n + b.n, late: acc.late + b.late * b.n });
    }
    const rate = Object.fromEntries([...byArchetype].map(([archetype, acc]) => [archetype, acc.late / acc.n]));
    expect(rate.late_shipper).toBeGreaterThan(0.25);
    expect(rate.late_shipper).toBeLessThan(0.5);
    expect(rate.reliable).toBeLessThan(0.07);
    expect(rate.late_shipper!).toBeGreaterThan(5 * rate.reliable!);
  });

  it('makes slow answerers leave inquiries to the platform and unreachable brands silent', async () => {
    const inquiries = await rows<{ archetype: string; platform_first: number; brand_late: number }>(`
      WITH q AS (
        SELECT inquiry_id, brand_id,
          min(occurred_at) FILTER (WHERE type = 'inquiry_opened') AS opened,
          arg_min(responder, occurred_at) FILTER (WHERE type = 'inquiry_answered') AS first_responder,
          min(occurred_at) FILTER (WHERE type = 'inquiry_answered' AND responder = 'brand') AS brand_answer
        FROM inquiries GROUP BY ALL
      )
      SELECT archetype,
        avg((first_responder = 'platform')::INTEGER) FILTER (WHERE first_responder IS NOT NULL) AS platform_first,
        avg((date_diff('day', opened, brand_answer) > 4)::INTEGER) FILTER (WHERE brand_answer IS NOT NULL) AS brand_late
      FROM q JOIN truth USING (brand_id) WHERE opened IS NOT NULL GROUP BY ALL`);
    const inq = Object.fromEntries(inquiries.map((r) => [r.archetype, r]));
    expect(inq.slow_answerer!.platform_first).toBeGreaterThan(0.3);
    expect(inq.slow_answerer!.platform_first).toBeGreaterThan(3 * inq.reliable!.platform_first);
    expect(inq.slow_answerer!.brand_late).toBeGreaterThan(3 * inq.reliable!.brand_late);
    expect(inq.unreachable!.platform_first).toBeGreaterThan(0.45);

    const contacts = await rows<{ archetype: string; answered: number }>(`
      WITH k AS (SELECT contact_id, brand_id, bool_or(type = 'contact_answered') AS answered FROM contacts GROUP BY ALL)
      SELECT archetype, avg(answered::INTEGER) AS answered FROM k JOIN truth USING (brand_id) GROUP BY ALL`);
    const answered = Object.fromEntries(contacts.map((r) => [r.archetype, r.answered]));
    expect(answered.unreachable).toBeLessThan(0.25);
    for (const archetype of ['reliable', 'average', 'late_shipper', 'careless']) expect(answered[archetype]).toBeGreaterThan(0.75);
  });

  it('makes careless brands ship wrong and damaged items, with defect claims and bad reviews', async () => {
    const quality = await rows<{ archetype: string; issues: number; defects: number; negative: number }>(`
      WITH s AS (
        SELECT brand_id, count(*) FILTER (WHERE type = 'shipping_issue' AND issue IN ('wrong_item', 'damaged'))
          / count(*) FILTER (WHERE type = 'dispatched') AS issues
        FROM shipments GROUP BY ALL
      ), c AS (
        SELECT brand_id, avg((reason IN ('defect', 'wrong_item'))::INTEGER) AS defects FROM claims WHERE type = 'claim_opened' GROUP BY ALL
      ), r AS (SELECT brand_id, avg((score <= 2)::INTEGER) AS negative FROM reviews GROUP BY ALL)
      SELECT archetype, avg(issues) AS issues, avg(defects) AS defects, avg(negative) AS negative
      FROM truth JOIN s USING (brand_id) JOIN c USING (brand_id) JOIN r USING (brand_id) GROUP BY ALL`);
    const q = Object.fromEntries(quality.map((r) => [r.archetype, r]));
    expect(q.careless!.issues).toBeGreaterThan(5 * q.reliable!.issues);
    expect(q.careless!.defects).toBeGreaterThan(2 * q.reliable!.defects);
    expect(q.careless!.negative).toBeGreaterThan(2 * q.reliable!.negative);
  });

  it('delivers about 1% of events one file late, e.g. answers after their question', async () => {
    const [late] = await rows<{ n: number; answers: number }>(`
      SELECT count(*) AS n, count(*) FILTER (WHERE type = 'inquiry_answered') AS answers FROM inquiries
      -- File k holds month k of a period starting in September.
      WHERE month(timezone('Asia/Seoul', occurred_at)) <> CAST(regexp_extract(filename, '-(\\d{4})\\.parquet', 1) AS INTEGER) + 8`);
    const [all] = await rows<{ n: number }>(`SELECT count(*) AS n FROM inquiries`);
    expect(late!.n / all!.n).toBeGreaterThan(0.004);
    expect(late!.n / all!.n).toBeLessThan(0.02);
    expect(late!.answers).toBeGreaterThan(0);
  });

  it('writes each file in occurred_at order', async () => {
    for (const stream of EVENT_STREAMS) {
      const [unordered] = await rows<{ n: number }>(`
        SELECT count(*) AS n FROM (
          SELECT occurred_at < lag(occurred_at) OVER (PARTITION BY filename ORDER BY file_row_number) AS back
          FROM read_parquet('${A}/${stream}/*.parquet', filename = true, file_row_number = true)
        ) WHERE back`);
      expect(unordered!.n).toBe(0);
    }
  });

  it('writes rows that satisfy the event contract, and brands that satisfy the brand contract', async () => {
    for (const stream of EVENT_STREAMS) {
      const sample = await rows(`SELECT * EXCLUDE (filename) FROM ${stream} ORDER BY hash(event_id) LIMIT 2000`);
      expect(sample.length).toBeGreaterThan(100);
      for (const row of sample) {
        const parsed = streamSchemas[stream].safeParse(row);
        if (!parsed.success) throw new Error(`${stream}: ${JSON.stringify(row)}: ${parsed.error.message}`);
      }
      const types = await rows<{ type: string }>(`SELECT DISTINCT type FROM ${stream}`);
      expect(types.map((t) => t.type).sort()).toEqual([...contracts[stream].types].sort());
    }
    const brands = await rows(`SELECT * FROM read_csv('${A}/brands/brands.csv', all_varchar = true)`);
    expect(brands).toHaveLength(20);
    for (const brand of brands) BrandSchema.parse({ ...brand, dispatch_days: Number(brand.dispatch_days) });
    expect(brands.some((b) => /[가-힣]/.test(String(b.name)))).toBe(true);
    expect(brands.filter((b) => b.status === 'probation').every((b) => String(b.onboarded_at) >= '2024-09-01')).toBe(true);
  });

  it('replaces the --dirty share with invalid rows and counts them in ground_truth.json', async () => {
    const out = join(root, 'dirty');
    await generateMarketplace({ ...SMALL, days: 20, brands: 10, dirty: 0.05, format: 'csv', out }, quiet);
    const truth = JSON.parse(readFileSync(join(out, 'ground_truth.json'), 'utf8')) as {
      dirty: { total: number; by_kind: Record<string, number> };
      streams: Record<EventStream, { rows: number }>;
    };
    let invalid = 0;
    let total = 0;
    for (const stream of EVENT_STREAMS) {
      const all = await rows(`SELECT * FROM read_csv('${out}/${stream}/*.csv', all_varchar = true, union_by_name = true)`);
      const numeric = contracts[stream].columns.filter((c) => c.sqlType === 'BIGINT').map((c) => c.name);
      for (const row of all) {
        for (const name of numeric) if (row[name] !== null) row[name] = Number(row[name]);
        if (!streamSchemas[stream].safeParse(row).success) invalid++;
      }
      total += all.length;
      expect(all.length).toBe(truth.streams[stream].rows);
    }
    expect(truth.dirty.total).toBeGreaterThan(0.03 * total);
    expect(invalid).toBe(truth.dirty.total);
    for (const count of Object.values(truth.dirty.by_kind)) expect(count).toBeGreaterThan(0);
  });
});
