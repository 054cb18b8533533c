import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import type { BrandSummary } from '../schemas/brands.ts';

/**
 * Brands as the API lists them: every brand in the reference data, plus every brand that has facts but no
 * reference row yet (status 'unknown'). `only` restricts the list to one brand (a brand token's own).
 */
export async function listBrands(
  warehouse: Warehouse,
  options: { only: string | null; connection?: DuckDBConnection },
): Promise<BrandSummary[]> {
  // brand_day has a row for every brand-day with an entity, so it names every brand seen in events, cheaply.
  return warehouse.all<BrandSummary>(
    `SELECT brand_id, b.name, coalesce(b.status, 'unknown') AS status, b.onboarded_at, b.dispatch_days, b.cs_phone,
            b.cs_email, b.return_address, b.category
     FROM brands b FULL OUTER JOIN (SELECT DISTINCT brand_id FROM brand_day) seen USING (brand_id)
     WHERE CAST($only AS VARCHAR) IS NULL OR brand_id = $only
     ORDER BY brand_id`,
    { only: options.only },
    options.connection,
  );
}
