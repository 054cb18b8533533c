import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EVENT_STREAMS } from '../pipelines/contracts/index.ts';
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
const cli = resolve('bin/brandscore.js');
const db = join(work, 'bench.duckdb');

interface Phase {
  seconds: number;
  peakMiB: number;
  stdout: string;
}

function runCli(args: string[]): Phase {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'PEAK_KB=%M', process.execPath, cli, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`brandscore ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  const peak = Number(/PEAK_KB=(\d+)/.exec(result.stderr)?.[1] ?? 0);
  return { seconds, peakMiB: peak / 1024, stdout: result.stdout };
}

/** Splits the generated files into the history (before the last day, local time) and the last day. */
async function splitLastDay(generated: string, history: string, lastDay: string): Promise<{ day: string; history: number; day_events: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'Asia/Seoul'`);
  const lastRow = (await connection.runAndReadAll(
    `SELECT CAST(max(CAST(occurred_at AS TIMESTAMPTZ)) AS DATE)::VARCHAR AS day FROM read_parquet('${generated}/orders/*.parquet')`,
  )).getRowObjectsJS()[0]!;
  const day = String(lastRow.day);
  let historyEvents = 0;
  let dayEvents = 0;
  for (const stream of [...EVENT_STREAMS, 'brands']) {
    const files = readdirSync(join(generated, stream)).filter((f) => f.endsWith('.parquet') || f.endsWith('.csv'));
    if (files.length === 0) continue;
    mkdirSync(join(history, stream), { recursive: true });
    if (stream === 'brands') {
      for (const file of files) spawnSync('cp', [join(generated, stream, file), join(history, stream, file)]);
      continue;
    }
    mkdirSync(join(lastDay, stream), { recursive: true });
    const source = `read_parquet('${generated}/${stream}/*.parquet')`;
    const isLast = `CAST(CAST(occurred_at AS TIMESTAMPTZ) AS DATE) >= DATE '${day}'`;
    await connection.run(`COPY (SELECT * FROM ${source} WHERE NOT (${isLast})) TO '${history}/${stream}/${stream}.parquet' (FORMAT parquet)`);
    await connection.run(`COPY (SELECT * FROM ${source} WHERE ${isLast}) TO '${lastDay}/${stream}/${stream}.parquet' (FORMAT parquet)`);
    const counts = (await connection.runAndReadAll(
      `SELECT count(*) FILTER (WHERE NOT (${isLast})) AS h, count(*) FILTER (WHERE ${isLast}) AS d FROM ${source}`,
    )).getRowObjectsJS()[0]!;
    historyEvents += Number(counts.h);
    dayEvents += Number(counts.d);
  }
  connection.closeSync();
  instance.closeSync();
  return { day, history: historyEvents, day_events: dayEvents };
}

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

const tookSeconds = (out: string) => Number(/took ([\d.]+) s/.exec(out)?.[1] ?? NaN);
const rows = [
  ['generate', `${fmt(orders)} orders`, fmt(generate.seconds, 1), fmt(generate.peakMiB), 'under 3 min (issue 3)'],
  ['ingest history', `${fmt(split.history)} events`, fmt(ingestHistory.seconds, 1), fmt(ingestHistory.peakMiB), `${fmt(split.history / ingestHistory.seconds)} events/s`],
  ['full refresh', 'all history', `${fmt(fullRefresh.seconds, 1)} (in refresh ${fmt(tookSeconds(fullRefresh.stdout), 1)})`, fmt(fullRefresh.peakMiB), '≤ 60 s (issue 11)'],
  ['ingest last day', `${fmt(split.day_events)} events of ${split.day}`, fmt(ingestDay.seconds, 1), fmt(ingestDay.peakMiB), ''],
  ['incremental refresh', 'the last day', `${fmt(incremental.seconds, 1)} (in refresh ${fmt(tookSeconds(incremental.stdout), 1)})`, fmt(incremental.peakMiB), '≤ 2 s (issue 11)'],
  ['refresh, nothing new', '', `${fmt(noop.seconds, 1)} (in refresh ${fmt(tookSeconds(noop.stdout), 1)})`, fmt(noop.peakMiB), ''],
];
const ratio = tookSeconds(incremental.stdout) / tookSeconds(fullRefresh.stdout);
/** The refresh's own profile: the `phases (s): calendar 0.10, facts 1.20, …` line of `brandscore refresh`. */
const phasesOf = (out: string): Record<string, number> =>
  Object.fromEntries(
    (/phases \(s\): (.*)/.exec(out)?.[1] ?? '')
      .split(', ')
      .filter(Boolean)
      .map((entry) => {
        const [phase, seconds] = entry.split(' ');
        return [phase!, Number(seconds)];
      }),
  );
const fullPhases = phasesOf(fullRefresh.stdout);
const incrementalPhases = phasesOf(incremental.stdout);
const PHASE_NOTES: Record<string, string> = {
  calendar: 'business calendar table, reinstalled only when its settings or date range change',
  facts: 'fact rows of the entities the new events touch, merged with their stored rows',
  rollups: 'brand_day rows of the touched (brand, day) pairs, by difference',
  scorecards: 'the standard 7/28/90-day windows and their previous windows for every brand, computed from the facts and stored in DuckDB (materialise.ts); previous windows reused when settled, current windows recomputed because the new day changes them for most brands',
  commit: 'DuckDB commit of the transaction (WAL and checkpoint)',
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
