import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FACTS, rangeOf } from '../facts/facts.ts';

const BRAND_DAY_SQL = join(dirname(fileURLToPath(import.meta.url)), 'brand_day.sql');

/**
 * Applies the fact changes rebuildFacts left (old_fct_* replaced by next_fct_*) to brand_day, on the caller's
 * transaction: each (brand, day) a replaced or new fact counts in gets its row plus the difference
 * (brand_day.sql). `full`: brand_day is rebuilt from nothing (a full fact rebuild). Returns how many rows were
 * written: the touched (brand, day) pairs that still count an entity.
 */
export async function rebuildBrandDays(connection: DuckDBConnection, { full = false }: { full?: boolean } = {}): Promise<number> {
  if (full) await connection.run('DELETE FROM brand_day');
  // The days the changed facts count on bound both reads of brand_day. A full rebuild writes it in day order and
  // refreshes append the touched days, so the zone maps skip the older days: a new day's rows touch the last few
  // weeks, while brand_day grows by every brand's active days. One old day among the changes (a late event for an
  // old order) widens the range, and a database rolled up before this order was kept gets it at its next full
  // rebuild; either way only speed is lost, never rows. A full rebuild has just emptied brand_day: nothing to bound,
  // and no need to read the day of every fact for it.
  const dayRange = full
    ? { low: null, high: null }
    : await rangeOf(
        connection,
        'day',
        `(${FACTS.flatMap(({ table }) => [`SELECT day FROM old_${table}`, `SELECT day FROM next_${table}`]).join(' UNION ALL ')})`,
      );
  await connection.run(`CREATE OR REPLACE TEMP TABLE next_brand_day AS ${readFileSync(BRAND_DAY_SQL, 'utf8')}`, dayRange);
  if (!full) {
    await connection.run(
      `DELETE FROM brand_day b WHERE b.day BETWEEN CAST($low AS DATE) AND CAST($high AS DATE) AND EXISTS (
         SELECT 1 FROM next_brand_day t WHERE t.brand_id = b.brand_id AND t.day = b.day)`,
      dayRange,
    );
  }
  // A pair whose last entity moved away (to another day or brand) keeps no row. Every entity with a day counts
  // one in its *_opened/placed/attempted/count column, so their sum is the number of entities of the pair.
  await connection.run(
    `INSERT INTO brand_day BY NAME SELECT * FROM next_brand_day
     WHERE orders_placed + inquiries_opened + contacts_attempted + claims_opened + reviews_count > 0
     ORDER BY day`,
  );
  const reader = await connection.runAndReadAll(
    `SELECT count(*) FROM next_brand_day
     WHERE orders_placed + inquiries_opened + contacts_attempted + claims_opened + reviews_count > 0`,
  );
  const rows = Number(reader.getRows()[0]![0]);
  await connection.run('DROP TABLE next_brand_day');
  return rows;
}
