import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import { addDays } from '../metrics/calendar/zoned-time.ts';
import { resolveWindow } from '../metrics/scorecards/scorecards.ts';
import { Warehouse } from '../pipelines/warehouse/database.ts';
import { brandscoreFigures, differences, exportCsv, javascriptPass, postgresPass, totals } from './baselines.ts';
import { commandLine, fmt, log, machineLine, readResults, recordResults, table, writeSection } from './report.ts';

/**
 * Baselines a user might pick instead of brandscore, on the same events: the late-dispatch and SLA figures of
 * the last 28 days (per brand: numerator and denominator of late_dispatch_rate and sla_rate, DESIGN §5)
 * computed (1) by a plain JavaScript pass over CSV files (bench/baseline-js.ts) and (2) by PostgreSQL from
 * Debian's packages with the equivalent SQL (bench/baseline-postgres.sql) on a throwaway cluster, each checked
 * brand by brand against brandscore's own figures and timed beside brandscore's. The pieces are in
 * bench/baselines.ts.
 *
 * `node bin/run-ts.js bench/baseline.ts --data DIR --db FILE --to DATE [--days 28]`: DIR holds the Parquet
 * folders bench/pipeline.ts --keep-history leaves (history/, last-day/), FILE the database it built from them.
 */
const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    db: { type: 'string' },
    to: { type: 'string' },
    days: { type: 'string', default: '28' },
    'dry-run': { type: 'boolean', default: false },
  },
});
if (!values.data || !values.db || !values.to) throw new Error('usage: baseline.ts --data DIR --db FILE --to DATE [--days 28]');
const work = mkdtempSync(join(tmpdir(), 'brandscore-bench-baseline-'));
const csv = join(work, 'csv');
mkdirSync(csv);
try {
  const calendar = BusinessCalendar.fromSettings();
  const now = new Date();
  const dates = { from: addDays(values.to, -Number(values.days)), to: values.to };
  const window = resolveWindow(calendar, dates, now);
  log(`baseline window ${window.from} to ${window.to} (exclusive), as of ${window.as_of}`);
  log('exporting the same events as CSV for the baselines (not timed)');
  const exportStarted = performance.now();
  const exported = await exportCsv(['history', 'last-day'].map((part) => join(values.data!, part)), csv);
  log(`  ${fmt(exported.events)} order, shipment and inquiry events, ${fmt(exported.mib)} MiB of CSV, ${fmt((performance.now() - exportStarted) / 1000, 1)} s`);

  log('brandscore: the window from its refreshed facts');
  const warehouse = await Warehouse.open(values.db);
  const ours = await brandscoreFigures(warehouse, dates, now, calendar).finally(() => warehouse.close());
  log(`  ${ours.seconds.toFixed(2)} s, ${Object.keys(ours.byBrand).length} brands`);
  log('plain JavaScript pass over the CSV files');
  const js = javascriptPass(csv, window);
  const jsDiff = differences(ours.byBrand, js.byBrand);
  log(`  ${js.seconds.toFixed(1)} s, peak ${js.peakMiB.toFixed(0)} MiB, ${jsDiff.length} brands differ`);
  for (const brand of jsDiff.slice(0, 3)) log(`    ${brand}: brandscore ${JSON.stringify(ours.byBrand[brand])}, JavaScript ${JSON.stringify(js.byBrand[brand])}`);
  log('PostgreSQL');
  const pg = postgresPass(csv, calendar, window);
  const pgDiff = 'skipped' in pg ? [] : differences(ours.byBrand, pg.byBrand);
  if ('skipped' in pg) log(`  ${pg.skipped}`);
  else log(`  ${pgDiff.length} brands differ`);
  for (const brand of pgDiff.slice(0, 3)) log(`    ${brand}: brandscore ${JSON.stringify(ours.byBrand[brand])}, PostgreSQL ${JSON.stringify('skipped' in pg ? {} : pg.byBrand[brand])}`);

  const pipeline = process.env.BENCH_RESULTS ? readResults<{ ingest_seconds: number; full_refresh_seconds: number }>(process.env.BENCH_RESULTS, 'pipeline') : undefined;
  const endToEnd = pipeline ? pipeline.ingest_seconds + pipeline.full_refresh_seconds : undefined;
  const total = totals(ours.byBrand);
  const match = (diff: string[]) =>
    diff.length === 0 ? `identical for all ${fmt(Object.keys(ours.byBrand).length)} brands` : `**differs for ${fmt(diff.length)} brands** (e.g. ${diff.slice(0, 3).join(', ')})`;
  const ratio = (theirs: number, mine: number | undefined) => (mine === undefined ? '' : `${fmt(theirs / mine, 2)} ×`);
  const rows: string[][] = [
    ['brandscore: ingest of the Parquet history + full refresh (bench pipeline)', endToEnd === undefined ? 'not measured in this run' : `${fmt(endToEnd, 1)} s`, '', '1 ×', '', 'every metric of every window, for every brand'],
    ['brandscore: this window from its refreshed facts (`computeScorecards`)', `${fmt(ours.seconds, 2)} s`, '', '', '1 ×', 'the reference figures'],
    ['plain JavaScript pass over the CSV files (one process)', `${fmt(js.seconds, 1)} s`, `${fmt(js.peakMiB)} MiB`, ratio(js.seconds, endToEnd), ratio(js.seconds, ours.seconds), match(jsDiff)],
  ];
  if ('skipped' in pg) rows.push(['PostgreSQL', pg.skipped, '', '', '', '']);
  else {
    rows.push([`PostgreSQL ${pg.version}: COPY of the CSV files + ANALYZE`, `${fmt(pg.loadSeconds, 1)} s`, '', '', '', '']);
    rows.push([`PostgreSQL ${pg.version}: the equivalent SQL (bench/baseline-postgres.sql)`, `${fmt(pg.querySeconds, 1)} s`, '', '', ratio(pg.querySeconds, ours.seconds), match(pgDiff)]);
    rows.push([`PostgreSQL ${pg.version}: load + query`, `${fmt(pg.loadSeconds + pg.querySeconds, 1)} s`, '', ratio(pg.loadSeconds + pg.querySeconds, endToEnd), '', '']);
  }
  const markdown = `## Baselines: the same figures without brandscore

Command: \`${commandLine(`node bin/run-ts.js bench/baseline.ts --data DIR --db FILE --to ${values.to}`)}\` · ${machineLine()}

The late-dispatch and SLA figures of the window ${window.from} to ${window.to} (exclusive, judged at ${window.as_of}):
per brand, numerator and denominator of \`late_dispatch_rate\` and \`sla_rate\` (DESIGN §5), computed from the same
${fmt(exported.events)} order, shipment and inquiry events (all of the pipeline benchmark's data, history and last
day; ${fmt(exported.mib)} MiB as CSV, exported untimed) by brandscore and by two baselines, and compared brand by
brand. Totals: late dispatch ${fmt(total.late_dispatch_numerator)} / ${fmt(total.late_dispatch_denominator)}, SLA
${fmt(total.sla_numerator)} / ${fmt(total.sla_denominator)}.

- Plain JavaScript: \`bench/baseline-js.ts\` streams the CSV files with \`node:readline\` (orders twice, since a
  payment may come before its placement; shipments and inquiries once each), keeps the window's orders and
  inquiries in Maps, and takes deadlines from brandscore's \`BusinessCalendar\`. Wall time of its own process,
  including Node start-up.
- PostgreSQL: a throwaway cluster of Debian's package in a temp folder (fsync off), \`COPY\` of the same CSV
  files into tables typed as the contract, the calendar loaded as two small tables, then
  \`bench/baseline-postgres.sql\`.
- Two ratios, a baseline's time over brandscore's (below 1 × the baseline is faster): from the same events to
  these figures (brandscore's Parquet ingest + full refresh, which also computes every other metric and
  window), and answering this window once the data is loaded (brandscore from its refreshed facts, PostgreSQL's
  query on its loaded tables; the JavaScript pass has no loaded state, so it is its whole run).

${table(['who', 'seconds', 'peak memory', 'time / brandscore from events', 'time / brandscore from its facts', 'figures'], rows)}
`;
  recordResults('baseline', {
    window,
    brandscore_window_seconds: ours.seconds,
    brandscore_end_to_end_seconds: endToEnd ?? null,
    javascript: { seconds: js.seconds, peak_mib: js.peakMiB, differing_brands: jsDiff.length },
    postgres: 'skipped' in pg ? { skipped: pg.skipped } : { version: pg.version, load_seconds: pg.loadSeconds, query_seconds: pg.querySeconds, differing_brands: pgDiff.length },
  });
  if (!values['dry-run']) writeSection('baseline', markdown);
  console.log(markdown);
} finally {
  rmSync(work, { recursive: true, force: true });
}
