import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BRAND_DAY_SQL = join(dirname(fileURLToPath(import.meta.url)), 'brand_day.sql');

/**
 * Rebuilds the brand_day rows of the (brand, day) pairs in `touched_brand_days` (left by rebuildFacts), on the
 * caller's transaction. Returns how many rows were written.
 */
export async function rebuildBrandDays(connection: DuckDBConnection): Promise<number> {
  await connection.run(
    `DELETE FROM brand_day b WHERE EXISTS (
       SELECT 1 FROM touched_brand_days t WHERE t.brand_id = b.brand_id AND t.day = b.day)`,
  );
  await connection.run(`CREATE OR REPLACE TEMP TABLE next_brand_day AS ${readFileSync(BRAND_DAY_SQL, 'utf8')}`);
  await connection.run('INSERT INTO brand_day BY NAME SELECT * FROM next_brand_day');
  const reader = await connection.runAndReadAll('SELECT count(*) FROM next_brand_day');
  const rows = Number(reader.getRows()[0]![0]);
  await connection.run('DROP TABLE next_brand_day');
  return rows;
}
