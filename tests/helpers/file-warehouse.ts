import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from './event-files.ts';

/**
 * A warehouse file in a fresh temp folder for every test of the calling file: opened before each test and handed
 * to `use` (which keeps it in the file's own variables), closed after it.
 */
export function openWarehousePerTest(use: (opened: { dir: string; warehouse: Warehouse }) => void): void {
  let warehouse: Warehouse | undefined;
  beforeEach(async () => {
    const dir = tempDir();
    warehouse = await Warehouse.open(join(dir, 'test.duckdb'));
    use({ dir, warehouse });
  });
  afterEach(() => warehouse?.close());
}
