import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { RANKED_KEYS, type MetricKey, type ScorecardWindow } from './schema.ts';
import {
  FIGURE_NAMES,
  HIGHER_IS_BETTER,
  installWindows,
  METRIC_SPECS,
  percentilesAmong,
  previousWindow,
  RANK_MINIMUMS,
  STANDARD_WINDOW_DAYS,
  STORED_LAYOUT,
  trailingWindow,
  unfedMetrics,
  WINDOW_FILES,
} from './scorecards.ts';

/**
 * Materialising the standard windows' scorecards (README "Standard windows", "Stored as figures") inside DuckDB:
 * the window_*.sql land in a temp table and the stored JSON is joined as text around json_array lists
 * (stored_scorecards.sql); only
 * the brands' goodness for the percentile ranks passes through JavaScript, as columns. At 10M orders a CPU
 * profile put much of the scorecard phase of an incremental refresh in JavaScript (some 70,000 brand-window rows
 * of figures read into objects, parsed, ranked, stringified and appended, and the garbage collector behind
 * them); built in DuckDB, the phase takes about 30 % less CPU (12.0 → 8.3 CPU seconds with the previous windows
 * reused, 14.6 → 10.7 without), and what is left is mostly the window SQL.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const sql = (file: string) => readFileSync(join(HERE, file), 'utf8');

/** A window to store, with the ids (`w`) of its figures in window_figures; `previousW` null when reused. */
interface PlannedWindow {
  days: number;
  window: ScorecardWindow;
  previous: ScorecardWindow;
  w: number;
  previousW: number | null;
}

/**
 * Replaces the materialised scorecards with those of the standard trailing windows at `now`. Returns the number
 * of scorecards written.
 *
 * `settledBefore`: the refresh changed nothing known at or before this instant (every new event is dated after
 * it, no brand was upserted, the calendar is the same). A previous window judged before it — every standard
 * window's previous window once the new day's events are in — then has the figures the stored scorecards
 * already hold ("a past window keeps its figures", README), and they are reused instead of recomputed, when
 * the stored scorecards are of the same window dates and previous window and cover every brand of the new window.
 */
export async function materialiseScorecards(
  warehouse: Warehouse,
  connection: DuckDBConnection,
  options: { now: Date; calendar: BusinessCalendar; settledBefore?: Date | null },
): Promise<number> {
  const settledBefore = options.settledBefore?.getTime();
  const windows: ScorecardWindow[] = [];
  const plan: PlannedWindow[] = [];
  for (const days of STANDARD_WINDOW_DAYS) {
    const window = trailingWindow(options.calendar, options.now, days);
    const previous = previousWindow(options.calendar, window, options.now);
    const reusable =
      settledBefore !== undefined &&
      Date.parse(previous.as_of) < settledBefore &&
      (await storedPreviousReusable(warehouse, connection, days, window, previous));
    const w = windows.push(window) - 1;
    plan.push({ days, window, previous, w, previousW: reusable ? null : windows.push(previous) - 1 });
  }
  await computeWindowFigures(connection, windows.map((window, w) => ({ w, window })), { append: false });
  // A brand new to a window (say, seen only in events) may lack a stored previous row: recompute those windows.
  const incomplete: { w: number; window: ScorecardWindow }[] = [];
  for (const planned of plan) {
    if (planned.previousW !== null) continue;
    const missing = await warehouse.one<{ n: number }>(
      `SELECT count(*) AS n FROM (
         SELECT brand_id FROM window_figures WHERE w = $w UNION SELECT brand_id FROM brands
       ) k
       WHERE brand_id NOT IN (
         SELECT brand_id FROM scorecards
         WHERE window_days = $days AND window_from = CAST($from AS DATE) AND window_to = CAST($to AS DATE) AND layout = $layout
       )`,
      { w: planned.w, days: planned.days, from: planned.window.from, to: planned.window.to, layout: STORED_LAYOUT },
      connection,
    );
    if ((missing?.n ?? 0) > 0) {
      planned.previousW = windows.push(planned.previous) - 1;
      incomplete.push({ w: planned.previousW, window: planned.previous });
    }
  }
  if (incomplete.length > 0) await computeWindowFigures(connection, incomplete, { append: true });
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE reused_before AS
     SELECT s.window_days AS days, s.brand_id, json_extract(s.figures, '$.before') AS before
     FROM scorecards s
     JOIN (SELECT unnest(CAST($reused AS JSON[])) AS p) ON s.window_days = CAST(p->>'days' AS INTEGER)
       AND s.window_from = CAST(p->>'from' AS DATE) AND s.window_to = CAST(p->>'to' AS DATE)
     WHERE s.layout = $layout`,
    {
      layout: STORED_LAYOUT,
      reused: JSON.stringify(
        plan.filter((planned) => planned.previousW === null).map(({ days, window }) => ({ days, from: window.from, to: window.to })),
      ),
    },
  );
  const unfed = await unfedMetrics(warehouse, connection);
  await rankAndStore(connection, plan, unfed);
  await connection.run('DELETE FROM scorecards');
  const inserted = await connection.run(
    `INSERT INTO scorecards
     SELECT days, from_day, to_day, as_of, brand_id, figures, CAST($computed_at AS TIMESTAMPTZ), $layout FROM stored_scorecard_rows`,
    { computed_at: options.now.toISOString(), layout: STORED_LAYOUT },
  );
  await dropTempTables(connection);
  return Number(inserted.rowsChanged);
}

/**
 * window_figures (w, brand_id, one column per figure): the five window_*.sql for `windows`, side by side per
 * brand and window; a brand absent from one of them has NULL there, as a brand without activity has everywhere.
 */
async function computeWindowFigures(
  connection: DuckDBConnection,
  windows: readonly { w: number; window: ScorecardWindow }[],
  { append }: { append: boolean },
): Promise<void> {
  await installWindows(connection, windows);
  const parts = WINDOW_FILES.map((_, index) => `window_figures_${index}`);
  for (const [index, file] of WINDOW_FILES.entries()) {
    await connection.run(`CREATE OR REPLACE TEMP TABLE ${parts[index]} AS ${sql(file)}`);
  }
  const keys = parts.map((part) => `SELECT w, brand_id FROM ${part}`).join(' UNION ');
  const joins = parts.map((part) => `LEFT JOIN ${part} USING (w, brand_id)`).join('\n');
  // Percentiles are fractional, every other figure a count (stored as 5, not 5.0).
  const type = (name: string) => (/_p\d+$/.test(name) ? 'DOUBLE' : 'BIGINT');
  const select = `SELECT w, brand_id, ${FIGURE_NAMES.map((name) => `CAST(${name} AS ${type(name)}) AS ${name}`).join(', ')}
    FROM (${keys}) k ${joins}`;
  await connection.run(append ? `INSERT INTO window_figures ${select}` : `CREATE OR REPLACE TEMP TABLE window_figures AS ${select}`);
  for (const part of parts) await connection.run(`DROP TABLE ${part}`);
}

/** SQL for the score and volume a ranked metric is ranked by (rankInput in scorecards.ts), from window_figures `f`. */
function rankInputSql(key: (typeof RANKED_KEYS)[number]): { score: string; volume: string } {
  const spec = METRIC_SPECS[key] as (typeof METRIC_SPECS)[MetricKey];
  const figure = (name: string) => `coalesce(f.${name}, 0)`;
  if ('rate' in spec || 'mean' in spec) {
    const [numerator, denominator] = 'rate' in spec ? spec.rate : spec.mean;
    return {
      score: `CASE WHEN ${figure(denominator)} > 0 THEN ${figure(numerator)} / ${figure(denominator)} END`,
      volume: figure(denominator),
    };
  }
  if ('duration' in spec) return { score: `f.${spec.duration}_p50`, volume: figure(`${spec.duration}_n`) };
  throw new Error(`${key} is a count, which is not ranked`);
}

/**
 * stored_scorecard_rows: the stored form of every brand's scorecard of each planned window — scorecard_rows
 * (each brand with figures in the window, and every brand of `brands`), their ranks among them, and the JSON.
 */
async function rankAndStore(connection: DuckDBConnection, plan: readonly PlannedWindow[], unfed: readonly MetricKey[]): Promise<void> {
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE scorecard_plan AS
     SELECT CAST(p->>'w' AS INTEGER) AS w, CAST(p->>'w_prev' AS INTEGER) AS w_prev, CAST(p->>'days' AS INTEGER) AS days,
            CAST(p->>'from' AS DATE) AS from_day, CAST(p->>'to' AS DATE) AS to_day, CAST(p->>'as_of' AS TIMESTAMPTZ) AS as_of,
            CAST(p->'window' AS VARCHAR) AS window_json, CAST(p->'previous' AS VARCHAR) AS previous_json
     FROM (SELECT unnest(CAST($plan AS JSON[])) AS p)`,
    {
      plan: JSON.stringify(
        plan.map(({ days, window, previous, w, previousW }) => ({
          w, w_prev: previousW, days, from: window.from, to: window.to, as_of: window.as_of, window, previous,
        })),
      ),
    },
  );
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE scorecard_rows AS
     SELECT f.w, f.brand_id FROM window_figures f JOIN scorecard_plan p ON p.w = f.w
     UNION SELECT p.w, b.brand_id FROM scorecard_plan p CROSS JOIN brands b`,
  );
  // Metrics without data are not ranked: their rates have no denominator (withoutUnfed). The goodness of each
  // brand for each ranked key (its score, negated where lower is better, null without the volume) comes from SQL,
  // the ranks from percentilesAmong: 45 window functions over the brands took DuckDB over a second (each its own
  // sort), sorting the columns here a few dozen milliseconds.
  const goodness = RANKED_KEYS.map((key, index) => {
    if (unfed.includes(key)) return `CAST(NULL AS DOUBLE) AS g${index}`;
    const { score, volume } = rankInputSql(key);
    const sign = HIGHER_IS_BETTER.has(key) ? '' : '-';
    return `CASE WHEN (${score}) IS NOT NULL AND ${volume} >= ${RANK_MINIMUMS[key]} THEN ${sign}(${score}) END AS g${index}`;
  });
  const reader = await connection.runAndReadAll(
    `SELECT r.w, r.brand_id, ${goodness.join(',\n')}
     FROM scorecard_rows r LEFT JOIN window_figures f ON f.w = r.w AND f.brand_id = r.brand_id
     ORDER BY r.w, r.brand_id`,
  );
  // No rows (no brand at all) come back as no columns.
  const columns = reader.currentRowCount > 0 ? reader.getColumnsJS() : [];
  const [ws, brandIds] = [columns[0] ?? [], columns[1] ?? []];
  await connection.run('CREATE OR REPLACE TEMP TABLE scorecard_ranks (w INTEGER, brand_id VARCHAR, percentiles VARCHAR)');
  // The peer counts are the same for every brand of a window: one row per window.
  await connection.run('CREATE OR REPLACE TEMP TABLE scorecard_peers (w INTEGER, peers VARCHAR)');
  const appender = await connection.createAppender('scorecard_ranks', 'main', 'temp');
  const peersAppender = await connection.createAppender('scorecard_peers', 'main', 'temp');
  try {
    for (let start = 0; start < ws.length; ) {
      let end = start;
      while (end < ws.length && ws[end] === ws[start]) end += 1;
      const ranked = RANKED_KEYS.map((_, index) =>
        percentilesAmong(columns[2 + index]!.slice(start, end).map((value) => (value === null ? null : Number(value)))),
      );
      peersAppender.appendInteger(Number(ws[start]));
      peersAppender.appendVarchar(JSON.stringify(ranked.map((key) => key.peers)));
      peersAppender.endRow();
      for (let row = start; row < end; row++) {
        appender.appendInteger(Number(ws[row]));
        appender.appendVarchar(String(brandIds[row]));
        appender.appendVarchar(JSON.stringify(ranked.map((key) => key.percentiles[row - start])));
        appender.endRow();
      }
      start = end;
    }
  } finally {
    appender.closeSync();
    peersAppender.closeSync();
  }
  const figures = (alias: string) => `json_array(${FIGURE_NAMES.map((name) => `${alias}.${name}`).join(', ')})`;
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE stored_scorecard_rows AS
     ${sql('stored_scorecards.sql').replaceAll('{{current}}', figures('c')).replaceAll('{{previous}}', figures('q'))}`,
    { no_data: JSON.stringify(unfed) },
  );
}

async function dropTempTables(connection: DuckDBConnection): Promise<void> {
  for (const table of ['window_figures', 'reused_before', 'scorecard_plan', 'scorecard_rows', 'scorecard_ranks', 'scorecard_peers', 'stored_scorecard_rows']) {
    await connection.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

/**
 * Whether the stored scorecards of a standard window are of the same dates as `window` and were judged with
 * exactly `previous` (dates and as_of), so that their previous-window figures can be reused. The window's own
 * as_of may differ: after closing it is the refresh's clock, which moves on every refresh, while the previous
 * window's figures are judged at its own as_of, in the past.
 */
async function storedPreviousReusable(
  warehouse: Warehouse,
  connection: DuckDBConnection,
  days: number,
  window: ScorecardWindow,
  previous: ScorecardWindow,
): Promise<boolean> {
  // Every row of a window is written by one refresh (the table is replaced as a whole): one row's JSON says
  // which previous window they were all judged with.
  const row = await warehouse.one<{ figures: string | null }>(
    `SELECT any_value(figures) AS figures
     FROM scorecards
     WHERE window_days = $days AND window_from = CAST($from AS DATE) AND window_to = CAST($to AS DATE) AND layout = $layout`,
    { days, from: window.from, to: window.to, layout: STORED_LAYOUT },
    connection,
  );
  if (!row?.figures) return false;
  const stored = JSON.parse(row.figures) as { previous: ScorecardWindow };
  return (
    stored.previous.from === previous.from &&
    stored.previous.to === previous.to &&
    Date.parse(stored.previous.as_of) === Date.parse(previous.as_of)
  );
}
