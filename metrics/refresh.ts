import type { Warehouse } from '../pipelines/warehouse/database.ts';
import { calendarRangeFor, type BusinessCalendar, type DateRange } from './calendar/calendar.ts';
import { calendarFingerprint, installCalendar } from './calendar/install-calendar.ts';
import { addDays } from './calendar/zoned-time.ts';
import { dropFactChanges, rebuildFacts, type FactCounts } from './facts/facts.ts';
import { rebuildBrandDays } from './rollups/rollups.ts';
import { materialiseScorecards } from './scorecards/materialise.ts';
import { standardScorecardsCurrent } from './scorecards/scorecards.ts';
import { storedScorecardsChanged } from './scorecards/stored-cache.ts';

/**
 * Refresh: raw events → facts → brand_day rollups → materialised scorecards (DESIGN §2). The raw events in a
 * batch after the watermark (refresh_state.last_batch) are folded into the facts of the entities they touch,
 * and the difference those facts make into the rollups of the (brand, day) pairs they counted in before or
 * count in now, all in one transaction with the watermark, so a crash leaves the previous refresh intact and the
 * next one redoes the work. Neither step reads the history: the cost follows the new data.
 *
 * The scorecards are built in a second transaction, on the committed facts, and it records the watermark they
 * were built at (refresh_state.scorecards_batch): a refresh stopped between the two leaves the new facts with the
 * previous scorecards, and the next refresh sees that and builds them. Inside the facts' transaction the window
 * queries read over its uncommitted rewrites of the facts: on copies of one 10M-order database with a new day
 * ingested, the scorecards phase took 3.75 and 4.15 s there, 2.82 and 3.28 s after the commit. The second
 * transaction may see `brands` rows an ingest committed in between (names and statuses newer than the facts);
 * the next refresh, seeing the upsert, recomputes every scorecard.
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
  /** Seconds per phase (the profile the benchmark writes): the calendar, facts, brand_day, scorecards, and the commits of both transactions. */
  phases: { calendar: number; facts: number; rollups: number; scorecards: number; commit: number };
}

const RAW_TABLES = ['raw_orders', 'raw_shipments', 'raw_inquiries', 'raw_claims', 'raw_contacts', 'raw_reviews'];

export async function refresh(warehouse: Warehouse, { now, calendar }: RefreshOptions): Promise<RefreshResult> {
  const started = performance.now();
  const phases = { calendar: 0, facts: 0, rollups: 0, scorecards: 0, commit: 0 };
  let mark = started;
  const lap = (phase: keyof typeof phases) => {
    const at = performance.now();
    phases[phase] += (at - mark) / 1000;
    mark = at;
  };
  const { range, reinstalled } = await installCalendarForData(warehouse, calendar, now);
  lap('calendar');
  const facts = await warehouse.transaction(async (connection) => {
    const state = await warehouse.one<{ last_batch: number; scorecards_batch: number | null }>(
      'SELECT last_batch, scorecards_batch FROM refresh_state WHERE id = 1',
      undefined,
      connection,
    );
    const fromBatch = state?.last_batch ?? 0;
    // Scorecards built before the facts they stand on: an earlier refresh stopped after committing its facts.
    const scorecardsBehind = state !== undefined && state.scorecards_batch !== fromBatch;
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
    // Nothing known at or before this instant changes in this refresh (see materialiseScorecards): no new event,
    // or the earliest new one when no brand was upserted; null when that cannot be said.
    let settledBefore: Date | null = reinstalled || fromBatch <= 0 || scorecardsBehind ? null : new Date(8.64e15);
    // A reinstalled calendar changes scorecards without a new batch: until they are rebuilt they are behind.
    const scorecardsBatch = reinstalled ? null : (state?.scorecards_batch ?? null);
    if (toBatch > fromBatch) {
      const upserted = await warehouse.one<{ any: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM brands WHERE ingest_batch > ${Math.trunc(fromBatch)}) AS any`,
        undefined,
        connection,
      );
      if (upserted?.any === true) settledBefore = null;
      if (settledBefore) {
        const earliest = await warehouse.one<{ first: string | null }>(
          `SELECT min(first) AS first FROM (
             ${RAW_TABLES.map((table) => `SELECT min(occurred_at) AS first FROM ${table} WHERE ingest_batch > ${Math.trunc(fromBatch)}`).join(' UNION ALL ')}
           )`,
          undefined,
          connection,
        );
        if (earliest?.first) settledBefore = new Date(earliest.first);
      }
      touched = await rebuildFacts(connection, fromBatch, { upsertedBrands: upserted?.any === true });
      lap('facts');
      rollupRows = await rebuildBrandDays(connection, { full: fromBatch <= 0 });
      await dropFactChanges(connection, { full: fromBatch <= 0 });
      lap('rollups');
    }
    await connection.run('DELETE FROM refresh_state');
    await connection.run(
      `INSERT INTO refresh_state (id, last_batch, refreshed_at, scorecards_batch)
       VALUES (1, $batch, CAST($now AS TIMESTAMPTZ), $scorecards_batch)`,
      { batch: BigInt(toBatch), now: now.toISOString(), scorecards_batch: scorecardsBatch === null ? null : BigInt(scorecardsBatch) },
    );
    return { fromBatch, toBatch, touched, rollupRows, settledBefore, scorecardsBehind };
  });
  lap('commit');
  const { fromBatch, toBatch, settledBefore, scorecardsBehind } = facts;
  const scorecards = await warehouse.transaction(async (connection) => {
    // Scorecards depend on `now` as well as on the data (deadlines pass without new events): they are kept only
    // when neither the data, the calendar nor the standard windows and their as_of have changed since.
    const unchanged =
      toBatch === fromBatch &&
      !scorecardsBehind &&
      !reinstalled &&
      (await standardScorecardsCurrent(warehouse, connection, { now, calendar }));
    const count = unchanged
      ? unchanged.count
      : await materialiseScorecards(warehouse, connection, { now, calendar, settledBefore });
    await connection.run('UPDATE refresh_state SET scorecards_batch = $batch', { batch: BigInt(toBatch) });
    lap('scorecards');
    return count;
  });
  lap('commit');
  // Committed: the API's in-memory copies of the stored scorecards are out of date.
  storedScorecardsChanged(warehouse);
  return {
    fromBatch, toBatch, touched: facts.touched, rollupRows: facts.rollupRows, scorecards, calendar: range,
    seconds: (performance.now() - started) / 1000, phases,
  };
}

/** Extra days installed beyond what the data needs, so that `now` moving on does not reinstall every day. */
const CALENDAR_SLACK_DAYS = 60;

/**
 * Makes business_calendar cover the raw events' dates and `now`, padded (calendarRangeFor) so that every
 * deadline of the facts falls inside it, with the current settings. The installed range and a fingerprint of
 * its contents are kept in calendar_state: when they still cover the data and match the settings the calendar
 * is left alone, else it is reinstalled over the whole data (which also picks up changed calendar settings for
 * the facts rebuilt from then on). Facts keep only differences of business time and deadlines as instants, so
 * they do not depend on where the installed range starts.
 */
async function installCalendarForData(
  warehouse: Warehouse,
  calendar: BusinessCalendar,
  now: Date,
): Promise<{ range: DateRange; reinstalled: boolean }> {
  const state = await warehouse.one<{ range_from: string; range_to: string; fingerprint: string }>(
    'SELECT CAST(range_from AS VARCHAR) AS range_from, CAST(range_to AS VARCHAR) AS range_to, fingerprint FROM calendar_state',
  );
  if (state) {
    const installed = { from: state.range_from, to: state.range_to };
    // Only events after the watermark can be new to the installed range; zone maps skip the older batches.
    const watermark = await warehouse.one<{ last_batch: number }>('SELECT last_batch FROM refresh_state WHERE id = 1');
    const needed = await neededRange(warehouse, calendar, now, watermark?.last_batch ?? 0);
    // A calendar installed before business_calendar_slots existed lacks it: the query fails and it is reinstalled.
    const table = await warehouse.one<{ first: string | null; last: string | null; days: number }>(
      `SELECT CAST(min(day) AS VARCHAR) AS first, CAST(max(day) AS VARCHAR) AS last, count(*) AS days
       FROM business_calendar WHERE EXISTS (SELECT 1 FROM business_calendar_slots)`,
    ).catch(() => undefined);
    if (
      table?.first === installed.from &&
      table.last === installed.to &&
      installed.from <= needed.from &&
      installed.to >= needed.to &&
      calendarFingerprint(calendar, installed) === state.fingerprint
    ) {
      return { range: installed, reinstalled: false };
    }
  }
  const needed = await neededRange(warehouse, calendar, now, 0);
  const range = { from: needed.from, to: addDays(needed.to, CALENDAR_SLACK_DAYS) };
  const connection = await warehouse.connect();
  try {
    await installCalendar(connection, calendar, range);
  } finally {
    connection.closeSync();
  }
  await warehouse.transaction(async (connection) => {
    await connection.run('DELETE FROM calendar_state');
    await connection.run('INSERT INTO calendar_state VALUES (1, CAST($from AS DATE), CAST($to AS DATE), $fingerprint)', {
      from: range.from,
      to: range.to,
      fingerprint: calendarFingerprint(calendar, range),
    });
  });
  return { range, reinstalled: true };
}

/** The calendar range the raw events of batches after `sinceBatch` and `now` need (calendarRangeFor). */
async function neededRange(warehouse: Warehouse, calendar: BusinessCalendar, now: Date, sinceBatch: number): Promise<DateRange> {
  const since = Math.trunc(sinceBatch);
  const bounds = await warehouse.one<{ first: string | null; last: string | null }>(
    `SELECT min(first) AS first, max(last) AS last FROM (
       ${RAW_TABLES.map((table) => `SELECT min(occurred_at) AS first, max(occurred_at) AS last FROM ${table} WHERE ingest_batch > ${since}`).join(' UNION ALL ')}
     )`,
  );
  const first = bounds?.first ? new Date(bounds.first) : now;
  const last = bounds?.last && new Date(bounds.last) > now ? new Date(bounds.last) : now;
  return calendarRangeFor(calendar.localDateOf(first < now ? first : now), calendar.localDateOf(last));
}
