import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Facts: one row per order, inquiry, claim, contact and review (DESIGN §2). An entity touched by any raw event
 * newer than the watermark is rebuilt from all of its raw events, old and new, so an answer that arrived before
 * its question attaches as soon as the question comes in. Every (brand, day) a rebuilt fact counted in before
 * or counts in after goes to `touched_brand_days` for the rollups.
 */

const HERE = dirname(fileURLToPath(import.meta.url));

export type FactEntity = 'orders' | 'inquiries' | 'claims' | 'contacts' | 'reviews';

interface FactSpec {
  entity: FactEntity;
  table: string;
  key: string;
  file: string;
  /** Keys of the entities whose raw events are newer than $since. */
  touched: string;
}

const FACTS: FactSpec[] = [
  {
    entity: 'orders',
    table: 'fct_orders',
    key: 'order_id',
    file: 'order_facts.sql',
    // A brand upsert (dispatch_days may have changed) re-judges that brand's open orders: their deadline is
    // still ahead of or behind them, while dispatched and cancelled orders keep the promise they were judged by.
    touched: `
      SELECT order_id FROM raw_orders WHERE ingest_batch > $since
      UNION SELECT order_id FROM raw_shipments WHERE ingest_batch > $since
      UNION SELECT order_id FROM fct_orders
        WHERE dispatched_at IS NULL AND cancelled_at IS NULL
          AND brand_id IN (SELECT brand_id FROM brands WHERE ingest_batch > $since)`,
  },
  {
    entity: 'inquiries',
    table: 'fct_inquiries',
    key: 'inquiry_id',
    file: 'inquiry_facts.sql',
    touched: 'SELECT DISTINCT inquiry_id FROM raw_inquiries WHERE ingest_batch > $since',
  },
  {
    entity: 'claims',
    table: 'fct_claims',
    key: 'claim_id',
    file: 'claim_facts.sql',
    touched: 'SELECT DISTINCT claim_id FROM raw_claims WHERE ingest_batch > $since',
  },
  {
    entity: 'contacts',
    table: 'fct_contacts',
    key: 'contact_id',
    file: 'contact_facts.sql',
    touched: 'SELECT DISTINCT contact_id FROM raw_contacts WHERE ingest_batch > $since',
  },
  {
    entity: 'reviews',
    table: 'fct_reviews',
    key: 'review_id',
    file: 'review_facts.sql',
    touched: 'SELECT DISTINCT review_id FROM raw_reviews WHERE ingest_batch > $since',
  },
];

export type FactCounts = Record<FactEntity, number>;

/**
 * Rebuilds the facts of every entity with raw events in a batch after `sinceBatch`, on `connection` (the
 * caller's transaction, with business_calendar installed). Leaves the temporary table `touched_brand_days`.
 */
export async function rebuildFacts(connection: DuckDBConnection, sinceBatch: number): Promise<FactCounts> {
  const since = BigInt(sinceBatch);
  await connection.run('CREATE OR REPLACE TEMP TABLE touched_brand_days (brand_id VARCHAR, day DATE)');
  const counts = {} as FactCounts;
  for (const spec of FACTS) {
    const touchedTable = `touched_${spec.entity}`;
    await connection.run(`CREATE OR REPLACE TEMP TABLE ${touchedTable} AS ${spec.touched}`, { since });
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE next_${spec.table} AS ${readFileSync(join(HERE, spec.file), 'utf8')}`,
    );
    const inTouched = `${spec.key} IN (SELECT ${spec.key} FROM ${touchedTable})`;
    await connection.run(
      `INSERT INTO touched_brand_days SELECT brand_id, day FROM ${spec.table} WHERE ${inTouched} AND day IS NOT NULL`,
    );
    await connection.run(`DELETE FROM ${spec.table} WHERE ${inTouched}`);
    await connection.run(`INSERT INTO ${spec.table} BY NAME SELECT * FROM next_${spec.table}`);
    await connection.run(
      `INSERT INTO touched_brand_days SELECT brand_id, day FROM next_${spec.table} WHERE day IS NOT NULL`,
    );
    const reader = await connection.runAndReadAll(`SELECT count(*) FROM next_${spec.table}`);
    counts[spec.entity] = Number(reader.getRows()[0]![0]);
    await connection.run(`DROP TABLE next_${spec.table}`);
  }
  return counts;
}
