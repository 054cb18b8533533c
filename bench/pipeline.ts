import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { phasesOf, runCli, splitLastDay, tookSeconds } from './pipeline-steps.ts';
import { commandLine, fmt, log, machineLine, periodStartEndingYesterday, recordResults, table, writeSection } from './report.ts';

/**
 * The pipeline at scale, each phase a real CLI process measured with /usr/bin/time (wall time and peak RSS):
 * generate N orders, ingest all but the last day, full refresh, then ingest the last day and refresh again.
 * The incremental refresh must cost in proportion to the new day, not to the history.
 * `npm run bench:pipeline [-- --orders N]`, default 10,000,000.
 */
const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '10000000' },
    'dry-run': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    /** Leave the finished database here (for bench:api). */
    'keep-db': { type: 'string' },
    /** Leave the Parquet history and last day here, as history/ and last-day/ (for bench/baseline.ts). */
    'keep-history': { type: 'string' },
  },
});
const orders = Number(values.orders);
const work = mkdtempSync(join(tmpdir(), 'brandscore-bench-pipeline-'));
const db = join(work, 'bench.duckdb');

const generated = join(work, 'generated');
log(`generating ${fmt(orders)} orders into ${generated}`);
const generate = runCli(['generate', '--out', generated, '--orders', String(orders), '--start', periodStartEndingYesterday()]);
log(`  ${generate.seconds.toFixed(1)} s, peak ${generate.peakMiB.toFixed(0)} MiB`);

const history = join(work, 'history');
const lastDay = join(work, 'last-day');
log('splitting off the last day');
const split = await splitLastDay(generated, history, lastDay);
rmSync(generated, { recursive: true, force: true });

log(`ingesting the history (${fmt(split.history)} events)`);
const ingestHistory = runCli(['ingest', history, '--db', db]);
log(`  ${ingestHistory.seconds.toFixed(1)} s, peak ${ingestHistory.peakMiB.toFixed(0)} MiB`);
log('full refresh');
const fullRefresh = runCli(['refresh', '--db', db]);
log(`  ${fullRefresh.seconds.toFixed(1)} s, peak ${fullRefresh.peakMiB.toFixed(0)} MiB`);
log(`ingesting the last day ${split.day} (${fmt(split.day_events)} events)`);
const ingestDay = runCli(['ingest', lastDay, '--db', db]);
log('incremental refresh');
const incremental = runCli(['refresh', '--db', db]);
log(`  ${incremental.seconds.toFixed(1)} s, peak ${incremental.peakMiB.toFixed(0)} MiB`);
const noop = runCli(['refresh', '--db', db]);
if (values['keep-db']) renameSync(db, values['keep-db']);
if (values['keep-history']) {
  mkdirSync(values['keep-history'], { recursive: true });
  for (const part of ['history', 'last-day']) renameSync(join(work, part), join(values['keep-history'], part));
}
if (!values.keep) rmSync(work, { recursive: true, force: true });

const rows = [
  ['generate', `${fmt(orders)} orders`, fmt(generate.seconds, 1), fmt(generate.peakMiB), 'under 3 min (issue 3)'],
  ['ingest history', `${fmt(split.history)} events`, fmt(ingestHistory.seconds, 1), fmt(ingestHistory.peakMiB), `${fmt(split.history / ingestHistory.seconds)} events/s`],
  ['full refresh', 'all history', `${fmt(fullRefresh.seconds, 1)} (in refresh ${fmt(tookSeconds(fullRefresh.stdout), 1)})`, fmt(fullRefresh.peakMiB), '≤ 60 s (issue 11)'],
  ['ingest last day', `${fmt(split.day_events)} events of ${split.day}`, fmt(ingestDay.seconds, 1), fmt(ingestDay.peakMiB), ''],
  ['incremental refresh', 'the last day', `${fmt(incremental.seconds, 1)} (in refresh ${fmt(tookSeconds(incremental.stdout), 1)})`, fmt(incremental.peakMiB), '≤ 2 s (issue 11)'],
  ['refresh, nothing new', '', `${fmt(noop.seconds, 1)} (in refresh ${fmt(tookSeconds(noop.stdout), 1)})`, fmt(noop.peakMiB), ''],
];
const ratio = tookSeconds(incremental.stdout) / tookSeconds(fullRefresh.stdout);
const fullPhases = phasesOf(fullRefresh.stdout);
const incrementalPhases = phasesOf(incremental.stdout);
const PHASE_NOTES: Record<string, string> = {
  calendar: 'business calendar table, reinstalled only when its settings or date range change',
  facts: 'fact rows of the entities the new events touch, merged with their stored rows (found within the touched keys\' range)',
  rollups: 'brand_day rows of the touched (brand, day) pairs, by difference',
  scorecards: 'the standard 7/28/90-day windows and their previous windows for every brand, computed from the facts and stored in DuckDB (materialise.ts); previous windows reused when settled, current windows recomputed because the new day changes them for most brands',
  commit: 'DuckDB commits of the two transactions, facts and rollups then scorecards (WAL and checkpoint)',
};
const profileRows = Object.keys(PHASE_NOTES).map((phase) => [
  phase,
  fmt(fullPhases[phase] ?? NaN, 2),
  fmt(incrementalPhases[phase] ?? NaN, 2),
  PHASE_NOTES[phase]!,
]);
const markdown = `## Pipeline at scale: generate, ingest, full and incremental refresh

Command: \`${commandLine(`npm run bench:pipeline -- --orders ${orders}`)}\` · ${machineLine()}

Each phase is a separate \`brandscore\` process timed with \`/usr/bin/time\` (wall seconds include Node and tsx
start-up, about 1 s; "in refresh" is the refresh's own timing). The last local day of the generated period is
split off and ingested after the full refresh, so the incremental refresh folds one new day (new orders, and
answers, dispatches and claims for older entities) into the history.

${table(['phase', 'input', 'seconds', 'peak RSS MiB', 'note'], rows)}

Incremental / full refresh time: ${fmt(ratio * 100, 1)} % for ${fmt((split.day_events / split.history) * 100, 2)} % of the events.

Where the refresh time goes (the refresh's own phase timings, seconds):

${table(['phase', 'full refresh', 'incremental refresh', 'what it does'], profileRows)}
`;
recordResults('pipeline', {
  orders,
  last_day: split.day,
  generate_seconds: generate.seconds,
  history_events: split.history,
  ingest_seconds: ingestHistory.seconds,
  ingest_events_per_second: split.history / ingestHistory.seconds,
  full_refresh_seconds: fullRefresh.seconds,
  full_refresh_inner_seconds: tookSeconds(fullRefresh.stdout),
  day_events: split.day_events,
  incremental_refresh_seconds: incremental.seconds,
  incremental_refresh_inner_seconds: tookSeconds(incremental.stdout),
  full_refresh_phases: fullPhases,
  incremental_refresh_phases: incrementalPhases,
  peak_mib: { generate: generate.peakMiB, ingest: ingestHistory.peakMiB, full_refresh: fullRefresh.peakMiB, ingest_day: ingestDay.peakMiB, incremental_refresh: incremental.peakMiB, noop_refresh: noop.peakMiB },
});
if (!values['dry-run']) writeSection('pipeline', markdown);
console.log(markdown);
