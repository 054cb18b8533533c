import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromJSON, tableToIPC } from 'apache-arrow';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileFormat } from '../../pipelines/sources/detect.ts';

export type Row = Record<string, string | number | null>;

/** A new folder for a test, inside the run's temp folder (tests/helpers/temp-root.ts), which the run removes. */
export function tempDir(prefix = 'brandscore-test-'): string {
  return mkdtempSync(join(process.env.BRANDSCORE_TEST_TMP ?? tmpdir(), prefix));
}

/** One valid event of every type of every stream, plus a brand, as a source would send them. */
export const SAMPLE_EVENTS: Record<string, Row[]> = {
  brands: [
    { brand_id: 'B1', name: '브랜드 하나', status: 'active', onboarded_at: '2024-01-02', dispatch_days: 2, cs_phone: '02-000-0000', cs_email: 'cs@b1.example', return_address: 'Seoul', category: 'fashion' },
  ],
  orders: [
    { event_id: 'o1', type: 'order_placed', brand_id: 'B1', occurred_at: '2024-03-08T10:00:00+09:00', order_id: 'O1', amount: 39000, quantity: 1, dispatch_due_at: '2024-03-11T18:00:00+09:00', delivery_due_at: null },
    { event_id: 'o2', type: 'order_paid', brand_id: 'B1', occurred_at: '2024-03-08T10:01:00+09:00', order_id: 'O1' },
    { event_id: 'o3', type: 'order_cancelled', brand_id: 'B1', occurred_at: '2024-03-08T11:00:00+09:00', order_id: 'O2', cancelled_by: 'customer' },
    { event_id: 'o4', type: 'address_changed', brand_id: 'B1', occurred_at: '2024-03-08T12:00:00+09:00', order_id: 'O1', changed_by: 'customer' },
  ],
  shipments: [
    { event_id: 's1', type: 'dispatched', brand_id: 'B1', occurred_at: '2024-03-11T15:00:00+09:00', order_id: 'O1', carrier: 'CJ', tracking_no: '1234' },
    { event_id: 's2', type: 'delivered', brand_id: 'B1', occurred_at: '2024-03-12T15:00:00+09:00', order_id: 'O1' },
    { event_id: 's3', type: 'shipping_issue', brand_id: 'B1', occurred_at: '2024-03-12T16:00:00+09:00', order_id: 'O1', issue: 'damaged' },
  ],
  inquiries: [
    { event_id: 'i1', type: 'inquiry_opened', brand_id: 'B1', occurred_at: '2024-03-08T20:00:00+09:00', inquiry_id: 'Q1', channel: 'product_qna', category: 'product', order_id: null },
    { event_id: 'i2', type: 'inquiry_answered', brand_id: 'B1', occurred_at: '2024-03-11T10:00:00+09:00', inquiry_id: 'Q1', responder: 'brand' },
    { event_id: 'i3', type: 'inquiry_closed', brand_id: 'B1', occurred_at: '2024-03-11T11:00:00+09:00', inquiry_id: 'Q1' },
  ],
  claims: [
    { event_id: 'c1', type: 'claim_opened', brand_id: 'B1', occurred_at: '2024-03-13T10:00:00+09:00', claim_id: 'C1', order_id: 'O1', claim_type: 'return', reason: 'defect' },
    { event_id: 'c2', type: 'claim_stage_changed', brand_id: 'B1', occurred_at: '2024-03-13T11:00:00+09:00', claim_id: 'C1', order_id: 'O1', stage: 'collecting', handled_by: 'platform' },
    { event_id: 'c3', type: 'claim_closed', brand_id: 'B1', occurred_at: '2024-03-15T11:00:00+09:00', claim_id: 'C1', order_id: 'O1', outcome: 'completed' },
  ],
  contacts: [
    { event_id: 't1', type: 'contact_attempted', brand_id: 'B1', occurred_at: '2024-03-13T10:00:00+09:00', contact_id: 'K1', channel: 'phone', purpose: 'claim' },
    { event_id: 't2', type: 'contact_answered', brand_id: 'B1', occurred_at: '2024-03-13T10:05:00+09:00', contact_id: 'K1' },
  ],
  reviews: [{ event_id: 'r1', type: 'review_posted', brand_id: 'B1', occurred_at: '2024-03-14T10:00:00+09:00', review_id: 'R1', order_id: 'O1', score: 4 }],
};

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: Row[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return [columns.join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))].join('\n') + '\n';
}

export function toNdjson(rows: Row[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
}

/** Writes rows in the given format; Parquet through DuckDB, Arrow IPC through apache-arrow. */
export async function writeEventFile(path: string, rows: Row[], format: FileFormat): Promise<string> {
  if (format === 'csv') writeFileSync(path, toCsv(rows));
  else if (format === 'ndjson') writeFileSync(path, toNdjson(rows));
  else if (format === 'arrow') {
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    const filled = rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null])));
    writeFileSync(path, tableToIPC(tableFromJSON(filled), 'stream'));
  } else {
    const ndjson = join(tempDir('brandscore-parquet-'), 'rows.ndjson');
    writeFileSync(ndjson, toNdjson(rows));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    await connection.run(`CREATE TABLE rows AS SELECT * FROM read_json('${ndjson}', format = 'newline_delimited')`);
    // read_json turns '…+09:00' into a naive UTC TIMESTAMP; a real producer would write TIMESTAMPTZ.
    const described = (await connection.runAndReadAll('DESCRIBE rows')).getRowObjectsJS();
    const select = described
      .map(({ column_name: name, column_type: type }) =>
        type === 'TIMESTAMP' ? `timezone('UTC', "${String(name)}") AS "${String(name)}"` : `"${String(name)}"`,
      )
      .join(', ');
    await connection.run(`COPY (SELECT ${select} FROM rows) TO '${path}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
  }
  return path;
}
