import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { addDays } from '../calendar/zoned-time.ts';
import { computeWindowMetrics, EMPTY_METRICS, resolveWindow, trailingWindow } from '../scorecards/scorecards.ts';
import type { ScorecardWindow } from '../scorecards/schema.ts';
import type { BrandEvidence, BrandTrend, ClaimStageDuration } from './schema.ts';

/**
 * The evidence behind one brand's scorecard (DESIGN §5, §6): example late orders, overdue inquiries and failed
 * contacts with their ids, the time claims spend in each stage, and the weekly trend of the rates a merchandiser
 * watches. Each list uses the same definition as the scorecard metric it explains.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const sql = (file: string) => readFileSync(join(HERE, file), 'utf8');

export const DEFAULT_EVIDENCE_LIMIT = 20;
export const DEFAULT_TREND_WEEKS = 12;

type WithTotal<T> = T & { total: number };

function examples<T extends object>(rows: WithTotal<T>[]): { total: number; items: T[] } {
  return {
    total: rows[0]?.total ?? 0,
    items: rows.map(({ total: _total, ...item }) => item as unknown as T),
  };
}

export async function brandEvidence(
  warehouse: Warehouse,
  brandId: string,
  window: ScorecardWindow,
  options: { limit?: number; connection?: DuckDBConnection } = {},
): Promise<BrandEvidence> {
  const params = { brand: brandId, from: window.from, to: window.to, as_of: window.as_of, limit: options.limit ?? DEFAULT_EVIDENCE_LIMIT };
  // DuckDB refuses parameters a statement does not use, so each file gets those it names.
  const read = <T>(file: string) => {
    const text = sql(file);
    const used = Object.fromEntries(Object.entries(params).filter(([name]) => new RegExp(`\\$${name}\\b`).test(text)));
    return warehouse.all<T>(text, used, options.connection);
  };
  const stages = await read<ClaimStageDuration>('claim_stage_durations.sql');
  return {
    brand_id: brandId,
    window,
    late_orders: examples(await read<WithTotal<BrandEvidence['late_orders']['items'][number]>>('late_orders.sql')),
    overdue_inquiries: examples(await read<WithTotal<BrandEvidence['overdue_inquiries']['items'][number]>>('overdue_inquiries.sql')),
    failed_contacts: examples(await read<WithTotal<BrandEvidence['failed_contacts']['items'][number]>>('failed_contacts.sql')),
    claim_stage_durations: stages.map(({ stage, n, p50, p90 }) => ({ stage, n, p50, p90 })),
  };
}

/**
 * Weekly late dispatch rate, SLA rate and answer time of one brand: `weeks` consecutive 7-day windows ending at
 * the current business date (the `to` of the trailing scorecard windows), each judged as its scorecard would be.
 */
export async function brandTrend(
  warehouse: Warehouse,
  brandId: string,
  options: { weeks?: number; now: Date; calendar: BusinessCalendar; connection?: DuckDBConnection },
): Promise<BrandTrend> {
  const weeks = options.weeks ?? DEFAULT_TREND_WEEKS;
  const { to } = trailingWindow(options.calendar, options.now, 7);
  const windows = Array.from({ length: weeks }, (_, i) => {
    const end = addDays(to, -7 * (weeks - 1 - i));
    return resolveWindow(options.calendar, { from: addDays(end, -7), to: end }, options.now);
  });
  const metrics = await computeWindowMetrics(warehouse, windows, options.connection, [brandId]);
  return {
    brand_id: brandId,
    weeks: windows.map((window, i) => {
      const m = metrics[i]!.get(brandId) ?? EMPTY_METRICS;
      return { from: window.from, to: window.to, late_dispatch_rate: m.late_dispatch_rate, sla_rate: m.sla_rate, answer_time_bh: m.answer_time_bh };
    }),
  };
}
