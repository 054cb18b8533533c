import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_STREAMS } from '../../pipelines/contracts/index.ts';
import { generateMarketplace } from '../../pipelines/simulator/generate.ts';
import { ingestFiles } from '../../pipelines/sources/file-ingest.ts';
import { summariseIngest } from '../../pipelines/sources/inbox.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from '../helpers/event-files.ts';

describe('simulator output through the ingest pipeline', () => {
  for (const format of ['parquet', 'csv'] as const) {
    it(`puts every dirty row in quarantine and every clean row in the raw tables (${format})`, async () => {
      const out = join(tempDir(), 'gen');
      const generated = await generateMarketplace({ out, days: 40, brands: 15, seed: 7, dirty: 0.02, format, baseDailyOrders: 120 });
      const truth = JSON.parse(readFileSync(generated.groundTruthPath, 'utf8'));
      const warehouse = await Warehouse.open(':memory:');
      const results = await ingestFiles(
        warehouse,
        generated.files.filter((f) => f.stream !== 'ground_truth').map((f) => f.path),
        { sourceTimeZone: 'Asia/Seoul' },
      );
      const summary = summariseIngest(results);
      expect(summary.failedFiles).toBe(0);
      expect(truth.dirty.total).toBeGreaterThan(0);
      // Every injected bad row is refused, and nothing else is.
      expect(summary.rejected).toBe(truth.dirty.total);
      expect(summary.duplicate).toBe(0);
      const written = generated.files.filter((f) => f.stream !== 'ground_truth').reduce((sum, f) => sum + f.rows, 0);
      expect(summary.accepted + summary.rejected).toBe(written);
      const quarantined = await warehouse.all<{ field: string; n: number }>(
        `SELECT field, count(*) AS n FROM quarantine GROUP BY field ORDER BY field`,
      );
      expect(quarantined.reduce((sum, row) => sum + row.n, 0)).toBe(truth.dirty.total);
      expect(quarantined.map((row) => row.field)).toEqual(expect.arrayContaining(['event_id', 'occurred_at']));
      for (const stream of EVENT_STREAMS) {
        const stored = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM raw_${stream}`);
        expect(stored!.n, stream).toBeGreaterThan(0);
      }
      warehouse.close();
    });
  }
});
