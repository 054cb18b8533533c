import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BusinessCalendar, DateRange } from './calendar.ts';
import { addDays, daysBetween } from './zoned-time.ts';

const BUSINESS_TIME_SQL = join(dirname(fileURLToPath(import.meta.url)), 'business_time.sql');
const CALENDAR_SLOTS_SQL = join(dirname(fileURLToPath(import.meta.url)), 'calendar_slots.sql');

/** Rows per INSERT statement: keeps statements small whatever the range. */
const INSERT_BATCH = 1_000;

export interface InstalledCalendar {
  days: number;
  businessDays: number;
  /** Same messages as calendar.warningsFor(range); also passed to the calendar's onWarning. */
  warnings: string[];
}

/**
 * (Re)creates business_calendar for every local date of `range` (inclusive), the business_days view, the
 * business-time macros of business_time.sql and business_calendar_slots. Runs in one transaction so readers never see a half-built calendar.
 */
export async function installCalendar(
  connection: DuckDBConnection,
  calendar: BusinessCalendar,
  range: DateRange,
): Promise<InstalledCalendar> {
  const { rows, businessDays } = calendarRows(calendar, range);
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run(readFileSync(BUSINESS_TIME_SQL, 'utf8'));
    for (let start = 0; start < rows.length; start += INSERT_BATCH) {
      await connection.run(
        `INSERT INTO business_calendar VALUES ${rows.slice(start, start + INSERT_BATCH).join(',\n')}`,
      );
    }
    const unaligned = await connection.runAndReadAll(
      `SELECT CAST(min(day) AS VARCHAR) FROM business_calendar WHERE epoch_ms(day_start) % 900000 <> 0`,
    );
    const day = unaligned.getRows()[0]?.[0];
    if (day !== null && day !== undefined) {
      throw new RangeError(`${calendar.timeZone}: local midnight of ${String(day)} is not on a quarter hour, which business_calendar_slots needs`);
    }
    await connection.run(readFileSync(CALENDAR_SLOTS_SQL, 'utf8'));
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
  return { days: rows.length, businessDays, warnings: calendar.warningsFor(range) };
}

/** The VALUES rows of business_calendar for every local date of `range` (inclusive). */
function calendarRows(calendar: BusinessCalendar, range: DateRange): { rows: string[]; businessDays: number } {
  const span = daysBetween(range.from, range.to);
  if (span < 0) throw new RangeError(`calendar range ends (${range.to}) before it starts (${range.from})`);
  const rows: string[] = [];
  let openSecondsBefore = 0;
  let ordinal = 0;
  for (let i = 0; i <= span; i++) {
    const { date, dayStart, open, close } = calendar.calendarDayOf(addDays(range.from, i));
    const isOpen = open !== null && close !== null;
    if (isOpen) ordinal++;
    rows.push(
      `(DATE '${date}', ${instant(dayStart)}, ${isOpen}, ${isOpen ? instant(open) : 'NULL'}, ` +
        `${isOpen ? instant(close) : 'NULL'}, ${openSecondsBefore}, ${isOpen ? ordinal : ordinal + 1})`,
    );
    // Whole seconds: openings are whole minutes and zone offsets of the modern era whole seconds.
    if (isOpen) openSecondsBefore += Math.round((close - open) / 1000);
  }
  return { rows, businessDays: ordinal };
}

/**
 * A digest of exactly what installCalendar(calendar, range) would install (rows and macros): equal digests mean
 * the installed calendar needs no reinstall, whatever settings object it came from.
 */
export function calendarFingerprint(calendar: BusinessCalendar, range: DateRange): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(BUSINESS_TIME_SQL, 'utf8'));
  for (const row of calendarRows(calendar, range).rows) hash.update(row);
  return hash.digest('hex');
}

function instant(ms: number): string {
  return `TIMESTAMPTZ '${new Date(ms).toISOString()}'`;
}

export { calendarRangeFor } from './calendar.ts';
