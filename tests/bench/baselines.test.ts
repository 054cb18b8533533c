import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brandscoreFigures, differences, exportCsv, javascriptPass, postgresBin, postgresPass, totals } from '../../bench/baselines.ts';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { refresh } from '../../metrics/refresh.ts';
import { resolveWindow } from '../../metrics/scorecards/scorecards.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { generateMarketplace } from '../../pipelines/simulator/generate.ts';
import { ingestFiles } from '../../pipelines/sources/file-ingest.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from '../helpers/event-files.ts';

/**
 * The benchmark's baselines must compute the same figures as brandscore, or their times compare nothing: on a
 * small simulated marketplace (late events, payments, cancellations, platform answers and all), the plain
 * JavaScript pass and PostgreSQL's SQL give every brand's late-dispatch and SLA numerator and denominator exactly
 * as brandscore's scorecards do.
 */
describe('benchmark baselines', () => {
  it('compute the same late-dispatch and SLA figures as brandscore, brand by brand', async () => {
    process.env.BENCH_QUIET = '1';
    const dir = tempDir();
    const out = join(dir, 'gen');
    await generateMarketplace({ out, start: '2024-09-01', days: 60, brands: 20, seed: 5, baseDailyOrders: 120 });
    const warehouse = await Warehouse.open(':memory:');
    await ingestFiles(warehouse, [out], { sourceTimeZone: 'Asia/Seoul' });
    const calendar = new BusinessCalendar(parseConfig({}).calendar);
    const now = new Date('2024-11-05T00:00:00+09:00');
    await refresh(warehouse, { now, calendar });
    // The last 28 days of the period (it ends 2024-10-30), judged at local midnight of 2024-10-31.
    const dates = { from: '2024-10-03', to: '2024-10-31' };
    const window = resolveWindow(calendar, dates, now);
    expect(window.as_of).toBe('2024-10-30T15:00:00.000Z');
    const ours = await brandscoreFigures(warehouse, dates, now, calendar);
    warehouse.close();

    const total = totals(ours.byBrand);
    // Not a vacuous match: there are late dispatches and missed answers to find.
    expect(total.late_dispatch_denominator).toBeGreaterThan(1000);
    expect(total.late_dispatch_numerator).toBeGreaterThan(0);
    expect(total.sla_denominator).toBeGreaterThan(100);
    expect(total.sla_numerator).toBeLessThan(total.sla_denominator);

    const csv = join(dir, 'csv');
    mkdirSync(csv);
    const exported = await exportCsv([out], csv);
    expect(exported.events).toBeGreaterThan(10_000);

    const js = javascriptPass(csv, window);
    expect(differences(ours.byBrand, js.byBrand)).toEqual([]);

    if (postgresBin()) {
      const pg = postgresPass(csv, calendar, window);
      if ('skipped' in pg) throw new Error(pg.skipped);
      expect(differences(ours.byBrand, pg.byBrand)).toEqual([]);
    }
  });
});
