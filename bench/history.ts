import { closeSync, copyFileSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addDays } from '../metrics/calendar/zoned-time.ts';
import { phasesOf, runCli, splitLastDay, tookSeconds } from './pipeline-steps.ts';
import { commandLine, fmt, log, machineLine, periodStartEndingYesterday, recordResults, table, writeSection } from './report.ts';

/**
 * Does the incremental refresh follow the new day or the history? One marketplace (the same brands, the same
 * daily volume, the same last day) over histories of different lengths. For each length D: generate D days
 * ending yesterday, ingest all but the last day, full refresh, ingest the last day, incremental refresh, each a
 * `brandscore` process. The new day is alike in every run while the history grows, so an incremental refresh
 * that read the history would grow with it. `npm run bench:history [-- --brands B --daily N --days 180,360,720]`.
 */
const { values } = parseArgs({
  options: {
    brands: { type: 'string', default: '5000' },
    /** Orders a day: each run generates daily × D orders. */
    daily: { type: 'string', default: '6000' },
    days: { type: 'string', default: '180,360,720' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const brands = Number(values.brands);
const daily = Number(values.daily);
const lengths = values.days.split(',').map(Number);
if (![brands, daily, ...lengths].every((n) => Number.isInteger(n) && n > 0) || lengths.length < 2) {
  throw new Error('--brands, --daily and each of --days (at least two, comma-separated) must be whole numbers above 0');
}
// No winter season inside any period: it would make the shorter histories busier per day than the longer ones.
const seasonStart = addDays(periodStartEndingYesterday(0), 3650);
const ROUNDS = 5;

/**
 * A copy written to disk before the refresh starts: otherwise the kernel writes the copy's dirty pages back while
 * the refresh runs, on the same two cores and disk, and a longer history's bigger file (0.9 GB after 720 days,
 * 0.25 GB after 180) slowed its refresh for the copy's sake. With this, five rounds of each length spread
 * 0.89–1.17 s (180 days) and 0.94–1.05 s (720); without, one 720-day round took 1.33 s.
 */
function copyToDisk(from: string, to: string): void {
  copyFileSync(from, to);
  const descriptor = openSync(to, 'r+');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

interface HistoryRun {
  days: number;
  orders: number;
  history_events: number;
  day_events: number;
  last_day: string;
  full_refresh_inner_seconds: number;
  /** The median of the incremental refreshes, and each one's time in round order. */
  incremental_refresh_inner_seconds: number;
  incremental_trials: number[];
  incremental_phases: Record<string, number>;
}

const work = mkdtempSync(join(tmpdir(), 'brandscore-bench-history-'));
const runs: HistoryRun[] = [];
try {
  // First every history, fully refreshed, with the new day ingested and not yet refreshed.
  const ready: { run: Omit<HistoryRun, 'incremental_refresh_inner_seconds' | 'incremental_trials' | 'incremental_phases'>; db: string }[] = [];
  for (const days of lengths) {
    const dir = join(work, String(days));
    const orders = daily * days;
    const generated = join(dir, 'generated');
    log(`${days} days: generating ${fmt(orders)} orders of ${fmt(brands)} brands`);
    runCli(['generate', '--out', generated, '--days', String(days), '--orders', String(orders), '--brands', String(brands),
      '--start', periodStartEndingYesterday(days), '--season', seasonStart]);
    const split = await splitLastDay(generated, join(dir, 'history'), join(dir, 'last-day'));
    rmSync(generated, { recursive: true, force: true });
    const db = join(dir, 'ready.duckdb');
    log(`  ingesting ${fmt(split.history)} events, full refresh`);
    runCli(['ingest', join(dir, 'history'), '--db', db]);
    const fullSeconds = tookSeconds(runCli(['refresh', '--db', db]).stdout);
    log(`  full refresh ${fmt(fullSeconds, 2)} s; ingesting the last day ${split.day} (${fmt(split.day_events)} events)`);
    runCli(['ingest', join(dir, 'last-day'), '--db', db]);
    for (const part of ['history', 'last-day']) rmSync(join(dir, part), { recursive: true, force: true });
    ready.push({
      run: { days, orders, history_events: split.history, day_events: split.day_events, last_day: split.day, full_refresh_inner_seconds: fullSeconds },
      db,
    });
  }
  // Then the same new day's refresh on a copy of each, round after round: the machine's speed drifts over minutes,
  // and the rounds spread that drift over every length alike.
  const trials = ready.map(() => [] as { seconds: number; phases: Record<string, number> }[]);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [index, { run, db }] of ready.entries()) {
      const trial = join(work, 'trial.duckdb');
      // Closed databases are checkpointed, but a left-over write-ahead log belongs with its file.
      for (const [from, to] of [[db, trial], [`${db}.wal`, `${trial}.wal`]] as const) {
        if (existsSync(from)) copyToDisk(from, to);
      }
      const { stdout } = runCli(['refresh', '--db', trial]);
      rmSync(trial, { force: true });
      rmSync(`${trial}.wal`, { force: true });
      const seconds = tookSeconds(stdout);
      trials[index]!.push({ seconds, phases: phasesOf(stdout) });
      log(`  round ${round}: ${run.days} days, incremental refresh ${fmt(seconds, 2)} s`);
    }
  }
  for (const [index, { run }] of ready.entries()) {
    const sorted = [...trials[index]!].sort((a, b) => a.seconds - b.seconds);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    runs.push({
      ...run,
      incremental_refresh_inner_seconds: median.seconds,
      incremental_trials: trials[index]!.map((trial) => trial.seconds),
      incremental_phases: median.phases,
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const shortest = runs[0]!;
const longest = runs.at(-1)!;
const growth = longest.incremental_refresh_inner_seconds / shortest.incremental_refresh_inner_seconds;
const phase = (run: HistoryRun, name: string) => fmt(run.incremental_phases[name] ?? NaN, 2);
const rows = runs.map((run) => [
  `${run.days} days`,
  fmt(run.history_events),
  fmt(run.full_refresh_inner_seconds, 1),
  fmt(run.day_events),
  fmt(run.incremental_refresh_inner_seconds, 2),
  run.incremental_trials.map((seconds) => fmt(seconds, 2)).join(', '),
  phase(run, 'facts'),
  phase(run, 'rollups'),
  phase(run, 'scorecards'),
  phase(run, 'commit'),
  `${fmt((run.incremental_refresh_inner_seconds / run.full_refresh_inner_seconds) * 100, 1)} %`,
]);
const markdown = `## Incremental refresh against the length of the history

Command: \`${commandLine(`npm run bench:history -- --brands ${brands} --daily ${daily} --days ${lengths.join(',')}`)}\` · ${machineLine()}

The same marketplace of ${fmt(brands)} brands and ${fmt(daily)} orders a day, generated over histories of
${lengths.join(', ')} days that all end on the same last day (no winter season in any of them, so every day is
alike). For each: the history is ingested and fully refreshed, then the last day is ingested. The incremental
refresh of that day is then timed ${ROUNDS} times on fresh copies of each database (each copy written to disk before
its refresh starts), in rounds over the lengths, so that the machine's drift falls on all of them alike: the median
is shown with every round. Seconds are the
refresh's own timing (\`took\`); facts to commit are the median run's own phases.

${table(['history', 'events in history', 'full refresh s', "new day's events", 'incremental refresh s (median)', 'each round', 'facts', 'rollups', 'scorecards', 'commit', 'incremental / full'], rows)}

From ${shortest.days} to ${longest.days} days of history (${fmt(longest.history_events / shortest.history_events, 1)} × the events) the full
refresh took ${fmt(longest.full_refresh_inner_seconds / shortest.full_refresh_inner_seconds, 1)} × as long and the incremental refresh of the same new day
${fmt(growth, 2)} × as long.
`;
recordResults('history', { brands, daily, runs, incremental_growth: growth, history_growth: longest.history_events / shortest.history_events });
if (!values['dry-run']) writeSection('history', markdown);
console.log(markdown);
