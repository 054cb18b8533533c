import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { refresh } from '../../metrics/refresh.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { ingestFile } from '../../pipelines/sources/file-ingest.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from '../helpers/event-files.ts';
import { HOSTILE_FILES } from './hostile/files.ts';

/**
 * Every hostile file of the corpus through the real file ingest into a real DuckDB file, then a refresh: nothing
 * throws, every bad row is in quarantine with a field and reason, every good row is stored (exact counts).
 */
const calendar = new BusinessCalendar(parseConfig({}).calendar);
const NOW = new Date('2024-03-20T03:00:00Z');

describe('the hostile file corpus', () => {
  const handled: string[] = [];
  for (const hostile of HOSTILE_FILES) {
    it(`${hostile.name}: ${hostile.what}`, async () => {
      const dir = tempDir('brandscore-hostile-');
      const warehouse = await Warehouse.open(join(dir, 'hostile.duckdb'));
      try {
        const path = await hostile.write(dir);
        const result = await ingestFile(warehouse, path, { sourceTimeZone: 'Asia/Seoul' });
        const { expected } = hostile;
        expect(result, result.error).toMatchObject({
          outcome: expected.outcome,
          accepted: expected.accepted,
          duplicate: expected.duplicate,
          rejected: expected.rejected,
        });
        if (expected.error) expect(result.error).toMatch(expected.error);

        // Stored exactly what was accepted; quarantined exactly what was rejected, each with a reason.
        const stream = result.stream ?? 'orders';
        const table = stream === 'brands' ? 'brands' : `raw_${stream}`;
        const stored = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
        expect(Number(stored!.n)).toBe(expected.accepted);
        const quarantined = await warehouse.all<{ field: string | null; reason: string }>(`SELECT field, reason FROM quarantine ORDER BY line`);
        expect(quarantined).toHaveLength(expected.rejected);
        for (const row of quarantined) {
          const shown = row.field ? `${row.field}: ${row.reason}` : row.reason;
          expect(expected.reasons?.some((pattern) => pattern.test(shown)), shown).toBe(true);
        }
        const recorded = await warehouse.one<{ outcome: string; error: string | null }>(`SELECT outcome, error FROM ingested_files`);
        expect(recorded!.outcome).toBe(expected.outcome);
        if (expected.outcome === 'failed') expect(recorded!.error).toBeTruthy();
        if (hostile.check) expect(await warehouse.all(hostile.check.sql)).toEqual(hostile.check.rows);

        // Whatever got in, the refresh after it must still work.
        await refresh(warehouse, { now: NOW, calendar });
        handled.push(`${hostile.name}: ${result.outcome}, ${result.accepted} accepted, ${result.duplicate} duplicate, ${result.rejected} quarantined${result.error ? ` (${result.error.split("\n")[0]!.slice(0, 160)})` : ""}`);
      } finally {
        warehouse.close();
      }
    });
  }
  it('reports how many hostile files were tried', () => {
    console.log(`[reliability] hostile files tried: ${HOSTILE_FILES.length}, handled as expected: ${handled.length}\n  ${handled.join('\n  ')}`);
  });
});
