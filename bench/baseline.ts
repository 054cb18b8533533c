import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import { addDays } from '../metrics/calendar/zoned-time.ts';
import { computeScorecards, resolveWindow } from '../metrics/scorecards/scorecards.ts';
import { Warehouse } from '../pipelines/warehouse/database.ts';
import { commandLine, fmt, machineLine, readResults, recordResults, table, writeSection } from './report.ts';

/**
 * Baselines a user might pick instead of brandscore, on the same events: the late-dispatch and SLA figures of
 * the last 28 days (per brand: numerator and denominator of late_dispatch_rate and sla_rate, DESIGN §5)
 * computed (1) by a plain JavaScript pass over CSV files (bench/baseline-js.ts) and (2) by PostgreSQL from
 * Debian's packages with the equivalent SQL (bench/baseline-postgres.sql) on a throwaway cluster, each checked
 * brand by brand against brandscore's own figures and timed beside brandscore's.
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
const log = (message: string) => process.stderr.write(`${message}\n`);
const work = mkdtempSync(join(tmpdir(), 'brandscore-bench-baseline-'));
const csv = join(work, 'csv');
mkdirSync(csv);
const STREAMS = ['orders', 'shipments', 'inquiries'] as const;

interface BrandFigures {
  late_dispatch_numerator: number;
  late_dispatch_denominator: number;
  sla_numerator: number;
  sla_denominator: number;
}
type ByBrand = Record<string, BrandFigures>;
const KEYS = ['late_dispatch_numerator', 'late_dispatch_denominator', 'sla_numerator', 'sla_denominator'] as const;

/** The same events as CSV (the form both baselines read), instants as ISO strings in UTC. Not timed. */
async function exportCsv(): Promise<{ events: number; mib: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  let events = 0;
  let bytes = 0;
  for (const stream of STREAMS) {
    const files = ['history', 'last-day']
      .map((part) => join(values.data!, part, stream))
      .filter((folder) => existsSync(folder))
      .flatMap((folder) => readdirSync(folder).filter((f) => f.endsWith('.parquet')).map((f) => `'${join(folder, f)}'`));
    const source = `read_parquet([${files.join(', ')}], union_by_name = true)`;
    const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjectsJS();
    const select = columns
      .map(({ column_name, column_type }) =>
        String(column_type).startsWith('TIMESTAMP')
          ? `strftime(${String(column_name)}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${String(column_name)}`
          : String(column_name),
      )
      .join(', ');
    await connection.run(`COPY (SELECT ${select} FROM ${source}) TO '${join(csv, `${stream}.csv`)}' (FORMAT csv, HEADER)`);
    events += Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM ${source}`)).getRowObjectsJS()[0]!.n);
    bytes += readFileSync(join(csv, `${stream}.csv`)).byteLength;
  }
  const brands = readdirSync(join(values.data!, 'history', 'brands')).find((f) => f.endsWith('.csv'));
  if (!brands) throw new Error('no brands CSV in the history');
  copyFileSync(join(values.data!, 'history', 'brands', brands), join(csv, 'brands.csv'));
  connection.closeSync();
  instance.closeSync();
  return { events, mib: bytes / 2 ** 20 };
}

/** brandscore's own figures of the window, from its warehouse (facts already refreshed), and the time taken. */
async function brandscoreFigures(dates: { from: string; to: string }, now: Date, calendar: BusinessCalendar) {
  const warehouse = await Warehouse.open(values.db!);
  try {
    const started = performance.now();
    const list = await computeScorecards(warehouse, dates, { now, calendar });
    const seconds = (performance.now() - started) / 1000;
    const byBrand: ByBrand = {};
    for (const card of list.scorecards) {
      const figures = {
        late_dispatch_numerator: card.metrics.late_dispatch_rate.numerator,
        late_dispatch_denominator: card.metrics.late_dispatch_rate.denominator,
        sla_numerator: card.metrics.sla_rate.numerator,
        sla_denominator: card.metrics.sla_rate.denominator,
      };
      if (KEYS.some((key) => figures[key] !== 0)) byBrand[card.brand_id] = figures;
    }
    return { seconds, byBrand, window: list.window };
  } finally {
    warehouse.close();
  }
}

/** Brands whose four figures differ between two results (brands absent from one count as all zeros). */
function differences(a: ByBrand, b: ByBrand): string[] {
  const zero: BrandFigures = { late_dispatch_numerator: 0, late_dispatch_denominator: 0, sla_numerator: 0, sla_denominator: 0 };
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((brand) =>
    KEYS.some((key) => (a[brand] ?? zero)[key] !== (b[brand] ?? zero)[key]),
  );
}

function totals(byBrand: ByBrand) {
  const sum = (key: (typeof KEYS)[number]) => Object.values(byBrand).reduce((s, f) => s + f[key], 0);
  return Object.fromEntries(KEYS.map((key) => [key, sum(key)])) as unknown as BrandFigures;
}

/** The plain JavaScript pass, in its own process under /usr/bin/time (wall seconds and peak memory). */
function javascriptPass(window: { from: string; to: string; as_of: string }) {
  const out = join(work, 'js.json');
  const started = performance.now();
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', 'PEAK_KB=%M', process.execPath, '--max-old-space-size=8192', 'bin/run-ts.js', 'bench/baseline-js.ts',
      '--files', csv, '--from', window.from, '--to', window.to, '--as-of', window.as_of, '--out', out],
    { encoding: 'utf8' },
  );
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`baseline-js failed: ${result.stderr.slice(-2000)}`);
  process.stderr.write(result.stderr.replace(/PEAK_KB=\d+\n?/, ''));
  const answer = JSON.parse(readFileSync(out, 'utf8')) as { seconds: number; brands: ByBrand };
  return { seconds, inner: answer.seconds, peakMiB: Number(/PEAK_KB=(\d+)/.exec(result.stderr)?.[1] ?? 0) / 1024, byBrand: answer.brands };
}

/** The PostgreSQL binaries of Debian's packages (newest version), or null when PostgreSQL is not installed. */
function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

type PostgresOutcome =
  | { skipped: string }
  | { version: string; loadSeconds: number; querySeconds: number; byBrand: ByBrand };

/**
 * A throwaway PostgreSQL cluster in a temp folder, tuned for a bulk load it may lose (fsync off), loaded with COPY from the same CSV files, then
 * the equivalent SQL. The cluster is stopped and deleted afterwards.
 */
function postgresPass(calendar: BusinessCalendar, window: { from: string; to: string; as_of: string }): PostgresOutcome {
  const bin = postgresBin();
  if (!bin) return { skipped: 'skipped: not installed (apt-get install postgresql)' };
  const root = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: as root, the cluster runs as the package's postgres user (or nobody).
  const user = spawnSync('id', ['-u', 'postgres']).status === 0 ? 'postgres' : 'nobody';
  const cluster = mkdtempSync(join(tmpdir(), 'brandscore-bench-pg-'));
  chmodSync(cluster, 0o755);
  for (const path of [work, csv, ...readdirSync(csv).map((f) => join(csv, f))]) chmodSync(path, 0o755);
  const asPostgres = (command: string, args: string[], input?: string) => {
    const [file, argv] = root ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
    const result = spawnSync(file, argv, { encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  if (root) spawnSync('chown', [user, cluster]);
  const data = join(cluster, 'data');
  asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const settings = [
    `-k ${cluster}`, "-c listen_addresses=''", '-c shared_buffers=2GB', '-c work_mem=512MB', '-c maintenance_work_mem=1GB',
    '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_wal_size=16GB', '-c max_parallel_workers_per_gather=2',
  ].join(' ');
  asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', join(cluster, 'log'), '-o', settings, '-w', 'start']);
  const psql = (sql: string, variables: Record<string, string> = {}) =>
    asPostgres(join(bin, 'psql'), [
      '-h', cluster, '-U', 'postgres', '-d', 'postgres', '-X', '-q', '-A', '-t', '-F', ',', '-v', 'ON_ERROR_STOP=1',
      ...Object.entries(variables).flatMap(([k, v]) => ['-v', `${k}=${v}`]),
    ], sql);
  try {
    const version = psql('SHOW server_version').trim();
    // The business calendar, as brandscore's BusinessCalendar computes it, over the window and a margin.
    const first = addDays(window.from, -7);
    const last = addDays(window.to, 60);
    const calRows: string[] = [];
    const businessRows: string[] = [];
    let ordinal = 0;
    const ordinals = new Map<string, number>();
    for (let day = first; day <= addDays(last, 30); day = addDays(day, 1)) {
      if (calendar.isBusinessDay(day)) {
        ordinals.set(day, ++ordinal);
        businessRows.push(`${ordinal},${new Date(calendar.calendarDayOf(day).close!).toISOString()}`);
      }
    }
    for (let day = first; day <= last; day = addDays(day, 1)) {
      const close = calendar.calendarDayOf(day).close;
      calRows.push(`${day},${close === null ? '' : new Date(close).toISOString()},${ordinals.get(day) ?? ''},${ordinals.get(calendar.nextBusinessDay(day))}`);
    }
    writeFileSync(join(csv, 'cal.csv'), `${calRows.join('\n')}\n`);
    writeFileSync(join(csv, 'business_days.csv'), `${businessRows.join('\n')}\n`);
    for (const f of ['cal.csv', 'business_days.csv']) chmodSync(join(csv, f), 0o644);

    const header = (file: string) => readFileSync(join(csv, file), 'utf8').split('\n', 1)[0]!.split(',');
    const typeOf = (column: string) =>
      /_at$/.test(column) ? 'timestamptz' : ['amount', 'quantity', 'dispatch_days', 'score'].includes(column) ? 'integer' : 'text';
    const ddl = [...STREAMS, 'brands']
      .map((table) => `CREATE TABLE ${table} (${header(`${table}.csv`).map((c) => `${c} ${typeOf(c)}`).join(', ')});`)
      .join('\n');
    const load = `SET TimeZone = 'UTC';
${ddl}
CREATE TABLE cal (day date PRIMARY KEY, close_at timestamptz, ordinal integer, next_ordinal integer);
CREATE TABLE business_days (ordinal integer PRIMARY KEY, close_at timestamptz);
${[...STREAMS, 'brands'].map((t) => `COPY ${t} FROM '${join(csv, `${t}.csv`)}' (FORMAT csv, HEADER true);`).join('\n')}
COPY cal FROM '${join(csv, 'cal.csv')}' (FORMAT csv);
COPY business_days FROM '${join(csv, 'business_days.csv')}' (FORMAT csv);
ANALYZE;`;
    log('  PostgreSQL: COPY of the CSV files');
    let started = performance.now();
    psql(load);
    const loadSeconds = (performance.now() - started) / 1000;
    log(`  PostgreSQL: load ${loadSeconds.toFixed(1)} s; the equivalent SQL`);
    const from = calendar.calendarDayOf(window.from).dayStart;
    const to = calendar.calendarDayOf(window.to).dayStart;
    started = performance.now();
    const out = psql(`SET TimeZone = 'UTC';\n${readFileSync(new URL('./baseline-postgres.sql', import.meta.url), 'utf8')}`, {
      from_at: new Date(from).toISOString(),
      to_at: new Date(to).toISOString(),
      as_of: window.as_of,
      zone: calendar.timeZone,
    });
    const querySeconds = (performance.now() - started) / 1000;
    log(`  PostgreSQL: query ${querySeconds.toFixed(1)} s`);
    const byBrand: ByBrand = {};
    for (const line of out.split('\n').filter((l) => /^[^,]+,\d/.test(l))) {
      const [brand, a, b, c, d] = line.split(',');
      const figures = { late_dispatch_numerator: Number(a), late_dispatch_denominator: Number(b), sla_numerator: Number(c), sla_denominator: Number(d) };
      if (KEYS.some((key) => figures[key] !== 0)) byBrand[brand!] = figures;
    }
    return { version, loadSeconds, querySeconds, byBrand };
  } finally {
    spawnSync(root ? 'runuser' : join(bin, 'pg_ctl'), root ? ['-u', user, '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop'] : ['-D', data, '-m', 'fast', '-w', 'stop']);
    rmSync(cluster, { recursive: true, force: true });
  }
}

try {
  const calendar = BusinessCalendar.fromSettings();
  const now = new Date();
  const dates = { from: addDays(values.to, -Number(values.days)), to: values.to };
  const window = resolveWindow(calendar, dates, now);
  log(`baseline window ${window.from} to ${window.to} (exclusive), as of ${window.as_of}`);
  log('exporting the same events as CSV for the baselines (not timed)');
  const exported = await exportCsv();
  log(`  ${fmt(exported.events)} order, shipment and inquiry events, ${fmt(exported.mib)} MiB of CSV`);

  log('brandscore: the window from its refreshed facts');
  const ours = await brandscoreFigures(dates, now, calendar);
  log(`  ${ours.seconds.toFixed(2)} s, ${Object.keys(ours.byBrand).length} brands`);
  log('plain JavaScript pass over the CSV files');
  const js = javascriptPass(window);
  const jsDiff = differences(ours.byBrand, js.byBrand);
  log(`  ${js.seconds.toFixed(1)} s, peak ${js.peakMiB.toFixed(0)} MiB, ${jsDiff.length} brands differ`);
  for (const brand of jsDiff.slice(0, 3)) log(`    ${brand}: brandscore ${JSON.stringify(ours.byBrand[brand])}, JavaScript ${JSON.stringify(js.byBrand[brand])}`);
  log('PostgreSQL');
  const pg = postgresPass(calendar, window);
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
    ['brandscore: ingest of the Parquet history + full refresh (bench pipeline)', endToEnd === undefined ? 'not measured in this run' : `${fmt(endToEnd, 1)} s`, '', '1 ×', 'every metric of every window, for every brand'],
    ['brandscore: this window from its refreshed facts (`computeScorecards`)', `${fmt(ours.seconds, 2)} s`, '', '', 'the reference figures'],
    ['plain JavaScript pass over the CSV files (one process)', `${fmt(js.seconds, 1)} s`, `${fmt(js.peakMiB)} MiB`, ratio(js.seconds, endToEnd), match(jsDiff)],
  ];
  if ('skipped' in pg) rows.push(['PostgreSQL', pg.skipped, '', '', '']);
  else {
    rows.push([`PostgreSQL ${pg.version}: COPY of the CSV files + ANALYZE`, `${fmt(pg.loadSeconds, 1)} s`, '', '', '']);
    rows.push([`PostgreSQL ${pg.version}: the equivalent SQL (bench/baseline-postgres.sql)`, `${fmt(pg.querySeconds, 1)} s`, '', '', match(pgDiff)]);
    rows.push([`PostgreSQL ${pg.version}: load + query`, `${fmt(pg.loadSeconds + pg.querySeconds, 1)} s`, '', ratio(pg.loadSeconds + pg.querySeconds, endToEnd), '']);
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
- The ratio is the baseline's time over brandscore's time from the same events to these figures (Parquet
  ingest + full refresh, which also computes every other metric and window): below 1 × the baseline is faster.

${table(['who', 'seconds', 'peak memory', 'time / brandscore', 'figures'], rows)}
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
