import type { Warehouse } from '../pipelines/warehouse/database.ts';
import { calendarRangeFor, type BusinessCalendar, type DateRange } from './calendar/calendar.ts';
import { installCalendar } from './calendar/install-calendar.ts';
import { rebuildFacts, type FactCounts } from './facts/facts.ts';
import { rebuildBrandDays } from './rollups/rollups.ts';
import { materialiseScorecards } from './scorecards/scorecards.ts';

/**
 * Refresh: raw events → facts → brand_day rollups → materialised scorecards (DESIGN §2). Facts are rebuilt for
 * the entities with raw events in a batch after the watermark (refresh_state.last_batch), rollups for the
 * (brand, day) pairs those facts counted in before or count in now, all in one transaction with the watermark,
 * so a crash leaves the previous refresh intact and the next one redoes the work.
 */

export interface RefreshOptions {
  /** The clock: deadlines passed and the standard scorecard windows are judged at this instant. */
  now: Date;
  calendar: BusinessCalendar;
}

export interface RefreshResult {
  /** Watermark before and after: batches in (fromBatch, toBatch] were folded in. */
  fromBatch: number;
  toBatch: number;
  /** Facts rebuilt, per entity. */
  touched: FactCounts;
  /** brand_day rows rewritten. */
  rollupRows: number;
  /** Scorecards materialised for the standard windows. */
  scorecards: number;
  /** Local dates the installed business calendar covers. */
  calendar: DateRange;
  seconds: number;
}

const RAW_TABLES = ['raw_orders', 'raw_shipments', 'raw_inquiries', 'raw_claims', 'raw_contacts', 'raw_reviews'];

export async function refresh(warehouse: Warehouse, { now, calendar }: RefreshOptions): Promise<RefreshResult> {
  const started = performance.now();
  const range = await installCalendarForData(warehouse, calendar, now);
  const result = await warehouse.transaction(async (connection) => {
    const state = await warehouse.one<{ last_batch: number }>(
      'SELECT last_batch FROM refresh_state WHERE id = 1',
      undefined,
      connection,
    );
    const fromBatch = state?.last_batch ?? 0;
    const top = await warehouse.one<{ batch: number | null }>(
      `SELECT max(batch) AS batch FROM (
         ${[...RAW_TABLES, 'brands'].map((table) => `SELECT max(ingest_batch) AS batch FROM ${table}`).join(' UNION ALL ')}
       )`,
      undefined,
      connection,
    );
    const toBatch = Math.max(fromBatch, top?.batch ?? 0);
    let touched: FactCounts = { orders: 0, inquiries: 0, claims: 0, contacts: 0, reviews: 0 };
    let rollupRows = 0;
    if (toBatch > fromBatch) {
      touched = await rebuildFacts(connection, fromBatch);
      rollupRows = await rebuildBrandDays(connection);
    }
    await connection.run('DELETE FROM refresh_state');
    await connection.run('INSERT INTO refresh_state VALUES (1, $batch, CAST($now AS TIMESTAMPTZ))', {
      batch: BigInt(toBatch),
      now: now.toISOString(),
    });
    // Scorecards depend on `now` as well as on the data (deadlines pass without new events), so they are
    // recomputed on every refresh.
    const scorecards = await materialiseScorecards(warehouse, connection, { now, calendar });
    return { fromBatch, toBatch, touched, rollupRows, scorecards };
  });
  return { ...result, calendar: range, seconds: (performance.now() - started) / 1000 };
}

/**
 * (Re)installs business_calendar over the raw events' dates and `now`, padded (calendarRangeFor) so that every
 * deadline of the facts falls inside it. Reinstalled on every refresh, which also picks up changed calendar
 * settings for the facts rebuilt from then on.
 */
async function installCalendarForData(warehouse: Warehouse, calendar: BusinessCalendar, now: Date): Promise<DateRange> {
  const bounds = await warehouse.one<{ first: string | null; last: string | null }>(
    `SELECT min(first) AS first, max(last) AS last FROM (
       ${RAW_TABLES.map((table) => `SELECT min(occurred_at) AS first, max(occurred_at) AS last FROM ${table}`).join(' UNION ALL ')}
     )`,
  );
  const first = bounds?.first ? new Date(bounds.first) : now;
  const last = bounds?.last && new Date(bounds.last) > now ? new Date(bounds.last) : now;
  const range = calendarRangeFor(
    calendar.localDateOf(first < now ? first : now),
    calendar.localDateOf(last),
  );
  const connection = await warehouse.connect();
  try {
    await installCalendar(connection, calendar, range);
  } finally {
    connection.closeSync();
  }
  return range;
}
