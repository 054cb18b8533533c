import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, toCsv, toNdjson, type Row } from '../../helpers/event-files.ts';

/**
 * The hostile file corpus: each case writes its file (nothing big is committed) and states exactly what file
 * ingest must make of it. Adding a case is one entry in HOSTILE_FILES.
 */

export interface HostileFileExpectation {
  outcome: 'ingested' | 'failed';
  accepted: number;
  duplicate: number;
  rejected: number;
  /** Each quarantined row's reason must match one of these. */
  reasons?: RegExp[];
  /** The file-level error (outcome failed) must match. */
  error?: RegExp;
}

export interface HostileFile {
  name: string;
  /** What the case is about, for RELIABILITY.md. */
  what: string;
  /** Writes the file into dir and returns its path. */
  write(dir: string): Promise<string> | string;
  expected: HostileFileExpectation;
  /** After ingest: a SQL query and the rows it must return (for content checks, e.g. emoji stored exactly). */
  check?: { sql: string; rows: Record<string, unknown>[] };
}

export const order = (i: number, extra: Partial<Row> = {}): Row => ({
  event_id: `h${i}`,
  type: 'order_placed',
  brand_id: 'B1',
  occurred_at: '2024-03-08T10:00:00+09:00',
  order_id: `O${i}`,
  amount: 1000 + i,
  quantity: 1,
  ...extra,
});
const orders = (n: number, from = 1): Row[] => Array.from({ length: n }, (_, i) => order(from + i));

async function writeParquet(path: string, rows: Row[]): Promise<void> {
  const ndjson = join(tempDir('brandscore-hostile-'), 'rows.ndjson');
  writeFileSync(ndjson, toNdjson(rows));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (SELECT * FROM read_json('${ndjson}', format = 'newline_delimited', columns = {event_id: 'VARCHAR', type: 'VARCHAR', brand_id: 'VARCHAR', occurred_at: 'VARCHAR', order_id: 'VARCHAR', amount: 'BIGINT', quantity: 'BIGINT'})) TO '${path}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
}

const file = (name: string, content: string | Buffer) => (dir: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const TEN_MB = 10 * 1024 * 1024;

export const HOSTILE_FILES: HostileFile[] = [
  {
    name: 'truncated Parquet',
    what: 'a Parquet file of 1,000 orders cut to half its bytes',
    async write(dir) {
      const whole = join(dir, 'whole.parquet.tmp');
      await writeParquet(whole, orders(1000));
      const bytes = readFileSync(whole);
      return file('orders-truncated.parquet', bytes.subarray(0, Math.floor(bytes.length / 2)))(dir);
    },
    expected: { outcome: 'failed', accepted: 0, duplicate: 0, rejected: 0, error: /No magic bytes found/ },
  },
  {
    name: 'latin-1 CSV',
    what: 'brand names in ISO-8859-1 (é as the single byte 0xE9), not UTF-8',
    write: file(
      'brands-latin1.csv',
      Buffer.from('brand_id,name,status\nL1,Caf\xe9 Mode,active\nL2,Plain,active\n', 'latin1'),
    ),
    expected: { outcome: 'failed', accepted: 0, duplicate: 0, rejected: 0, error: /Line: 2: the file is not UTF-8 text/ },
  },
  {
    name: 'UTF-16 CSV',
    what: 'UTF-16LE with a byte-order mark',
    write: file('orders-utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(toCsv(orders(3)), 'utf16le')])),
    expected: { outcome: 'failed', accepted: 0, duplicate: 0, rejected: 0, error: /the file is not UTF-8 text/ },
  },
  {
    name: 'UTF-8 BOM CSV',
    what: 'a UTF-8 byte-order mark before the header',
    write: file('orders-bom.csv', `\uFEFF${toCsv(orders(3))}`),
    expected: { outcome: 'ingested', accepted: 3, duplicate: 0, rejected: 0 },
  },
  {
    name: 'UTF-8 BOM NDJSON',
    what: 'a UTF-8 byte-order mark before the first line',
    write: file('orders-bom.ndjson', `\uFEFF${toNdjson(orders(3))}`),
    expected: { outcome: 'ingested', accepted: 3, duplicate: 0, rejected: 0 },
  },
  {
    name: 'CRLF CSV',
    what: 'Windows line ends',
    write: file('orders-crlf.csv', toCsv(orders(4)).replaceAll('\n', '\r\n')),
    expected: { outcome: 'ingested', accepted: 4, duplicate: 0, rejected: 0 },
    check: { sql: `SELECT max(length(order_id)) AS longest FROM raw_orders`, rows: [{ longest: 2 }] },
  },
  {
    name: '10 MB line (CSV)',
    what: 'one row whose order_id is 10 MiB long, between two good rows',
    write: file('orders-long-line.csv', toCsv([order(1), order(2, { order_id: 'x'.repeat(TEN_MB) }), order(3)])),
    expected: { outcome: 'ingested', accepted: 2, duplicate: 0, rejected: 1, reasons: [/^order_id: longer than 200 characters$/] },
  },
  {
    name: '10 MB line (NDJSON)',
    what: 'one line whose order_id is 10 MiB long, between two good lines',
    write: file('orders-long-line.ndjson', toNdjson([order(1), order(2, { order_id: 'x'.repeat(TEN_MB) }), order(3)])),
    expected: { outcome: 'ingested', accepted: 2, duplicate: 0, rejected: 1, reasons: [/^order_id: longer than 200 characters$/] },
  },
  {
    name: 'mixed types in a column (CSV)',
    what: 'amount holds numbers, words, decimals and blanks',
    write: file(
      'orders-mixed.csv',
      toCsv([order(1), order(2, { amount: 'lots' }), order(3, { amount: '12.5' }), order(4, { amount: null }), order(5)]),
    ),
    expected: { outcome: 'ingested', accepted: 2, duplicate: 0, rejected: 3, reasons: [/^amount: not a whole number: '(lots|12\.5)'$/, /^amount: missing \(required for order_placed\)$/] },
  },
  {
    name: 'mixed types in a column (NDJSON)',
    what: 'amount as number, string, boolean, object and array',
    write: (dir) =>
      file(
        'orders-mixed.ndjson',
        [
          JSON.stringify(order(1)),
          JSON.stringify({ ...order(2), amount: 'lots' }),
          JSON.stringify({ ...order(3), amount: true }),
          JSON.stringify({ ...order(4), amount: { won: 5 } }),
          JSON.stringify({ ...order(5), amount: [1] }),
          JSON.stringify(order(6)),
        ].join('\n') + '\n',
      )(dir),
    expected: { outcome: 'ingested', accepted: 2, duplicate: 0, rejected: 4, reasons: [/^amount: not a whole number: '(lots|true|\{"won":5\}|\[1\])'$/] },
  },
  {
    name: 'SQL and script in text fields',
    what: "brand names and ids carrying `'; DROP TABLE raw_orders; --` and `<script>`",
    write: file(
      'brands-injection.ndjson',
      toNdjson([
        { brand_id: "X1'; DROP TABLE raw_orders; --", name: "Robert'); DROP TABLE brands;--", status: 'active' },
        { brand_id: 'X2', name: '<script>alert(document.cookie)</script>', status: 'active' },
        { brand_id: 'X3', name: '{{7*7}} ${7*7} %s %n', status: 'active' },
      ]),
    ),
    expected: { outcome: 'ingested', accepted: 3, duplicate: 0, rejected: 0 },
    check: {
      sql: `SELECT brand_id, name FROM brands WHERE brand_id LIKE 'X%' ORDER BY brand_id`,
      rows: [
        { brand_id: "X1'; DROP TABLE raw_orders; --", name: "Robert'); DROP TABLE brands;--" },
        { brand_id: 'X2', name: '<script>alert(document.cookie)</script>' },
        { brand_id: 'X3', name: '{{7*7}} ${7*7} %s %n' },
      ],
    },
  },
  {
    name: 'Unicode and emoji',
    what: 'Hangul, emoji (incl. ZWJ sequences), RTL and combining marks in brand ids and names',
    write: file(
      'brands-unicode.csv',
      toCsv([
        { brand_id: '브랜드🎉', name: '🎉 파티 👩‍👩‍👧 가게', status: 'active' },
        { brand_id: 'U2', name: 'مرحبا e\u0301te\u0301', status: 'active' },
      ]),
    ),
    expected: { outcome: 'ingested', accepted: 2, duplicate: 0, rejected: 0 },
    check: {
      sql: `SELECT brand_id, name FROM brands WHERE brand_id IN ('브랜드🎉', 'U2') ORDER BY brand_id`,
      rows: [
        { brand_id: 'U2', name: 'مرحبا e\u0301te\u0301' },
        { brand_id: '브랜드🎉', name: '🎉 파티 👩‍👩‍👧 가게' },
      ],
    },
  },
  {
    name: 'year 9999',
    what: 'occurred_at 9999-12-31T23:59:59Z and a dispatch deadline in 9999',
    write: file(
      'orders-9999.csv',
      toCsv([order(1), order(2, { occurred_at: '9999-12-31T23:59:59Z' }), order(3, { dispatch_due_at: '9999-01-01T00:00:00Z' })]),
    ),
    expected: { outcome: 'ingested', accepted: 1, duplicate: 0, rejected: 2, reasons: [/^occurred_at: year outside 1970–2099: '9999-12-31T23:59:59Z'$/, /^dispatch_due_at: year outside 1970–2099: '9999-01-01T00:00:00Z'$/] },
  },
  {
    name: 'negative quantities',
    what: 'quantity -1 and amount -5',
    write: file('orders-negative.csv', toCsv([order(1), order(2, { quantity: -1 }), order(3, { amount: -5 })])),
    expected: {
      outcome: 'ingested',
      accepted: 1,
      duplicate: 0,
      rejected: 2,
      reasons: [/^quantity: must be at least 1, got -1$/, /^amount: must be at least 0, got -5$/],
    },
  },
  {
    name: 'empty file (CSV)',
    what: 'zero bytes',
    write: file('orders-empty.csv', ''),
    expected: { outcome: 'ingested', accepted: 0, duplicate: 0, rejected: 0 },
  },
  {
    name: 'empty file (NDJSON)',
    what: 'zero bytes',
    write: file('orders-empty.ndjson', ''),
    expected: { outcome: 'ingested', accepted: 0, duplicate: 0, rejected: 0 },
  },
  {
    name: 'header-only CSV',
    what: 'the header row and nothing else',
    write: file('orders-header-only.csv', 'event_id,type,brand_id,occurred_at,order_id,amount,quantity\n'),
    expected: { outcome: 'ingested', accepted: 0, duplicate: 0, rejected: 0 },
  },
  {
    name: 'duplicates and a broken NDJSON line',
    what: 'an event twice, a line that is not JSON, a JSON array line',
    write: file('orders-dupes.ndjson', `${JSON.stringify(order(1))}\n${JSON.stringify(order(1))}\n{"event_id": "h2", "type\n[1,2]\n${JSON.stringify(order(3))}\n`),
    expected: { outcome: 'ingested', accepted: 2, duplicate: 1, rejected: 2, reasons: [/^not a JSON object$/] },
  },
];
