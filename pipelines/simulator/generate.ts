import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STREAMS, type EventStream } from '../contracts/index.ts';
import { ARCHETYPE_PARAMS, ARCHETYPES, type BehaviourParams } from './archetypes.ts';
import { buildBrands, brandIdWidth, type SimBrand } from './brands.ts';
import {
  addDays,
  apportion,
  buildCalendar,
  defaultSeasonStart,
  expectedOrders,
  HOLIDAY_FACTOR,
  SEASON_PEAK,
  SEASON_RAMP_DAYS,
  WEEKDAY_FACTOR,
} from './calendar.ts';
import { claimsSql, contactsSql, inquiriesSql, macroSql, ordersSql, reviewsSql } from './entities.ts';
import { BAD_TIMESTAMP, DIRTY_KINDS, streamFileSql, streamStatsSql, type FileLayout, type Formatting } from './streams.ts';

export const OUTPUT_FORMATS = ['parquet', 'csv', 'ndjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface GenerateOptions {
  /** Output folder; one sub-folder per stream. */
  out: string;
  /** First day of the period (YYYY-MM-DD, Asia/Seoul). Default 2024-09-01. */
  start?: string;
  /** Length of the period in days. Default 180. */
  days?: number;
  /** Total orders over the period; the daily volume is scaled to reach it. Default: about 500 a day before the season. */
  orders?: number;
  /** Number of brands. Default 200, or 200 per ~500 daily orders when `orders` scales the volume up. */
  brands?: number;
  seed?: number;
  /** Share of event rows replaced by invalid rows. Default 0. */
  dirty?: number;
  format?: OutputFormat;
  /** First day of the winter surge. Default: the first Monday on or after 1 December inside the period. */
  seasonStart?: string;
  /** Normal orders per day before the season, when `orders` is not given. Default 500. */
  baseDailyOrders?: number;
}

export interface GenerateEffects {
  /** One line per step (stderr in the CLI). */
  progress?: (line: string) => void;
}

export interface GeneratedFile {
  stream: EventStream | 'brands' | 'ground_truth';
  path: string;
  rows: number;
}

export interface GenerateResult {
  out: string;
  files: GeneratedFile[];
  orders: number;
  brands: number;
  events: number;
  groundTruthPath: string;
}

const DEFAULTS = { start: '2024-09-01', days: 180, brands: 200, seed: 1, dirty: 0, format: 'parquet', baseDailyOrders: 500 } as const;
/** Days of calendar kept after the period so that lookups for work finishing after it stay defined. */
const CALENDAR_MARGIN_DAYS = 120;
const LATE_RATE = 0.01;
/** Above this many orders the working tables go to a scratch file so that memory stays bounded. */
const LARGE_RUN_ORDERS = 1_000_000;
const LARGE_RUN_MEMORY_LIMIT = '1GB';
const EXTENSIONS: Record<OutputFormat, string> = { parquet: 'parquet', csv: 'csv', ndjson: 'ndjson' };

function resolveOptions(options: GenerateOptions) {
  const start = options.start ?? DEFAULTS.start;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(Date.parse(`${start}T00:00:00Z`)) || addDays(start, 0) !== start) {
    throw new Error(`start must be a date YYYY-MM-DD, got '${start}'`);
  }
  const days = options.days ?? DEFAULTS.days;
  if (!Number.isInteger(days) || days < 1 || days > 3660) throw new Error(`days must be a whole number from 1 to 3660, got ${days}`);
  if (options.orders !== undefined && (!Number.isInteger(options.orders) || options.orders < 1 || options.orders > 500_000_000)) {
    throw new Error(`orders must be a whole number from 1 to 500,000,000, got ${options.orders}`);
  }
  if (options.brands !== undefined && (!Number.isInteger(options.brands) || options.brands < 1 || options.brands > 999_999)) {
    throw new Error(`brands must be a whole number from 1 to 999,999, got ${options.brands}`);
  }
  const seed = options.seed ?? DEFAULTS.seed;
  if (!Number.isInteger(seed) || Math.abs(seed) > 2 ** 31) throw new Error(`seed must be a 32-bit whole number, got ${seed}`);
  const dirty = options.dirty ?? DEFAULTS.dirty;
  if (!(dirty >= 0 && dirty <= 1)) throw new Error(`dirty must be a share from 0 to 1, got ${dirty}`);
  const format = options.format ?? DEFAULTS.format;
  if (!OUTPUT_FORMATS.includes(format)) throw new Error(`format must be one of ${OUTPUT_FORMATS.join(', ')}, got '${format}'`);
  const seasonStart = options.seasonStart ?? defaultSeasonStart(start);
  const baseDailyOrders = options.baseDailyOrders ?? DEFAULTS.baseDailyOrders;
  return { out: options.out, start, days, orders: options.orders, brands: options.brands, seed, dirty, format, seasonStart, baseDailyOrders };
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
const PARAM_KEYS = Object.keys(ARCHETYPE_PARAMS.reliable) as (keyof BehaviourParams)[];

async function append<T>(db: DuckDBConnection, table: string, items: T[], write: (row: DuckDBAppender, item: T, index: number) => void) {
  const appender = await db.createAppender(table);
  items.forEach((item, index) => {
    write(appender, item, index);
    appender.endRow();
  });
  appender.closeSync();
}

/** Month boundaries after the start, in seconds since the start: files are one per calendar month. */
function monthStarts(start: string, days: number): number[] {
  const starts: number[] = [];
  for (let day = 1; day < days; day++) if (addDays(start, day).endsWith('-01')) starts.push(day * 86400);
  return starts;
}

/**
 * Generates a synthetic marketplace: brands with hidden archetypes and their order, shipment, inquiry, claim,
 * contact and review events, written as files that `ingest` reads, plus ground_truth.json. All rows are built
 * and written by DuckDB, so memory stays bounded by DuckDB's working set rather than by row count, and the same
 * options give byte-identical files.
 */
export async function generateMarketplace(options: GenerateOptions, effects: GenerateEffects = {}): Promise<GenerateResult> {
  const opts = resolveOptions(options);
  const say = effects.progress ?? (() => undefined);
  const began = Date.now();
  const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)} s`;

  const calendar = await buildCalendar(opts.start, opts.days + CALENDAR_MARGIN_DAYS);
  if (calendar.uncoveredYears.length) {
    say(`warning: no holiday data for ${calendar.uncoveredYears.join(', ')}; only weekends are closed there`);
  }
  const periodDays = calendar.days.slice(0, opts.days);
  const seasonDay = Math.round((Date.parse(`${opts.seasonStart}T00:00:00Z`) - Date.parse(`${opts.start}T00:00:00Z`)) / 86_400_000);
  const expected = expectedOrders(periodDays, seasonDay, opts.baseDailyOrders, opts.seed);
  const naturalTotal = expected.reduce((a, b) => a + b, 0);
  const totalOrders = opts.orders ?? Math.round(naturalTotal);
  const daily = apportion(expected, totalOrders);
  // More orders means more brands rather than bigger ones, so per-brand volumes (and metric noise) stay realistic.
  const brandCount = opts.brands ?? (opts.orders === undefined ? DEFAULTS.brands : Math.max(20, Math.round((DEFAULTS.brands * totalOrders) / naturalTotal)));
  const brands = buildBrands(brandCount, opts.start, opts.days, opts.seed);
  say(`generate: ${totalOrders.toLocaleString('en')} orders, ${brandCount} brands, ${opts.days} days from ${opts.start}, season from ${opts.seasonStart}, seed ${opts.seed}, ${opts.format}`);

  const scratch = totalOrders > LARGE_RUN_ORDERS ? mkdtempSync(join(tmpdir(), 'brandscore-generate-')) : undefined;
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(`SET TimeZone = 'UTC'`);
    await db.run(`SET preserve_insertion_order = true`);
    // The planner underestimates unnest(range(…)) and would turn the brand ASOF join into a nested loop.
    await db.run(`SET asof_loop_join_threshold = 0`);
    if (scratch) {
      // In-memory tables cannot be spilled, so big runs keep their working tables in a scratch database file and
      // cap DuckDB's memory; the output does not depend on where the tables live.
      await db.run(`SET memory_limit = '${LARGE_RUN_MEMORY_LIMIT}'`);
      await db.run(`SET temp_directory = ${quote(join(scratch, 'spill'))}`);
      await db.run(`ATTACH ${quote(join(scratch, 'work.duckdb'))} AS work`);
      await db.run('USE work');
    }
    for (const sql of macroSql(opts.seed, calendar)) await db.run(sql);

    await db.run(`CREATE TABLE days (d INTEGER, n_orders INTEGER, first_order BIGINT)`);
    let first = 1;
    await append(db, 'days', daily, (row, n, d) => {
      row.appendInteger(d);
      row.appendInteger(n);
      row.appendBigInt(BigInt(first));
      first += n;
    });
    await db.run(`CREATE TABLE brands (
      b INTEGER, brand_id VARCHAR, name VARCHAR, status VARCHAR, onboarded_at VARCHAR, dispatch_days INTEGER, cs_phone VARCHAR,
      cs_email VARCHAR, return_address VARCHAR, category VARCHAR, archetype VARCHAR, onboard_day INTEGER, weight DOUBLE,
      express_share DOUBLE, delivery_due_share DOUBLE, carrier VARCHAR, price_level DOUBLE,
      ${PARAM_KEYS.map((key) => `${key} DOUBLE`).join(', ')})`);
    await append(db, 'brands', brands, (row, b) => {
      row.appendInteger(b.index);
      for (const text of [b.brand_id, b.name, b.status, b.onboarded_at]) row.appendVarchar(text);
      row.appendInteger(b.dispatch_days);
      for (const text of [b.cs_phone, b.cs_email, b.return_address, b.category, b.archetype]) {
        if (text === null) row.appendNull();
        else row.appendVarchar(text);
      }
      row.appendInteger(b.onboard_day);
      row.appendDouble(b.weight);
      row.appendDouble(b.express_share);
      row.appendDouble(b.delivery_due_share);
      row.appendVarchar(b.carrier);
      row.appendDouble(b.price_level);
      for (const key of PARAM_KEYS) row.appendDouble(b.params[key]);
    });
    // Each day's active brands as cumulative shares, so one uniform draw per order picks a brand by weight.
    await db.run(`CREATE TABLE brand_cum AS
      SELECT days.d, brands.b,
        coalesce(sum(weight) OVER (PARTITION BY days.d ORDER BY brands.b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
          / sum(weight) OVER (PARTITION BY days.d) AS lo
      FROM days JOIN brands ON brands.onboard_day <= days.d
      ORDER BY days.d, brands.b`);
    say(`  calendar and brands ready (${elapsed()})`);

    for (const [name, sql] of [
      ['orders', ordersSql()],
      ['inquiries', inquiriesSql()],
      ['claims', claimsSql()],
      ['contacts', contactsSql()],
      ['reviews', reviewsSql()],
    ] as const) {
      await db.run(sql);
      const count = await scalar(db, `SELECT count(*) FROM ${name}`);
      say(`  built ${name}: ${count.toLocaleString('en')} (${elapsed()})`);
    }

    const files: GeneratedFile[] = [];
    mkdirSync(join(opts.out, 'brands'), { recursive: true });
    const brandsPath = join(opts.out, 'brands', 'brands.csv');
    await db.run(`COPY (SELECT brand_id, name, status, onboarded_at, dispatch_days, cs_phone, cs_email, return_address, category
      FROM brands ORDER BY b) TO ${quote(brandsPath)} (FORMAT csv, HEADER true)`);
    files.push({ stream: 'brands', path: brandsPath, rows: brands.length });

    const layout: FileLayout = { monthStarts: monthStarts(opts.start, opts.days), end: opts.days * 86400, lateRate: LATE_RATE };
    const fmt: Formatting = {
      brandWidth: brandIdWidth(brandCount),
      localEpoch: Date.parse(`${opts.start}T00:00:00Z`) / 1000,
      // A TIMESTAMPTZ column cannot hold an unparseable timestamp, so dirty Parquet carries instants as strings.
      typedTimestamps: opts.format === 'parquet' && opts.dirty === 0,
    };
    const fileCount = layout.monthStarts.length + 1;
    const copyOptions =
      opts.format === 'parquet' ? `FORMAT parquet, COMPRESSION zstd` : opts.format === 'csv' ? `FORMAT csv, HEADER true` : `FORMAT json`;
    const streamStats: Record<string, unknown> = {};
    let events = 0;
    for (const stream of EVENT_STREAMS) {
      const dir = join(opts.out, stream);
      mkdirSync(dir, { recursive: true });
      // A previous run into the same folder may have used another format or more months; its files would be ingested too.
      for (const name of readdirSync(dir)) if (new RegExp(`^${stream}-\\d{4}\\.(parquet|csv|ndjson)$`).test(name)) rmSync(join(dir, name));
      const streamFiles: { path: string; rows: number }[] = [];
      for (let file = 1; file <= fileCount; file++) {
        const path = join(dir, `${stream}-${String(file).padStart(4, '0')}.${EXTENSIONS[opts.format]}`);
        const reader = await db.runAndReadAll(`COPY (${streamFileSql(stream, layout, file, opts.dirty, fmt)}) TO ${quote(path)} (${copyOptions})`);
        const rows = Number(reader.getRows()[0]?.[0] ?? 0);
        streamFiles.push({ path, rows });
        files.push({ stream, path, rows });
        events += rows;
        say(`  wrote ${path}: ${rows.toLocaleString('en')} rows (${elapsed()})`);
      }
      const stats = (await db.runAndReadAll(streamStatsSql(stream, layout, opts.dirty))).getRowObjectsJS()[0]!;
      streamStats[stream] = {
        rows: Number(stats.rows),
        late_events: Number(stats.late),
        dirty: Object.fromEntries(DIRTY_KINDS.map((kind) => [kind, Number(stats[kind])])),
        files: streamFiles.map((f) => ({ file: f.path.slice(opts.out.length).replace(/^[\\/]/, ''), rows: f.rows })),
      };
    }

    const groundTruthPath = join(opts.out, 'ground_truth.json');
    writeFileSync(groundTruthPath, `${JSON.stringify(groundTruth(opts, brands, periodDays.map((d) => d.date), daily, streamStats), null, 2)}\n`);
    files.push({ stream: 'ground_truth', path: groundTruthPath, rows: brands.length });
    say(`generate: done, ${events.toLocaleString('en')} events in ${files.length - 2} files (${elapsed()})`);
    return { out: opts.out, files, orders: totalOrders, brands: brandCount, events, groundTruthPath };
  } finally {
    db.closeSync();
    instance.closeSync();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

async function scalar(db: DuckDBConnection, sql: string): Promise<number> {
  const reader = await db.runAndReadAll(sql);
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

function groundTruth(
  opts: ReturnType<typeof resolveOptions>,
  brands: SimBrand[],
  dates: string[],
  daily: number[],
  streams: Record<string, unknown>,
) {
  const totalWeight = brands.reduce((sum, b) => sum + b.weight, 0);
  const dirtyTotals = Object.fromEntries(
    DIRTY_KINDS.map((kind) => [
      kind,
      Object.values(streams).reduce((sum: number, s) => sum + (s as { dirty: Record<string, number> }).dirty[kind]!, 0),
    ]),
  );
  return {
    generator: 'brandscore generate',
    options: { start: opts.start, days: opts.days, orders: daily.reduce((a, b) => a + b, 0), brands: brands.length, seed: opts.seed, dirty: opts.dirty, format: opts.format },
    period: {
      start: opts.start,
      end_exclusive: addDays(opts.start, opts.days),
      time_zone: 'Asia/Seoul',
      season_start: opts.seasonStart,
      files: 'one file per calendar month of occurred_at; ~1% of events are delivered one file late',
    },
    volume: {
      base_daily_orders: opts.orders === undefined ? opts.baseDailyOrders : null,
      weekday_factor_sunday_first: WEEKDAY_FACTOR,
      holiday_factor: HOLIDAY_FACTOR,
      season_peak: SEASON_PEAK,
      season_ramp_days: SEASON_RAMP_DAYS,
      daily_orders: dates.map((date, i) => ({ date, orders: daily[i] })),
    },
    archetypes: Object.fromEntries(ARCHETYPES.map((a) => [a, ARCHETYPE_PARAMS[a]])),
    brands: brands.map((b) => ({
      brand_id: b.brand_id,
      name: b.name,
      archetype: b.archetype,
      status: b.status,
      onboarded_at: b.onboarded_at,
      first_order_date: addDays(opts.start, b.onboard_day),
      order_share_when_active: Math.round((b.weight / totalWeight) * 1e6) / 1e6,
      dispatch_days: b.dispatch_days,
      express_share: b.express_share,
      delivery_due_share: b.delivery_due_share,
      carrier: b.carrier,
      params: b.params,
    })),
    streams,
    dirty: {
      rate: opts.dirty,
      total: Object.values(dirtyTotals).reduce((a, b) => a + b, 0),
      by_kind: dirtyTotals,
      how: {
        missing_event_id: 'event_id empty',
        unparseable_timestamp: `occurred_at '${BAD_TIMESTAMP}'`,
        unknown_enum: "an enum field the row has gets an unknown value (channel 'fax', cancelled_by 'robot', …), else type gets an unknown event type",
        bad_number_or_missing_field: 'order_placed: negative amount; review_posted: score 7; other rows: brand_id empty',
        parquet: 'when dirty > 0, instants are written as ISO strings with +09:00 in Parquet too (a TIMESTAMPTZ column cannot hold a bad timestamp)',
      },
    },
  };
}
