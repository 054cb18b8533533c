import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import { addDays } from '../metrics/calendar/zoned-time.ts';
import { computeScorecards } from '../metrics/scorecards/scorecards.ts';
import type { Warehouse } from '../pipelines/warehouse/database.ts';

/**
 * The baselines of bench/baseline.ts as functions (so that tests can check them on small data): the events as
 * CSV, brandscore's own late-dispatch and SLA figures of a window, the plain JavaScript pass
 * (bench/baseline-js.ts, its own process) and PostgreSQL with the equivalent SQL (bench/baseline-postgres.sql).
 */
const log = (message: string) => {
  if (process.env.BENCH_QUIET !== '1') process.stderr.write(`${message}\n`);
};
const STREAMS = ['orders', 'shipments', 'inquiries'] as const;

export interface BrandFigures {
  late_dispatch_numerator: number;
  late_dispatch_denominator: number;
  sla_numerator: number;
  sla_denominator: number;
}
export type ByBrand = Record<string, BrandFigures>;
export const KEYS = ['late_dispatch_numerator', 'late_dispatch_denominator', 'sla_numerator', 'sla_denominator'] as const;

/**
 * The order, shipment and inquiry events of the Parquet folders (each with <stream>/ subfolders) as one CSV
 * file per stream in `csv`, and the first brands CSV found: the form both baselines read, instants as ISO
 * strings in UTC. Not timed.
 */
export async function exportCsv(folders: string[], csv: string): Promise<{ events: number; mib: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  let events = 0;
  let bytes = 0;
  for (const stream of STREAMS) {
    const files = folders
      .map((folder) => join(folder, stream))
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
    bytes += statSync(join(csv, `${stream}.csv`)).size;
  }
  const brandFolder = folders.map((folder) => join(folder, 'brands')).find((folder) => existsSync(folder));
  const brands = brandFolder && readdirSync(brandFolder).find((f) => f.endsWith('.csv'));
  if (!brandFolder || !brands) throw new Error(`no brands CSV in ${folders.join(', ')}`);
  copyFileSync(join(brandFolder, brands), join(csv, 'brands.csv'));
  connection.closeSync();
  instance.closeSync();
  return { events, mib: bytes / 2 ** 20 };
}

/** brandscore's own figures of the window, from its warehouse (facts already refreshed), and the time taken. */
export async function brandscoreFigures(warehouse: Warehouse, dates: { from: string; to: string }, now: Date, calendar: BusinessCalendar) {
  {
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
  }
}

/** Brands whose four figures differ between two results (brands absent from one count as all zeros). */
export function differences(a: ByBrand, b: ByBrand): string[] {
  const zero: BrandFigures = { late_dispatch_numerator: 0, late_dispatch_denominator: 0, sla_numerator: 0, sla_denominator: 0 };
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((brand) =>
    KEYS.some((key) => (a[brand] ?? zero)[key] !== (b[brand] ?? zero)[key]),
  );
}

export function totals(byBrand: ByBrand) {
  const sum = (key: (typeof KEYS)[number]) => Object.values(byBrand).reduce((s, f) => s + f[key], 0);
  return Object.fromEntries(KEYS.map((key) => [key, sum(key)])) as unknown as BrandFigures;
}

/** The plain JavaScript pass, in its own process under /usr/bin/time (wall seconds and peak memory). */
export function javascriptPass(csv: string, window: { from: string; to: string; as_of: string }) {
  const out = join(csv, 'js-figures.json');
  const started = performance.now();
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', 'PEAK_KB=%M', process.execPath, '--max-old-space-size=8192', fileURLToPath(new URL('../bin/run-ts.js', import.meta.url)), fileURLToPath(new URL('./baseline-js.ts', import.meta.url)),
      '--files', csv, '--from', window.from, '--to', window.to, '--as-of', window.as_of, '--out', out],
    { encoding: 'utf8' },
  );
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`baseline-js failed: ${result.stderr.slice(-2000)}`);
  if (process.env.BENCH_QUIET !== '1') process.stderr.write(result.stderr.replace(/PEAK_KB=\d+\n?/, ''));
  const answer = JSON.parse(readFileSync(out, 'utf8')) as { seconds: number; brands: ByBrand };
  return { seconds, inner: answer.seconds, peakMiB: Number(/PEAK_KB=(\d+)/.exec(result.stderr)?.[1] ?? 0) / 1024, byBrand: answer.brands };
}

/** The PostgreSQL binaries of Debian's packages (newest version), or null when PostgreSQL is not installed. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

export type PostgresOutcome =
  | { skipped: string }
  | { version: string; loadSeconds: number; querySeconds: number; byBrand: ByBrand };

/**
 * A throwaway PostgreSQL cluster in a temp folder, tuned for a bulk load it may lose (fsync off), loaded with COPY from the same CSV files, then
 * the equivalent SQL. The cluster is stopped and deleted afterwards.
 */
export function postgresPass(csv: string, calendar: BusinessCalendar, window: { from: string; to: string; as_of: string }): PostgresOutcome {
  const bin = postgresBin();
  if (!bin) return { skipped: 'skipped: not installed (apt-get install postgresql)' };
  const root = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: as root, the cluster runs as the package's postgres user (or nobody).
  const user = spawnSync('id', ['-u', 'postgres']).status === 0 ? 'postgres' : 'nobody';
  const cluster = mkdtempSync(join(tmpdir(), 'brandscore-bench-pg-'));
  chmodSync(cluster, 0o755);
  for (const path of [dirname(csv), csv, ...readdirSync(csv).map((f) => join(csv, f))]) chmodSync(path, 0o755);
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

    // The first line only: at 10M orders a CSV file is larger than the longest string Node can hold.
    const header = (file: string) => {
      const fd = openSync(join(csv, file), 'r');
      try {
        const buffer = Buffer.alloc(64 * 1024);
        const bytes = readSync(fd, buffer, 0, buffer.length, 0);
        return buffer.toString('utf8', 0, bytes).split('\n', 1)[0]!.split(',');
      } finally {
        closeSync(fd);
      }
    };
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
