import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { refresh } from '../../metrics/refresh.ts';
import { computeScorecards } from '../../metrics/scorecards/scorecards.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { generateMarketplace } from '../../pipelines/simulator/generate.ts';
import { ingestFiles } from '../../pipelines/sources/file-ingest.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from '../helpers/event-files.ts';

type Archetype = string;
interface Pooled {
  numerator: number;
  denominator: number;
}

/**
 * The simulator hides an archetype behind every brand; the metrics must find it again. Rates are pooled per
 * archetype (sum of numerators / sum of denominators over its brands), so that big and small brands both count.
 */
describe('metrics recover the simulator archetypes', () => {
  it('ranks late shippers, unreachable brands and slow answerers where they belong', async () => {
    const out = join(tempDir(), 'gen');
    const generated = await generateMarketplace({ out, start: '2024-09-01', days: 120, brands: 70, seed: 11, baseDailyOrders: 400 });
    const truth = JSON.parse(readFileSync(generated.groundTruthPath, 'utf8')) as { brands: { brand_id: string; archetype: Archetype }[] };
    const archetypeOf = new Map(truth.brands.map((b) => [b.brand_id, b.archetype]));

    const warehouse = await Warehouse.open(':memory:');
    await ingestFiles(warehouse, [out], { sourceTimeZone: 'Asia/Seoul' });
    const calendar = new BusinessCalendar(parseConfig({}).calendar);
    const now = new Date('2024-12-30T00:00:00+09:00');
    await refresh(warehouse, { now, calendar });
    const { scorecards } = await computeScorecards(warehouse, { from: '2024-09-01', to: '2024-12-29' }, { now, calendar });

    const pooled = (key: 'late_dispatch_rate' | 'contact_failure_rate' | 'sla_rate') => {
      const byArchetype = new Map<Archetype, Pooled>();
      for (const card of scorecards) {
        const archetype = archetypeOf.get(card.brand_id);
        if (!archetype) continue;
        const metric = card.metrics[key] as { numerator: number; denominator: number };
        const sum = byArchetype.get(archetype) ?? { numerator: 0, denominator: 0 };
        sum.numerator += metric.numerator;
        sum.denominator += metric.denominator;
        byArchetype.set(archetype, sum);
      }
      return [...byArchetype.entries()]
        .filter(([, sum]) => sum.denominator > 0)
        .map(([archetype, sum]) => ({ archetype, rate: sum.numerator / sum.denominator, denominator: sum.denominator }))
        .sort((a, b) => b.rate - a.rate);
    };

    const late = pooled('late_dispatch_rate');
    const contactFailures = pooled('contact_failure_rate');
    const sla = pooled('sla_rate');
    // Printed so that a failure shows the whole ranking, not just the first mismatch.
    const report = JSON.stringify({ late, contactFailures, sla });
    expect(late[0]!.archetype, report).toBe('late_shipper');
    expect(contactFailures[0]!.archetype, report).toBe('unreachable');
    expect(sla.at(-1)!.archetype, report).toBe('slow_answerer');
    // And clearly so: the reliable brands sit far from each of them.
    const rateOf = (list: typeof late, archetype: string) => list.find((row) => row.archetype === archetype)!.rate;
    expect(rateOf(late, 'late_shipper'), report).toBeGreaterThan(3 * rateOf(late, 'reliable'));
    expect(rateOf(sla, 'slow_answerer'), report).toBeLessThan(rateOf(sla, 'reliable') - 0.3);
    warehouse.close();
  });
});
