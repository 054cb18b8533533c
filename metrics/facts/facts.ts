import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Facts: one row per order, inquiry, claim, contact and review (DESIGN §2). Every fact column is a min, max,
 * count, sum or "value of the first (last) event" over the entity's events, so facts are kept as mergeable
 * state: a refresh aggregates only the raw events newer than the watermark and merges that with the stored row
 * of the same entity (`*_facts.sql`). The result is the fold of all the entity's events, old and new — an answer
 * that arrived before its question attaches as soon as the question comes in — but the refresh reads the new
 * raw rows only (ingest batches are appended in order, so DuckDB's zone maps on ingest_batch skip the history)
 * plus the stored rows of the entities they touch. Columns derived from the calendar (day, deadlines, business
 * hours) are recomputed for the merged rows. A full rebuild (no watermark) is the same query over every event
 * with nothing to merge.
 *
 * Leaves, per entity, the temporary tables `old_fct_*` (the rows replaced) and `next_fct_*` (their
 * replacements; after a full rebuild, a view of the whole table) for the rollups (rollups.ts), which add the
 * difference to brand_day.
 */

const HERE = dirname(fileURLToPath(import.meta.url));

export type FactEntity = 'orders' | 'inquiries' | 'claims' | 'contacts' | 'reviews';

interface FactSpec {
  entity: FactEntity;
  table: string;
  key: string;
  file: string;
  /** Keys of the entities with raw events newer than the watermark ({{since}}). */
  touched: string;
  /**
   * What a full rebuild reads of the stored rows it replaces ({{prior}} in the query; an incremental refresh gives
   * it the replaced rows themselves).
   */
  prior?: string;
}

export const FACTS: FactSpec[] = [
  {
    entity: 'orders',
    table: 'fct_orders',
    key: 'order_id',
    file: 'order_facts.sql',
    touched: `SELECT order_id FROM raw_orders WHERE ingest_batch > {{since}}
      UNION SELECT order_id FROM raw_shipments WHERE ingest_batch > {{since}}`,
    // The promise a dispatched or cancelled order was judged by (order_facts.sql keeps it).
    prior: `SELECT order_id, dispatched_at, cancelled_at, dispatch_days_applied FROM fct_orders
      WHERE dispatched_at IS NOT NULL OR cancelled_at IS NOT NULL`,
  },
  {
    entity: 'inquiries',
    table: 'fct_inquiries',
    key: 'inquiry_id',
    file: 'inquiry_facts.sql',
    touched: 'SELECT DISTINCT inquiry_id FROM raw_inquiries WHERE ingest_batch > {{since}}',
  },
  {
    entity: 'claims',
    table: 'fct_claims',
    key: 'claim_id',
    file: 'claim_facts.sql',
    touched: 'SELECT DISTINCT claim_id FROM raw_claims WHERE ingest_batch > {{since}}',
  },
  {
    entity: 'contacts',
    table: 'fct_contacts',
    key: 'contact_id',
    file: 'contact_facts.sql',
    touched: 'SELECT DISTINCT contact_id FROM raw_contacts WHERE ingest_batch > {{since}}',
  },
  {
    entity: 'reviews',
    table: 'fct_reviews',
    key: 'review_id',
    file: 'review_facts.sql',
    touched: 'SELECT DISTINCT review_id FROM raw_reviews WHERE ingest_batch > {{since}}',
  },
];

export type FactCounts = Record<FactEntity, number>;

/**
 * The merge rules the fact SQL shares. first_of: the value of whichever side (stored row, new events) has the
 * earlier key, falling back to the other side's value where the chosen one is NULL, as arg_min skips NULLs; on
 * equal keys the stored row wins (arg_min's own choice among ties is arbitrary). last_of: the same for the
 * later key, the new events winning ties.
 */
const MERGE_MACROS = `
  CREATE OR REPLACE TEMP MACRO first_of(old_key, old_value, new_key, new_value) AS
    CASE WHEN new_key IS NOT NULL AND (old_key IS NULL OR new_key < old_key)
      THEN coalesce(new_value, old_value) ELSE coalesce(old_value, new_value) END;
  CREATE OR REPLACE TEMP MACRO last_of(old_key, old_value, new_key, new_value) AS
    CASE WHEN new_key IS NOT NULL AND (old_key IS NULL OR new_key >= old_key)
      THEN coalesce(new_value, old_value) ELSE coalesce(old_value, new_value) END;`;

/**
 * Folds the raw events of every batch after `sinceBatch` into the facts, on `connection` (the caller's
 * transaction, with business_calendar installed). `sinceBatch` 0 rebuilds every fact from all raw events.
 * `upsertedBrands` says whether a `brands` row was upserted after the watermark: their open orders are then
 * re-judged (dispatch_days may have changed) although no event touched them.
 */
export async function rebuildFacts(
  connection: DuckDBConnection,
  sinceBatch: number,
  { upsertedBrands = true }: { upsertedBrands?: boolean } = {},
): Promise<FactCounts> {
  // A literal, not a parameter: DuckDB pushes a constant filter into the scan, where zone maps skip the row
  // groups of older batches. The watermark is an integer from refresh_state, never user input.
  const since = String(Math.trunc(sinceBatch));
  const full = sinceBatch <= 0;
  await connection.run(MERGE_MACROS);
  const counts = {} as FactCounts;
  for (const spec of FACTS) {
    const old = `old_${spec.table}`;
    const next = `next_${spec.table}`;
    // The lowest and highest touched key, and the condition they bound the scans of the stored facts with.
    let keyRange: { low: string | null; high: string | null } = { low: null, high: null };
    const inRange = `${spec.key} BETWEEN $low AND $high`;
    if (full) {
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${old} AS SELECT * FROM ${spec.table} LIMIT 0`);
      if (spec.prior) await connection.run(`CREATE OR REPLACE TEMP TABLE prior_${spec.table} AS ${spec.prior}`);
    } else {
      let touched = spec.touched.replaceAll('{{since}}', since);
      if (spec.entity === 'orders' && upsertedBrands) {
        // A brand upsert (dispatch_days may have changed) re-judges that brand's open orders: their deadline is
        // still ahead of or behind them, while dispatched and cancelled orders keep the promise they were judged by.
        touched += `
          UNION SELECT order_id FROM fct_orders
          WHERE dispatched_at IS NULL AND cancelled_at IS NULL
            AND brand_id IN (SELECT brand_id FROM brands WHERE ingest_batch > ${since})`;
      }
      // Which stored rows are touched is found from the key column alone, then those rows are fetched by rowid: a
      // semi-join selecting every column read all columns of all 10M stored orders (1.3–2.1 s of an incremental
      // refresh), the key column alone and the fetch 0.6 s. The touched keys' range bounds both scans as well (the
      // bound parameters reach the scan as zone-map filters; EXPLAIN ANALYZE shows them). A full rebuild writes
      // the facts in key order and refreshes append the rows they rebuild, so where ids grow with time (order
      // numbers do) the zone maps skip the row groups of older entities and the scan follows the new day, not the
      // history. An old key among the touched (a late event, a brand upsert's open orders) widens the range, and
      // ids that do not grow with time skip nothing: either way only speed is lost, never rows.
      await connection.run(`CREATE OR REPLACE TEMP TABLE touched_keys AS ${touched}`);
      keyRange = await rangeOf(connection, spec.key, 'touched_keys');
      await connection.run(
        `CREATE OR REPLACE TEMP TABLE touched_fact_rows AS
         SELECT rowid AS fact_row FROM ${spec.table} WHERE ${inRange} AND ${spec.key} IN (SELECT * FROM touched_keys)`,
        keyRange,
      );
      await connection.run(
        `CREATE OR REPLACE TEMP TABLE ${old} AS
         SELECT * FROM ${spec.table} WHERE ${inRange} AND rowid IN (SELECT fact_row FROM touched_fact_rows)`,
        keyRange,
      );
      await connection.run('DROP TABLE touched_keys');
    }
    const file = readFileSync(join(HERE, spec.file), 'utf8');
    // Checked on every refresh, not only on the full rebuilds that read it: an incremental one gives {{prior}} the
    // replaced rows and would not notice its absence.
    if (file.includes('{{prior}}') && !spec.prior) throw new Error(`${spec.file} reads {{prior}}: its FactSpec needs a prior`);
    const query = file
      .replaceAll('{{since}}', since)
      .replaceAll('{{old}}', old)
      .replaceAll('{{prior}}', full ? `prior_${spec.table}` : old);
    if (full) {
      // Every row is replaced: written straight into the table, and next_* is the table itself. Through a temp
      // table, written and then read back, the orders of a full rebuild at 10M orders took 44.3 s instead of 36.3 s
      // (the same rows).
      // In key order, for the incremental refreshes' zone maps (above). The hash aggregation's own order is
      // DuckDB's to choose: after 720 days of 5,000 brands every row group of fct_orders held keys from the first
      // to the last, every incremental refresh read every row group to fetch the touched rows (0.22–0.32 s of a
      // 1.7–2.1 s refresh, against 0.03 s after 360 days), and the refresh grew with the history. The sort costs
      // a full refresh of 10M orders 3.4–3.8 s (47.3 → 50.6 s, 52.7 → 56.5 s); the same 720-day refresh then
      // takes 1.19 s, as after 360 days.
      await connection.run(`DELETE FROM ${spec.table}`);
      // The line break ends a comment the file may end with.
      const inserted = await connection.run(`INSERT INTO ${spec.table} BY NAME SELECT * FROM (${query}\n) ORDER BY ${spec.key}`);
      await connection.run(`CREATE OR REPLACE TEMP VIEW ${next} AS SELECT * FROM ${spec.table}`);
      await connection.run(`DROP TABLE IF EXISTS prior_${spec.table}`);
      counts[spec.entity] = Number(inserted.rowsChanged);
    } else {
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${next} AS ${query}`);
      // Nothing changed the table since touched_fact_rows was taken, so its rowids still name the replaced rows.
      await connection.run(
        `DELETE FROM ${spec.table} WHERE ${inRange} AND rowid IN (SELECT fact_row FROM touched_fact_rows)`,
        keyRange,
      );
      await connection.run('DROP TABLE touched_fact_rows');
      const inserted = await connection.run(`INSERT INTO ${spec.table} BY NAME SELECT * FROM ${next}`);
      counts[spec.entity] = Number(inserted.rowsChanged);
    }
  }
  return counts;
}

/**
 * The lowest and highest `column` of `from` as text (null when it has no rows): the bounds that let zone maps skip
 * the rest of a table (the touched keys here, the changed days in rollups.ts).
 */
export async function rangeOf(connection: DuckDBConnection, column: string, from: string): Promise<{ low: string | null; high: string | null }> {
  const reader = await connection.runAndReadAll(`SELECT CAST(min(${column}) AS VARCHAR), CAST(max(${column}) AS VARCHAR) FROM ${from}`);
  const [low, high] = reader.getRows()[0] ?? [null, null];
  return { low: low === null ? null : String(low), high: high === null ? null : String(high) };
}

/**
 * Drops the temporary tables rebuildFacts leaves, once the rollups have read them; `full` as given to
 * rebuildFacts, whose next_* are then views (DROP of the one kind refuses the other).
 */
export async function dropFactChanges(connection: DuckDBConnection, { full }: { full: boolean }): Promise<void> {
  for (const spec of FACTS) {
    await connection.run(`DROP TABLE IF EXISTS old_${spec.table}`);
    await connection.run(`DROP ${full ? 'VIEW' : 'TABLE'} IF EXISTS next_${spec.table}`);
  }
}
