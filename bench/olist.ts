import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import { refresh } from '../metrics/refresh.ts';
import { parseConfig } from '../pipelines/config.ts';
import { importOlist } from '../pipelines/sources/olist/olist-import.ts';
import { Warehouse } from '../pipelines/warehouse/database.ts';
import { fmt, log, machineLine, table, writeSection } from './report.ts';

/**
 * Import of the Olist dataset: `npx tsx bench/olist.ts [--dir DIR] [--scale N] [--dry-run]`. Times `importOlist`
 * (CSV → event files → ingest) into a fresh database, the refresh after it, and a second import of the same folder
 * (which must store nothing), with the rows stored per stream. Always the sample in ../shared/datasets/olist;
 * `--dir` adds a folder of the same layout (the full public dataset); `--scale N` adds the sample copied N times
 * under fresh ids (13 copies ≈ the full dataset's 100,000 orders), for when the full dataset is not at hand.
 */
const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    scale: { type: 'string' },
    sample: { type: 'string', default: '../shared/datasets/olist' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const work = mkdtempSync(join(tmpdir(), 'brandscore-bench-olist-'));
const CONFIG = parseConfig({ calendar: { timeZone: 'America/Sao_Paulo', koreanHolidays: false }, sourceTimeZone: 'America/Sao_Paulo' });
// After the data ends, so that every deadline is judged.
const NOW = new Date('2019-01-15T12:00:00Z');

const FILES = {
  orders: 'olist_orders_dataset.csv',
  items: 'olist_order_items_dataset.csv',
  reviews: 'olist_order_reviews_dataset.csv',
  sellers: 'olist_sellers_dataset.csv',
};

/** The sample N times over, every id suffixed with its copy number, written in Olist's layout. */
async function scaledCopy(sample: string, copies: number): Promise<string> {
  const out = join(work, `scaled-${copies}`);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const read = (file: string) => `read_csv('${join(sample, file).replaceAll("'", "''")}', header = true, all_varchar = true)`;
  const copy = (select: string, file: string) =>
    db.run(`COPY (${select}) TO '${join(out, file).replaceAll("'", "''")}' (FORMAT csv, HEADER)`);
  await db.run(`CREATE TABLE copies AS SELECT range AS k FROM range(${copies})`);
  mkdirSync(out, { recursive: true });
  await copy(`SELECT * REPLACE (order_id || '-' || k AS order_id, customer_id || '-' || k AS customer_id) FROM ${read(FILES.orders)}, copies ORDER BY k`, FILES.orders);
  await copy(`SELECT * REPLACE (order_id || '-' || k AS order_id, seller_id || '-' || k AS seller_id) FROM ${read(FILES.items)}, copies ORDER BY k`, FILES.items);
  await copy(`SELECT * REPLACE (review_id || '-' || k AS review_id, order_id || '-' || k AS order_id) FROM ${read(FILES.reviews)}, copies ORDER BY k`, FILES.reviews);
  await copy(`SELECT * REPLACE (seller_id || '-' || k AS seller_id) FROM ${read(FILES.sellers)}, copies ORDER BY k`, FILES.sellers);
  db.closeSync();
  instance.closeSync();
  return out;
}

interface Measured {
  label: string;
  olistOrders: number;
  importSeconds: number;
  /** CPU seconds of this process (DuckDB's threads included): unlike wall time, hardly moved by other load. */
  importCpu: number;
  refreshSeconds: number;
  refreshCpu: number;
  againSeconds: number;
  againNew: number;
  stored: Record<string, number>;
  quarantined: number;
}

async function measure(label: string, dir: string): Promise<Measured> {
  const warehouse = await Warehouse.open(join(work, `${label.replace(/\W+/g, '-')}.duckdb`));
  try {
    log(`${label}: import ${dir}`);
    let cpu = process.cpuUsage();
    const result = await importOlist(warehouse, dir, { onProgress: log });
    const importCpu = cpuSeconds(process.cpuUsage(cpu));
    const failed = result.files.filter((file) => file.outcome !== 'ingested');
    if (failed.length > 0) throw new Error(`${label}: ${failed.map((file) => `${file.stream} ${file.outcome} ${file.error ?? ''}`).join('; ')}`);
    log(`${label}: refresh`);
    cpu = process.cpuUsage();
    const refreshed = await refresh(warehouse, { now: NOW, calendar: new BusinessCalendar(CONFIG.calendar) });
    const refreshCpu = cpuSeconds(process.cpuUsage(cpu));
    log(`${label}: import again`);
    const again = await importOlist(warehouse, dir);
    const counts = (await warehouse.one<Record<string, number>>(
      `SELECT (SELECT count(*) FROM brands) AS brands, (SELECT count(*) FROM raw_orders) AS orders,
              (SELECT count(*) FROM raw_shipments) AS shipments, (SELECT count(*) FROM raw_reviews) AS reviews,
              (SELECT count(*) FROM fct_orders) AS fct_orders, (SELECT count(*) FROM quarantine) AS quarantined`,
    ))!;
    const { quarantined, ...stored } = counts;
    return {
      label,
      olistOrders: result.source.olist_orders,
      importSeconds: result.seconds,
      importCpu,
      refreshSeconds: refreshed.seconds,
      refreshCpu,
      againSeconds: again.seconds,
      againNew: again.files.reduce((sum, file) => sum + file.accepted, 0),
      stored: stored as Record<string, number>,
      quarantined: quarantined!,
    };
  } finally {
    warehouse.close();
  }
}

const loadAtStart = loadavg()[0]!;
const sample = resolve(values.sample!);
function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}
if (!existsSync(join(sample, FILES.orders))) throw new Error(`no Olist sample at ${sample} (--sample DIR)`);
const runs: Measured[] = [await measure('sample', sample)];
if (values.dir) runs.push(await measure(`--dir ${values.dir}`, resolve(values.dir)));
if (values.scale) {
  const copies = Number(values.scale);
  log(`writing the sample ${copies} times over`);
  runs.push(await measure(`sample × ${copies}`, await scaledCopy(sample, copies)));
}
rmSync(work, { recursive: true, force: true });

const command = `npx tsx bench/olist.ts${values.dir ? ` --dir ${values.dir}` : ''}${values.scale ? ` --scale ${values.scale}` : ''}`;
const markdown = `## Olist import

Command: \`${command}\` · ${machineLine()}

\`importOlist\` into a fresh database: the Olist CSVs read and reshaped in DuckDB, one Parquet file per stream,
then the ordinary file ingest (validation, quarantine, dedup); then \`refresh\`; then the same import again, which
must store nothing (its files have the same content). "sample × N" is the sample of \`shared/datasets/olist\` copied N
times under fresh ids, a stand-in for the full public dataset (about 100,000 orders) when it is not at hand.
The machine is shared: its 1-minute load average was ${fmt(loadAtStart, 1)} when this run started, so the wall times
carry other people's work; the CPU seconds (this process, DuckDB's threads included) hardly do.

${table(
  ['data', 'Olist orders', 'import (CPU)', 'refresh (CPU)', 'import again (new rows)', 'brands', 'orders stream', 'shipments stream', 'reviews stream', 'orders (facts)', 'quarantined'],
  runs.map((run) => [
    run.label,
    fmt(run.olistOrders),
    `${fmt(run.importSeconds, 2)} s (${fmt(run.importCpu, 2)} s)`,
    `${fmt(run.refreshSeconds, 2)} s (${fmt(run.refreshCpu, 2)} s)`,
    `${fmt(run.againSeconds, 2)} s (${fmt(run.againNew)})`,
    fmt(run.stored.brands!),
    fmt(run.stored.orders!),
    fmt(run.stored.shipments!),
    fmt(run.stored.reviews!),
    fmt(run.stored.fct_orders!),
    fmt(run.quarantined),
  ]),
)}
`;
if (!values['dry-run']) writeSection('olist', markdown);
console.log(markdown);
