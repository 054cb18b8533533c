import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BRAND_DAY_SQL = join(dirname(fileURLToPath(import.meta.url)), 'brand_day.sql');

/**
 * Applies the fact changes rebuildFacts left (old_fct_* replaced by next_fct_*) to brand_day, on the caller's
 * transaction: each (brand, day) a replaced or new fact counts in gets its row plus the difference
 * (brand_day.sql). `full`: brand_day is rebuilt from nothing (a full fact rebuild). Returns how many rows were
 * written: the touched (brand, day) pairs that still count an entity.
 */
export async function rebuildBrandDays(connection: DuckDBConnection, { full = false }: { full?: boolean } = {}): Promise<number> {
  if (full) await connection.run('DELETE FROM brand_day');
  await connection.run(`CREATE OR REPLACE TEMP TABLE next_brand_day AS ${readFileSync(BRAND_DAY_SQL, 'utf8')}`);
  if (!full) {
    await connection.run(
      `DELETE FROM brand_day b WHERE EXISTS (
         SELECT 1 FROM next_brand_day t WHERE t.brand_id = b.brand_id AND t.day = b.day)`,
    );
  }
  // A pair whose last entity moved away (to another day or brand) keeps no row. Every entity with a day counts
  // one in its *_opened/placed/attempted/count column, so their sum is the number of entities of the pair.
  await connection.run(
    `INSERT INTO brand_day BY NAME SELECT * FROM next_brand_day
     WHERE orders_placed + inquiries_opened + contacts_attempted + claims_opened + reviews_count > 0`,
  );
  const reader = await connection.runAndReadAll(
    `SELECT count(*) FROM next_brand_day
     WHERE orders_placed + inquiries_opened + contacts_attempted + claims_opened + reviews_count > 0`,
  );
  const rows = Number(reader.getRows()[0]![0]);
  await connection.run('DROP TABLE next_brand_day');
  return rows;
}
