import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_STREAMS } from '../../pipelines/contracts/index.ts';
import { ingestFile, ingestFiles } from '../../pipelines/sources/file-ingest.ts';
import { ingestInbox } from '../../pipelines/sources/inbox.ts';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import { SAMPLE_EVENTS, toCsv, writeEventFile, type Row } from '../helpers/event-files.ts';
import { openWarehousePerTest } from '../helpers/file-warehouse.ts';

const options = { sourceTimeZone: 'Asia/Seoul' };
let dir: string;
let warehouse: Warehouse;
openWarehousePerTest((opened) => ({ dir, warehouse } = opened));

const count = async (sql: string, params?: Record<string, string | number>) =>
  Number((await warehouse.one<{ n: number }>(sql, params))!.n);

describe('each format for each stream', () => {
  for (const format of ['csv', 'ndjson', 'parquet', 'arrow'] as const) {
    it(`ingests every stream and the brands from ${format}`, async () => {
      const extension = format === 'arrow' ? 'arrows' : format;
      for (const stream of ['brands', ...EVENT_STREAMS]) {
        mkdirSync(join(dir, 'in', stream), { recursive: true });
        await writeEventFile(join(dir, 'in', stream, `${stream}.${extension}`), SAMPLE_EVENTS[stream]!, format);
      }
      const results = await ingestFiles(warehouse, [join(dir, 'in')], options);
      for (const result of results) {
        expect(result, `${result.path}: ${result.error ?? ''} ${JSON.stringify(result.rejects)}`).toMatchObject({
          outcome: 'ingested',
          rejected: 0,
          duplicate: 0,
          accepted: SAMPLE_EVENTS[result.stream!]!.length,
        });
      }
      for (const stream of EVENT_STREAMS) {
        expect(await count(`SELECT count(*) AS n FROM raw_${stream}`)).toBe(SAMPLE_EVENTS[stream]!.length);
      }
      const brand = await warehouse.one(`SELECT name, onboarded_at, dispatch_days FROM brands`);
      expect(brand).toEqual({ name: '브랜드 하나', onboarded_at: '2024-01-02', dispatch_days: 2 });
      const placed = await warehouse.one<{ occurred_at: string; amount: number; dispatch_due_at: string }>(
        `SELECT occurred_at, amount, dispatch_due_at FROM raw_orders WHERE event_id = 'o1'`,
      );
      // 10:00 in Seoul (+09:00) is 01:00 UTC.
      expect(placed).toEqual({ occurred_at: '2024-03-08T01:00:00.000Z', amount: 39000, dispatch_due_at: '2024-03-11T09:00:00.000Z' });
    });
  }
});

function orderRows(n: number, prefix = 'e'): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    event_id: `${prefix}${i + 1}`,
    type: 'order_placed',
    brand_id: `B${(i % 7) + 1}`,
    occurred_at: '2024-03-08T10:00:00+09:00',
    order_id: `O${i + 1}`,
    amount: 1000 + i,
    quantity: 1,
  }));
}

describe('validation and quarantine', () => {
  it('ingests 997 of 1,000 rows and quarantines the 3 bad ones with line and reason', async () => {
    const rows = orderRows(1000);
    rows[9] = { ...rows[9]!, amount: -1 }; // file line 11 (header is line 1)
    rows[499] = { ...rows[499]!, occurred_at: 'yesterday' }; // line 501
    rows[998] = { ...rows[998]!, type: 'order_teleported' }; // line 1000
    const path = join(dir, 'orders-bad.csv');
    writeFileSync(path, toCsv(rows));
    const result = await ingestFile(warehouse, path, options);
    expect(result).toMatchObject({ outcome: 'ingested', rowsRead: 1000, accepted: 997, rejected: 3, duplicate: 0 });
    expect(await count('SELECT count(*) AS n FROM raw_orders')).toBe(997);
    const quarantined = await warehouse.all(`SELECT source, line, field, reason FROM quarantine ORDER BY line`);
    expect(quarantined).toEqual([
      { source: path, line: 11, field: 'amount', reason: 'must be at least 0, got -1' },
      { source: path, line: 501, field: 'occurred_at', reason: "not an ISO 8601 timestamp: 'yesterday'" },
      {
        source: path,
        line: 1000,
        field: 'type',
        reason: "unknown event type 'order_teleported' (expected one of order_placed, order_paid, order_cancelled, address_changed)",
      },
    ]);
    const raw = await warehouse.one<{ raw: string }>(`SELECT raw FROM quarantine WHERE line = 11`);
    expect(JSON.parse(raw!.raw)).toMatchObject({ event_id: 'e10', amount: '-1' });
  });

  it('reports NDJSON lines that are not JSON, with their line number, and keeps the good lines', async () => {
    const path = join(dir, 'orders-mixed.ndjson');
    const [a, b] = orderRows(2);
    writeFileSync(path, `${JSON.stringify(a)}\n{"event_id": "broken",\n\n${JSON.stringify(b)}\n[1,2]\n`);
    const result = await ingestFile(warehouse, path, options);
    expect(result).toMatchObject({ accepted: 2, rejected: 2 });
    expect(await warehouse.all(`SELECT line, reason, raw FROM quarantine ORDER BY line`)).toEqual([
      { line: 2, reason: 'not a JSON object', raw: '{"event_id": "broken",' },
      { line: 5, reason: 'not a JSON object', raw: '[1,2]' },
    ]);
  });

  it('names the missing field and the type that requires it', async () => {
    const path = join(dir, 'shipments-x.csv');
    writeFileSync(path, toCsv([{ event_id: 's1', type: 'dispatched', brand_id: 'B1', occurred_at: '2024-03-08T10:00:00Z', order_id: 'O1', carrier: 'CJ', tracking_no: '' }]));
    await ingestFile(warehouse, path, options);
    expect(await warehouse.one(`SELECT field, reason FROM quarantine`)).toEqual({
      field: 'tracking_no',
      reason: 'missing (required for dispatched)',
    });
  });

  it('reads a timestamp without offset in the source time zone', async () => {
    const path = join(dir, 'orders-local.csv');
    writeFileSync(path, toCsv([{ ...orderRows(1)[0]!, occurred_at: '2024-03-08 10:00:00' }]));
    await ingestFile(warehouse, path, options);
    expect(await warehouse.one(`SELECT occurred_at FROM raw_orders`)).toEqual({ occurred_at: '2024-03-08T01:00:00.000Z' });

    const saoPaulo = join(dir, 'orders-sp.csv');
    writeFileSync(saoPaulo, toCsv([{ ...orderRows(1, 'sp')[0]!, occurred_at: '2017-11-24 10:00:00' }]));
    await ingestFile(warehouse, saoPaulo, { sourceTimeZone: 'America/Sao_Paulo' });
    // Brazil had no daylight saving on 2017-11-24? It did (BRST, -02:00) until 2019.
    expect(await warehouse.one(`SELECT occurred_at FROM raw_orders WHERE event_id = 'sp1'`)).toEqual({
      occurred_at: '2017-11-24T12:00:00.000Z',
    });
  });
});

describe('duplicates', () => {
  it('counts an event_id repeated inside a file, or already stored, as a duplicate', async () => {
    const rows = orderRows(5);
    const first = join(dir, 'orders-1.csv');
    writeFileSync(first, toCsv([...rows, rows[0]!, rows[3]!]));
    expect(await ingestFile(warehouse, first, options)).toMatchObject({ accepted: 5, duplicate: 2, rejected: 0 });

    const second = join(dir, 'orders-2.ndjson');
    await writeEventFile(second, [...orderRows(7)], 'ndjson');
    expect(await ingestFile(warehouse, second, options)).toMatchObject({ accepted: 2, duplicate: 5 });
    expect(await count('SELECT count(DISTINCT event_id) AS n FROM raw_orders')).toBe(7);
    expect(await count('SELECT count(*) AS n FROM raw_orders')).toBe(7);
  });

  it('treats the same content delivered twice as a reported no-op', async () => {
    const path = join(dir, 'orders-a.csv');
    writeFileSync(path, toCsv(orderRows(3)));
    expect(await ingestFile(warehouse, path, options)).toMatchObject({ outcome: 'ingested', accepted: 3 });
    const copy = join(dir, 'orders-copy.csv');
    writeFileSync(copy, readFileSync(path));
    expect(await ingestFile(warehouse, copy, options)).toMatchObject({ outcome: 'already_ingested', accepted: 0 });
    expect(await count('SELECT count(*) AS n FROM raw_orders')).toBe(3);
    expect(await warehouse.all(`SELECT outcome FROM ingested_files ORDER BY batch_id`)).toEqual([
      { outcome: 'ingested' },
      { outcome: 'already_ingested' },
    ]);
  });
});

describe('the inbox', () => {
  it('moves ingested files to done/, unreadable ones to failed/ with their error, and goes on', async () => {
    const inbox = join(dir, 'inbox');
    mkdirSync(join(inbox, 'orders'), { recursive: true });
    writeFileSync(join(inbox, 'orders', 'good.csv'), toCsv(orderRows(4)));
    writeFileSync(join(inbox, 'orders', 'broken.parquet'), 'PAR1 this is not parquet');
    writeFileSync(join(inbox, 'mystery.csv'), 'a,b\n1,2\n');
    await writeEventFile(join(inbox, 'reviews-2024.ndjson'), SAMPLE_EVENTS.reviews!, 'ndjson');

    const { results, summary } = await ingestInbox(warehouse, inbox, options);
    expect(summary).toMatchObject({ files: 4, failedFiles: 2, accepted: 5 });
    const byName = Object.fromEntries(results.map((r) => [r.path.split('/').pop(), r]));
    expect(byName['broken.parquet']!.error).toMatch(/parquet/i);
    expect(byName['mystery.csv']!.error).toMatch(/cannot tell which stream/);
    expect(existsSync(join(inbox, 'done', 'orders', 'good.csv'))).toBe(true);
    expect(existsSync(join(inbox, 'done', 'reviews-2024.ndjson'))).toBe(true);
    expect(existsSync(join(inbox, 'failed', 'orders', 'broken.parquet'))).toBe(true);
    expect(readFileSync(join(inbox, 'failed', 'orders', 'broken.parquet.error.txt'), 'utf8')).toMatch(/parquet/i);
    expect(existsSync(join(inbox, 'orders', 'good.csv'))).toBe(false);
    expect(await warehouse.all(`SELECT outcome, count(*) AS n FROM ingested_files GROUP BY ALL ORDER BY outcome`)).toEqual([
      { outcome: 'failed', n: 2 },
      { outcome: 'ingested', n: 2 },
    ]);

    // A second pass finds nothing new to do.
    expect((await ingestInbox(warehouse, inbox, options)).summary.files).toBe(0);
  });

  it('keeps events of a brand that is not known yet', async () => {
    const path = join(dir, 'orders-unknown-brand.csv');
    writeFileSync(path, toCsv([{ ...orderRows(1)[0]!, brand_id: 'NEW-BRAND' }]));
    expect(await ingestFile(warehouse, path, options)).toMatchObject({ accepted: 1 });
    expect(await count(`SELECT count(*) AS n FROM brands`)).toBe(0);
  });

  it('upserts brands by brand_id, the last row of a file winning', async () => {
    const path = join(dir, 'brands-1.csv');
    const brand = SAMPLE_EVENTS.brands![0]!;
    writeFileSync(path, toCsv([brand, { ...brand, status: 'probation' }, { ...brand, brand_id: 'B2', dispatch_days: null }]));
    expect(await ingestFile(warehouse, path, options)).toMatchObject({ accepted: 2, rejected: 0 });
    const path2 = join(dir, 'brands-2.csv');
    writeFileSync(path2, toCsv([{ ...brand, status: 'suspended' }]));
    await ingestFile(warehouse, path2, options);
    expect(await warehouse.all(`SELECT brand_id, status, dispatch_days FROM brands ORDER BY brand_id`)).toEqual([
      { brand_id: 'B1', status: 'suspended', dispatch_days: 2 },
      { brand_id: 'B2', status: 'active', dispatch_days: 2 },
    ]);
  });
});
