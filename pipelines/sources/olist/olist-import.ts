import type { DuckDBConnection } from '@duckdb/node-api';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Warehouse } from '../../warehouse/database.ts';
import { firstLine, ingestFiles, type FileIngestResult } from '../file-ingest.ts';
import { sqlString } from '../validation-sql.ts';

/**
 * Importer of the public Olist dataset (Brazilian E-Commerce Public Dataset by Olist): the CSVs are read and
 * reshaped into the event contract set-based inside DuckDB, written as one Parquet file per stream, and those
 * files go through the same ingest as any other source (validation, quarantine, deduplication by event id).
 * Event ids are derived from Olist's ids, so importing the same data again stores nothing new.
 */

export const OLIST_TIME_ZONE = 'America/Sao_Paulo';

/** The Olist files read, by the table they are staged as, with the columns the transformation needs. */
const OLIST_FILES = {
  olist_orders: {
    file: 'olist_orders_dataset.csv',
    columns: [
      'order_id',
      'order_status',
      'order_purchase_timestamp',
      'order_approved_at',
      'order_delivered_carrier_date',
      'order_delivered_customer_date',
      'order_estimated_delivery_date',
    ],
  },
  olist_items: { file: 'olist_order_items_dataset.csv', columns: ['order_id', 'seller_id', 'shipping_limit_date', 'price'] },
  olist_reviews: {
    file: 'olist_order_reviews_dataset.csv',
    columns: ['review_id', 'order_id', 'review_score', 'review_creation_date', 'review_answer_timestamp'],
  },
  olist_sellers: { file: 'olist_sellers_dataset.csv', columns: ['seller_id', 'seller_city', 'seller_state'] },
} as const;
type OlistTable = keyof typeof OLIST_FILES;

/** The streams written, in ingest order (brands first, so that events find their brand). */
const OUTPUTS = [
  { stream: 'brands', sql: 'olist_brands.sql' },
  { stream: 'orders', sql: 'olist_orders.sql' },
  { stream: 'shipments', sql: 'olist_shipments.sql' },
  { stream: 'reviews', sql: 'olist_reviews.sql' },
] as const;

const sql = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');

export interface OlistImportOptions {
  /** Zone of Olist's timestamps, which carry no offset. */
  timeZone?: string;
  /** Keep the event files in this folder instead of a temporary one that is removed afterwards. */
  outDir?: string;
  onProgress?: (message: string) => void;
}

export interface OlistImportResult {
  /** Rows read from each Olist file. */
  source: Record<OlistTable, number>;
  /** (order, seller) pairs: the orders brandscore sees. */
  sellerOrders: number;
  /** Olist orders with no item, hence no seller to attribute them to: not imported. */
  ordersWithoutItems: number;
  /** Reviews of such orders: not imported. */
  reviewsWithoutSeller: number;
  /** Events (or brand rows) written per stream, before ingest. */
  written: Record<(typeof OUTPUTS)[number]['stream'], number>;
  /** One result per event file, as `brandscore ingest` reports them. */
  files: FileIngestResult[];
  seconds: number;
}

export class OlistImportError extends Error {
  override name = 'OlistImportError';
}

export async function importOlist(warehouse: Warehouse, dir: string, options: OlistImportOptions = {}): Promise<OlistImportResult> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => undefined);
  const timeZone = options.timeZone ?? OLIST_TIME_ZONE;
  checkOlistFolder(dir);
  const outDir = options.outDir ? resolve(options.outDir) : mkdtempSync(join(tmpdir(), 'brandscore-olist-'));
  mkdirSync(outDir, { recursive: true });
  try {
    const { paths, ...counts } = await writeEventFiles(warehouse, dir, outDir, progress);
    const files = await ingestFiles(warehouse, paths, { sourceTimeZone: timeZone, onProgress: progress });
    return { ...counts, files, seconds: (performance.now() - started) / 1000 };
  } finally {
    if (!options.outDir) rmSync(outDir, { recursive: true, force: true });
  }
}

/** Stages the Olist CSVs on a connection of its own and writes one Parquet file per stream into outDir. */
async function writeEventFiles(warehouse: Warehouse, dir: string, outDir: string, progress: (message: string) => void) {
  const connection = await warehouse.connect();
  try {
    const source = {} as Record<OlistTable, number>;
    for (const [table, { file, columns }] of Object.entries(OLIST_FILES) as [OlistTable, (typeof OLIST_FILES)[OlistTable]][]) {
      source[table] = await stageCsv(connection, table, join(dir, file), columns);
      progress(`read ${file}: ${source[table].toLocaleString('en-US')} rows`);
    }
    await connection.run(sql('seller_orders.sql'));
    const count = async (query: string) => Number((await connection.runAndReadAll(query)).getRowObjectsJS()[0]?.n ?? 0);
    const sellerOrders = await count(`SELECT count(*) AS n FROM olist_seller_orders`);
    const ordersWithoutItems = await count(
      `SELECT count(*) AS n FROM olist_orders o WHERE NOT EXISTS (SELECT 1 FROM olist_seller_orders s WHERE s.order_id = o.order_id)`,
    );
    const reviewsWithoutSeller = await count(
      `SELECT count(*) AS n FROM olist_reviews r WHERE NOT EXISTS (SELECT 1 FROM olist_seller_orders s WHERE s.order_id = r.order_id)`,
    );
    progress(
      `${sellerOrders.toLocaleString('en-US')} (order, seller) pairs; ${ordersWithoutItems.toLocaleString('en-US')} orders without items and ${reviewsWithoutSeller.toLocaleString('en-US')} of their reviews have no seller and are left out`,
    );

    const written = {} as OlistImportResult['written'];
    const paths: string[] = [];
    for (const { stream, sql: file } of OUTPUTS) {
      const path = join(outDir, `${stream}-olist.parquet`);
      const query = sql(file).trim().replace(/;$/, '');
      // COPY's target must be a constant: quoted as a literal, never spliced raw.
      const copied = await connection.runAndReadAll(`COPY (${query}) TO ${sqlString(path)} (FORMAT parquet)`);
      written[stream] = Number(copied.getRowObjectsJS()[0]?.Count ?? 0);
      progress(`wrote ${written[stream].toLocaleString('en-US')} ${stream} rows to ${path}`);
      paths.push(path);
    }
    return { source, sellerOrders, ordersWithoutItems, reviewsWithoutSeller, written, paths };
  } finally {
    // Temp tables end with their connection.
    connection.closeSync();
  }
}

/** Throws OlistImportError naming the first Olist file that `dir` lacks. */
export function checkOlistFolder(dir: string): void {
  for (const { file } of Object.values(OLIST_FILES)) {
    if (!existsSync(join(dir, file))) throw new OlistImportError(`${join(dir, file)}: not found (an Olist folder holds ${listFiles()})`);
  }
}

/**
 * Reads one Olist CSV as text into a temp table (types are the contract's business at ingest), checking that the
 * columns the transformation needs are there. Review comments hold quoted newlines and quotes: RFC 4180 quoting.
 */
async function stageCsv(connection: DuckDBConnection, table: string, path: string, columns: readonly string[]): Promise<number> {
  try {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`,
      { path },
    );
  } catch (error) {
    throw new OlistImportError(`${path}: cannot be read as CSV (${firstLine(error)})`);
  }
  const present = new Set(
    (await connection.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJS().map((row) => String(row.column_name)),
  );
  const missing = columns.filter((column) => !present.has(column));
  if (missing.length > 0) throw new OlistImportError(`${path}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJS()[0]?.n ?? 0);
}

function listFiles(): string {
  return Object.values(OLIST_FILES)
    .map(({ file }) => file)
    .join(', ');
}
