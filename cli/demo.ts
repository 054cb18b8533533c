import { renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import { addDays, isoWeekday } from '../metrics/calendar/zoned-time.ts';
import { evaluateRecommendations } from '../metrics/recommendations/evaluate.ts';
import { policyOfConfig } from '../metrics/recommendations/policy.ts';
import { refresh, type RefreshResult } from '../metrics/refresh.ts';
import type { Config } from '../pipelines/config.ts';
import { generateMarketplace } from '../pipelines/simulator/generate.ts';
import { ingestInbox, type IngestSummary } from '../pipelines/sources/inbox.ts';
import type { Warehouse } from '../pipelines/warehouse/database.ts';

export interface DemoOptions {
  days?: number;
  brands?: number;
  seed?: number;
  now?: Date;
  /** Run the weekly evaluation for the last two Mondays, as the scheduler would have (default true). */
  recommendations?: boolean;
  progress: (message: string) => void;
}

export interface DemoResult {
  groundTruth: string;
  start: string;
  end: string;
  seasonStart: string;
  ingest: IngestSummary;
  refresh: RefreshResult;
}

/**
 * Synthetic marketplace data that ends yesterday, so that the trailing scorecard windows of today are full,
 * with the winter surge three weeks before the end: the story of shared/seeds/ as it would look this morning.
 * Generated into the inbox, then ingested and refreshed through the same paths as real data.
 */
export async function runDemo(warehouse: Warehouse, config: Config, options: DemoOptions): Promise<DemoResult> {
  const now = options.now ?? new Date();
  const calendar = new BusinessCalendar(config.calendar);
  const days = options.days ?? 180;
  const today = calendar.localDateOf(now);
  const start = addDays(today, -days);
  const seasonStart = addDays(today, -21);
  const out = join(config.inbox, `demo-${today}`);
  rmSync(out, { recursive: true, force: true });
  options.progress(`generating ${days} days (${start} to ${addDays(today, -1)}) for ${options.brands ?? 200} brands into ${out}`);
  const generated = await generateMarketplace(
    { out, start, days, brands: options.brands ?? 200, seed: options.seed ?? 1, seasonStart, format: 'parquet' },
    { progress: (line) => options.progress(`  ${line}`) },
  );
  // The archetypes are the answer key, not data: kept beside the inbox, out of the ingest path.
  const groundTruth = join(dirname(config.inbox), 'demo-ground-truth.json');
  renameSync(generated.groundTruthPath, groundTruth);
  options.progress('ingesting the inbox');
  const { summary } = await ingestInbox(warehouse, config.inbox, {
    sourceTimeZone: config.sourceTimeZone,
    onProgress: (line) => options.progress(`  ${line}`),
  });
  rmSync(out, { recursive: true, force: true }); // only the emptied stream folders are left
  options.progress(`  ${summary.accepted} events accepted, ${summary.duplicate} duplicate, ${summary.rejected} rejected`);
  options.progress('refreshing facts, rollups and scorecards');
  const refreshed = await refresh(warehouse, { now, calendar });
  options.progress(`  done in ${refreshed.seconds.toFixed(1)} s`);
  if (options.recommendations ?? true) {
    // The recommendations queue of a new installation would stay empty until Monday 06:00: evaluate the last two
    // Mondays, so the two-consecutive-evaluations rule of delisting can show as well.
    const policy = policyOfConfig(config);
    const lastMonday = addDays(today, -((isoWeekday(today) + 6) % 7));
    for (const asOfDate of [addDays(lastMonday, -7), lastMonday]) {
      const evaluation = await evaluateRecommendations(warehouse, { now, calendar, policy, asOfDate, triggeredBy: 'demo' });
      const { delist, warn, retrain, watch } = evaluation.counts;
      options.progress(`weekly evaluation as of ${asOfDate}: delist ${delist}, warn ${warn}, retrain ${retrain}, watch ${watch}`);
    }
  }
  return { groundTruth, start, end: addDays(today, -1), seasonStart, ingest: summary, refresh: refreshed };
}

export async function hasEvents(warehouse: Warehouse): Promise<boolean> {
  const row = await warehouse.one<{ n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM raw_orders LIMIT 1)');
  return (row?.n ?? 0) > 0;
}
