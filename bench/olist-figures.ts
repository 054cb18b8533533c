import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TopLevelSpec } from 'vega-lite';
import { loadVolumeChart } from '../dashboards/charts/load.ts';
import { renderSvg } from '../dashboards/render.ts';
import { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import { computeLoad, type Load } from '../metrics/load/load.ts';
import { listRecommendations } from '../metrics/recommendations/decisions.ts';
import { evaluateRecommendations } from '../metrics/recommendations/evaluate.ts';
import { parsePolicy, type Policy } from '../metrics/recommendations/policy.ts';
import type { Recommendation } from '../metrics/recommendations/schema.ts';
import { refresh } from '../metrics/refresh.ts';
import { parseConfig } from '../pipelines/config.ts';
import { importOlist } from '../pipelines/sources/olist/olist-import.ts';
import { Warehouse } from '../pipelines/warehouse/database.ts';

/**
 * The figures of the README section "Real data: Olist":
 * `node bin/run-ts.js bench/olist-figures.ts [--sample DIR] [--out DIR]`. Imports the sample (default
 * ../shared/datasets/olist) into a temporary database with the README's Brazilian configuration, refreshes, then
 * - renders the orders-per-day chart of 2017-11-01 to 2017-12-15 (Black Friday 2017 is 11-24) with the server-side
 *   renderer to OUT/olist-black-friday-2017.svg (default docs/);
 * - evaluates the default delisting policy on the five Mondays 2018-04-30 … 2018-05-28 and prints, per evaluation,
 *   the counts per action and the brands recommended, with their evidence;
 * - does the same with the default policy but a 182-day window on two consecutive Mondays (2018-08-20 and -27), to
 *   show which sellers the rules single out once their denominators reach the minimums.
 * Nothing outside OUT is written; the database is removed at the end.
 */
const { values } = parseArgs({
  options: {
    sample: { type: 'string', default: '../shared/datasets/olist' },
    out: { type: 'string', default: 'docs' },
  },
});

/** The configuration the README recommends for Olist: Brazil's zone and national holidays of 2016–2018. */
const OLIST_CONFIG = parseConfig({
  calendar: {
    timeZone: 'America/Sao_Paulo',
    koreanHolidays: false,
    extraHolidays: [
      '2016-09-07', '2016-10-12', '2016-11-02', '2016-11-15', '2016-12-25',
      '2017-01-01', '2017-04-14', '2017-04-21', '2017-05-01', '2017-09-07', '2017-10-12', '2017-11-02', '2017-11-15', '2017-12-25',
      '2018-01-01', '2018-03-30', '2018-04-21', '2018-05-01', '2018-09-07', '2018-10-12', '2018-11-02', '2018-11-15', '2018-12-25',
    ],
  },
  sourceTimeZone: 'America/Sao_Paulo',
});
/** After the data ends (2018-10), so every deadline is judged. */
const NOW = new Date('2019-01-15T12:00:00Z');
const BLACK_FRIDAY = { from: '2017-11-01', to: '2017-12-16' };
const DEFAULT_MONDAYS = ['2018-04-30', '2018-05-07', '2018-05-14', '2018-05-21', '2018-05-28'];
const LONG_MONDAYS = ['2018-08-20', '2018-08-27'];

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);

function describe(rec: Recommendation): string {
  const judged = rec.metrics
    .filter((m) => m.level !== 'none')
    .map((m) => `${m.rate} ${m.numerator} / ${m.denominator} = ${pct(m.value)} [${pct(m.wilson_low)} – ${pct(m.wilson_high)}] ${m.level}`);
  const examples = Object.entries(rec.examples)
    .filter(([, ids]) => ids.length > 0)
    .map(([kind, ids]) => `${kind}: ${ids.slice(0, 2).join(', ')}`);
  return `  ${rec.action.padEnd(6)} ${rec.brand_id} (${rec.brand.name}) streak ${rec.delist_streak}: ${judged.join('; ')}${examples.length ? `\n         e.g. ${examples.join('; ')}` : ''}`;
}

async function evaluations(warehouse: Warehouse, calendar: BusinessCalendar, policy: Policy, dates: string[], label: string) {
  console.log(`\n## ${label}`);
  for (const asOfDate of dates) {
    const evaluation = await evaluateRecommendations(warehouse, { now: NOW, calendar, policy, asOfDate, triggeredBy: 'olist-figures' });
    const list = await listRecommendations(warehouse, { asOfDate });
    const mine = list.recommendations.filter((r) => r.evaluation_id === evaluation.evaluation_id && r.action !== 'none');
    const { counts } = evaluation;
    console.log(
      `as of ${asOfDate} (window ${evaluation.window.from} to ${evaluation.window.to}): ${evaluation.brands_evaluated} brands, ` +
        `${counts.delist} delist, ${counts.warn} warn, ${counts.retrain} retrain, ${counts.watch} watch`,
    );
    const cited = new Map<string, number>();
    for (const rec of mine) for (const m of rec.metrics) if (m.level !== 'none') cited.set(`${m.rate} at ${m.level}`, (cited.get(`${m.rate} at ${m.level}`) ?? 0) + 1);
    console.log(`  rates at watch or above: ${[...cited].map(([rate, n]) => `${rate} ${n}`).join(', ') || 'none'}; unreachable: ${mine.filter((r) => r.unreachable.unreachable).length}`);
    for (const rec of mine) {
      const late = rec.metrics.find((m) => m.rate === 'late_dispatch_rate' && (m.level === 'warn' || m.level === 'delist'));
      if (late) console.log(`  late dispatch at ${late.level}: ${rec.brand_id} ${late.numerator} / ${late.denominator} = ${pct(late.value)} [${pct(late.wilson_low)} – ${pct(late.wilson_high)}]`);
    }
    // The five worst delist / warn: delist first, then by the highest Wilson lower bound of a rate at warn or above.
    const worst = (r: Recommendation) => Math.max(...r.metrics.filter((m) => m.level === 'warn' || m.level === 'delist').map((m) => m.wilson_low ?? 0));
    const flagged = mine
      .filter((r) => r.action === 'delist' || r.action === 'warn')
      .sort((a, b) => (a.action === b.action ? worst(b) - worst(a) : a.action === 'delist' ? -1 : 1));
    for (const rec of flagged.slice(0, 5)) console.log(describe(rec));
    if (flagged.length > 5) console.log(`  … and ${flagged.length - 5} more`);
  }
}

/**
 * The page's surge labels are long and right-aligned at each surge's start; two surges a week apart overlap and
 * run off the plot to the left. For a static figure: short labels, left-aligned, one row each.
 */
function tidySurgeLabels(spec: TopLevelSpec, load: Load): void {
  const layers = (spec as { layer?: { data?: { values?: { label?: string }[] }; layer?: { mark: Record<string, unknown>; encoding: Record<string, unknown> }[] }[] }).layer ?? [];
  const surges = layers.find((l) => l.data?.values?.[0]?.label?.startsWith('surge from'));
  if (!surges?.data || !surges.layer) return;
  surges.data.values = load.surges.map((s, i) => ({
    t: s.start,
    label: `surge from ${s.start.slice(5)}: ×${s.start_factor.toFixed(2)}, peak ${s.peak.slice(5)} with ${s.peak_orders} orders`,
    row: 10 + 16 * i,
  }));
  const text = surges.layer[1]!;
  text.mark = { ...text.mark, align: 'left', dx: 4, y: undefined };
  text.encoding = { ...text.encoding, y: { field: 'row', type: 'quantitative', scale: null } };
}

const work = mkdtempSync(join(tmpdir(), 'brandscore-olist-figures-'));
const calendar = new BusinessCalendar(OLIST_CONFIG.calendar);
const warehouse = await Warehouse.open(join(work, 'olist.duckdb'));
try {
  const log = (message: string) => process.stderr.write(`${message}\n`);
  await importOlist(warehouse, resolve(values.sample!), { timeZone: OLIST_CONFIG.sourceTimeZone, onProgress: () => {} });
  await refresh(warehouse, { now: NOW, calendar });

  const load = await computeLoad(warehouse, { ...BLACK_FRIDAY, grain: 'day' }, { calendar, now: NOW, settings: OLIST_CONFIG.peakLoad });
  const spec = loadVolumeChart(load, { measure: 'orders_placed' });
  tidySurgeLabels(spec, load);
  spec.title = {
    text: 'Olist sample: orders placed per day around Black Friday 2017 (Fri 24 Nov)',
    subtitle: [
      `${BLACK_FRIDAY.from} to ${BLACK_FRIDAY.to} (exclusive), America/Sao_Paulo; one order per Olist order and seller`,
      'red: the order surges GET /api/load detects (start factor against the baseline)',
    ],
    anchor: 'start',
  };
  mkdirSync(values.out!, { recursive: true });
  const file = join(values.out!, 'olist-black-friday-2017.svg');
  writeFileSync(file, await renderSvg(spec));
  log(`wrote ${file}`);
  console.log('## Orders per day around Black Friday 2017');
  console.log(load.series.filter((b) => b.bucket >= '2017-11-20' && b.bucket <= '2017-11-28').map((b) => `${b.bucket} ${b.orders_placed}`).join(', '));
  console.log(`busiest days: ${load.peaks.map((p) => `${p.date} ${p.orders_placed}`).join(', ')}`);
  console.log(`surges: ${load.surges.map((s) => `from ${s.start} ×${s.start_factor.toFixed(2)} (peak ${s.peak}, ${s.peak_orders} orders)`).join('; ') || 'none'}`);

  await evaluations(warehouse, calendar, parsePolicy({}), DEFAULT_MONDAYS, 'Default policy (28-day window), Mondays of May 2018');
  await evaluations(warehouse, calendar, parsePolicy({ delisting: { window_days: 182 } }), LONG_MONDAYS, 'Default rules with a 182-day window');
} finally {
  warehouse.close();
  rmSync(work, { recursive: true, force: true });
}
