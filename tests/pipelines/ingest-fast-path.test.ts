import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestFile, ingestFile } from '../../pipelines/sources/file-ingest.ts';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import { toCsv, writeEventFile, type Row } from '../helpers/event-files.ts';
import { openWarehousePerTest } from '../helpers/file-warehouse.ts';

/**
 * The fast path (one INSERT straight from the file) must store exactly what the careful path (checkedSelect,
 * quarantine) would: cells that DuckDB's casts accept but the contract does not, and cells the contract accepts
 * only after trimming, must come out as they always did. Each case is a clean row (line 2) and the case's row
 * (line 3) in one CSV file.
 */
const options = { sourceTimeZone: 'Asia/Seoul' };
let dir: string;
let warehouse: Warehouse;
openWarehousePerTest((opened) => ({ dir, warehouse } = opened));

const clean: Row = {
  event_id: 'e1',
  type: 'order_placed',
  brand_id: 'B1',
  occurred_at: '2024-03-08T10:00:00+09:00',
  order_id: 'O1',
  amount: 1000,
  quantity: 1,
};

async function ingestCase(row: Row, format: 'csv' | 'parquet' = 'csv') {
  const path = join(dir, `orders.${format}`);
  if (format === 'csv') writeFileSync(path, toCsv([clean, { ...clean, event_id: 'e2', order_id: 'O2', ...row }]));
  else await writeEventFile(path, [clean, { ...clean, event_id: 'e2', order_id: 'O2', ...row }], format);
  const result = await ingestFile(warehouse, path, options);
  const stored = await warehouse.one(
    `SELECT event_id, type, occurred_at, amount, quantity FROM raw_orders WHERE event_id <> 'e1'`,
  );
  const quarantined = await warehouse.all(`SELECT line, field, reason FROM quarantine`);
  return { result, stored, quarantined };
}

describe('cells the fast path cannot take as they are', () => {
  it('trims ids and types as before', async () => {
    const { result, stored } = await ingestCase({ event_id: ' e2\u00a0', type: '\torder_placed ' });
    expect(result).toMatchObject({ outcome: 'ingested', rowsRead: 2, accepted: 2, rejected: 0 });
    expect(stored).toMatchObject({ event_id: 'e2', type: 'order_placed' });
  });

  it('accepts the whole numbers the contract accepts, with their value', async () => {
    const { result, stored } = await ingestCase({ amount: '+0007', quantity: ' 2 ' });
    expect(result).toMatchObject({ accepted: 2, rejected: 0 });
    expect(stored).toMatchObject({ amount: 7, quantity: 2 });
  });

  // DuckDB's cast reads '1e2' as 100 and '2.0' as 2; the contract wants digits.
  for (const amount of ['1e2', '2.0']) {
    it(`rejects amount '${amount}' as not a whole number`, async () => {
      const { result, quarantined } = await ingestCase({ amount });
      expect(result).toMatchObject({ accepted: 1, rejected: 1 });
      expect(quarantined).toEqual([{ line: 3, field: 'amount', reason: `not a whole number: '${amount}'` }]);
    });
  }

  // Shapes DuckDB's timestamp cast accepts (a space for a digit, a fraction cut short) and the contract does not.
  for (const occurredAt of ['2024-03-08T 1:00:00+09:00', '2024-03-08T10:00:0.+09:00', '20-4-03-08T10:00:00+09:00']) {
    it(`rejects occurred_at '${occurredAt}'`, async () => {
      const { result, quarantined } = await ingestCase({ occurred_at: occurredAt });
      expect(result).toMatchObject({ accepted: 1, rejected: 1 });
      expect(quarantined).toEqual([{ line: 3, field: 'occurred_at', reason: `not an ISO 8601 timestamp: '${occurredAt}'` }]);
    });
  }

  it('judges the year as written, not as UTC', async () => {
    // 1969-12-31 23:00 at -05:00 is 1970-01-01 04:00 UTC, but the year written is 1969.
    const { result, quarantined } = await ingestCase({ occurred_at: '1969-12-31T23:00:00-05:00' });
    expect(result).toMatchObject({ accepted: 1, rejected: 1 });
    expect(quarantined).toEqual([{ line: 3, field: 'occurred_at', reason: "year outside 1970–2099: '1969-12-31T23:00:00-05:00'" }]);
  });

  it('reads timestamps without seconds, or without offset, as before', async () => {
    // 10:00 in Seoul (+09:00) is 01:00 UTC.
    for (const occurredAt of ['2024-03-08T10:00+09:00', '2024-03-08 10:00:00']) {
      const { stored } = await ingestCase({ occurred_at: occurredAt });
      expect(stored).toMatchObject({ occurred_at: '2024-03-08T01:00:00.000Z' });
      await warehouse.run(`DELETE FROM raw_orders`);
      await warehouse.run(`DELETE FROM ingested_files`);
    }
  });

  it('drops a field of another event type, as before', async () => {
    const { result, stored } = await ingestCase({ type: 'order_paid', amount: 'not a number', quantity: null });
    expect(result).toMatchObject({ accepted: 2, rejected: 0 });
    expect(stored).toMatchObject({ type: 'order_paid', amount: null, quantity: null });
  });

  it('counts an id repeated in a clean file as a duplicate, keeping the first', async () => {
    const { result } = await ingestCase({ event_id: 'e1', order_id: 'O9' });
    expect(result).toMatchObject({ accepted: 1, duplicate: 1, rejected: 0 });
    expect(await warehouse.one(`SELECT order_id FROM raw_orders`)).toEqual({ order_id: 'O1' });
  });

  it('checks a Parquet file the same way', async () => {
    const { result, quarantined } = await ingestCase({ amount: -5 }, 'parquet');
    expect(result).toMatchObject({ accepted: 1, rejected: 1 });
    // A Parquet file has no header line: its second row is "line" 2.
    expect(quarantined).toEqual([{ line: 2, field: 'amount', reason: 'must be at least 0, got -5' }]);
  });
});

describe('bare cells: a CSV file whose cells the fast path need not trim', () => {
  // Every character JavaScript's trim() strips (it strips none outside the Basic Multilingual Plane).
  const trimmed = Array.from({ length: 0x10000 }, (_, code) => String.fromCharCode(code)).filter(
    (character) => character.trim() === '' && !(character >= '\ud800' && character <= '\udfff'),
  );

  it('finds every character trim() strips, and quoting, anywhere in the file', async () => {
    expect(trimmed).toHaveLength(25);
    const plain = join(dir, 'plain.csv');
    writeFileSync(plain, 'event_id,brand_id\ne1,B가나\ne2,브랜드-2\n');
    expect((await digestFile(plain)).bareCells).toBe(true);
    for (const character of [...trimmed.filter((c) => c !== '\n'), '"', "'"]) {
      const path = join(dir, 'edge.csv');
      writeFileSync(path, `event_id,brand_id\ne1,B1\ne2,B${character}\n`);
      expect({ character, bare: (await digestFile(path)).bareCells }).toEqual({ character, bare: false });
    }
  });

  it('trims an id that ends with any of them, as the careful path does', async () => {
    for (const character of ['\u3000', '\ufeff', '\u2028', '\u1680', '\v']) {
      const { result, stored } = await ingestCase({ event_id: `e2${character}` });
      expect(result).toMatchObject({ outcome: 'ingested', accepted: 2, rejected: 0 });
      expect(stored).toMatchObject({ event_id: 'e2' });
      await warehouse.run(`DELETE FROM raw_orders`);
      await warehouse.run(`DELETE FROM ingested_files`);
    }
  });

  it('trims an id past the first MiB, in a file whose head is bare', async () => {
    const rows = Array.from({ length: 20_000 }, (_, index) => ({ ...clean, event_id: `e${index + 1}`, order_id: `O${index + 1}` }));
    rows.push({ ...clean, event_id: 'e-last\u3000', order_id: 'O-last' });
    // 19 bytes a row: past the first MiB after some 55,000.
    const path = join(dir, 'orders.csv');
    writeFileSync(path, toCsv(rows));
    expect(statSync(path).size).toBeGreaterThan(1 << 20);
    const result = await ingestFile(warehouse, path, options);
    expect(result).toMatchObject({ outcome: 'ingested', accepted: 20_001, rejected: 0 });
    expect(await warehouse.one(`SELECT event_id FROM raw_orders WHERE order_id = 'O-last'`)).toEqual({ event_id: 'e-last' });
  });

  it('takes ids that end in other characters as they are, and rejects an empty one', async () => {
    const { result, stored } = await ingestCase({ event_id: 'e2-가', brand_id: 'B~' });
    expect(result).toMatchObject({ outcome: 'ingested', accepted: 2, rejected: 0 });
    expect(stored).toMatchObject({ event_id: 'e2-가' });
    expect(await warehouse.one(`SELECT brand_id FROM raw_orders WHERE event_id = 'e2-가'`)).toEqual({ brand_id: 'B~' });
    await warehouse.run(`DELETE FROM raw_orders`);
    await warehouse.run(`DELETE FROM ingested_files`);
    const empty = await ingestCase({ order_id: '' });
    expect(empty.result).toMatchObject({ accepted: 1, rejected: 1 });
    expect(empty.quarantined).toMatchObject([{ line: 3, field: 'order_id' }]);
  });
});
