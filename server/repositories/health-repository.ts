import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';

/** The newest migration applied: the database answers and has the schema this code expects. */
export async function schemaVersion(warehouse: Warehouse, connection?: DuckDBConnection): Promise<number> {
  const row = await warehouse.one<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations', undefined, connection);
  return row?.version ?? 0;
}
