import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeakLoadSettings } from '../../pipelines/config.ts';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { addDays, windowDays, ZonedClock } from '../calendar/zoned-time.ts';
import { detectSurges, surgeLookbackDays, type Surge } from './surges.ts';

/**
 * Peak load (DESIGN §1, §7 `GET /api/load`): the marketplace's CS load per day or hour of the business zone, the
 * busiest days and the surges of orders. Everything per bucket is computed set-based in load_series.sql.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const LOAD_SERIES_SQL = readFileSync(join(HERE, 'load_series.sql'), 'utf8');

export type LoadGrain = 'day' | 'hour';

/** Longest windows per grain: about two years of days, three months of hours. */
export const MAX_WINDOW_DAYS: Record<LoadGrain, number> = { day: 732, hour: 92 };

export interface LoadBucket {
  /** `YYYY-MM-DD` for days; `YYYY-MM-DDTHH:00+09:00` (local time with its offset) for hours. */
  bucket: string;
  /** The bucket's first instant, UTC ISO. */
  bucket_start: string;
  orders_placed: number;
  inquiries_opened: number;
  inquiries_by_channel: { product_qna: number; one_to_one: number; phone: number; board: number; chat: number };
  claims_opened: number;
  contacts_attempted: number;
  /** Inquiries open (no answer from anyone, not closed) at the end of the bucket; null for buckets after as_of. */
  backlog_open_inquiries: number | null;
  /** sla_rate (DESIGN §5) of the inquiries opened in the bucket, judged at as_of. */
  sla_numerator: number;
  sla_denominator: number;
  sla_rate: number | null;
  /** p90 of business hours to the first brand answer, inquiries opened in the bucket. */
  answer_time_p90_bh: number | null;
  answer_time_n: number;
  address_changes_self_service: number;
  address_changes_by_cs: number;
  cancellations_self_service: number;
  cancellations_by_cs: number;
  cancellations_by_brand: number;
}

export interface PeakDay {
  date: string;
  orders_placed: number;
  inquiries_opened: number;
  claims_opened: number;
}

export interface Load {
  window: { from: string; to: string; as_of: string; grain: LoadGrain; time_zone: string };
  series: LoadBucket[];
  peaks: PeakDay[];
  surges: Surge[];
}

export class LoadWindowError extends Error {
  override name = 'LoadWindowError';
}

interface BucketBounds {
  bucket: string;
  start: string;
  end: string;
}

/** Checks a window of API dates and its length for the grain. */
export function checkLoadWindow(dates: { from: string; to: string }, grain: LoadGrain): void {
  const days = windowDays(dates, (message) => new LoadWindowError(message));
  if (days > MAX_WINDOW_DAYS[grain]) {
    throw new LoadWindowError(`window of ${days} days is too long for grain=${grain} (at most ${MAX_WINDOW_DAYS[grain]})`);
  }
}

/** The buckets of [from, to) in the calendar's zone: local days, or the hours of each local day (DST-safe). */
export function bucketsOf(timeZone: string, dates: { from: string; to: string }, grain: LoadGrain): BucketBounds[] {
  const clock = new ZonedClock(timeZone);
  const buckets: BucketBounds[] = [];
  for (let date = dates.from; date < dates.to; date = addDays(date, 1)) {
    const dayStart = clock.instantOf(date, 0);
    const dayEnd = clock.instantOf(addDays(date, 1), 0);
    if (grain === 'day') {
      buckets.push({ bucket: date, start: new Date(dayStart).toISOString(), end: new Date(dayEnd).toISOString() });
      continue;
    }
    for (let start = dayStart; start < dayEnd; start += 3_600_000) {
      buckets.push({
        bucket: localHourLabel(clock, start),
        start: new Date(start).toISOString(),
        end: new Date(Math.min(start + 3_600_000, dayEnd)).toISOString(),
      });
    }
  }
  return buckets;
}

function localHourLabel(clock: ZonedClock, instant: number): string {
  const offset = clock.offsetAt(instant);
  const local = new Date(instant + offset).toISOString().slice(0, 16);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60_000;
  return `${local}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

type SeriesRow = Omit<LoadBucket, 'inquiries_by_channel' | 'sla_rate'> & {
  inquiries_product_qna: number;
  inquiries_one_to_one: number;
  inquiries_phone: number;
  inquiries_board: number;
  inquiries_chat: number;
};

/** The load of each bucket, judged at as_of (see load_series.sql). */
export async function computeLoadSeries(
  warehouse: Warehouse,
  buckets: readonly BucketBounds[],
  asOf: Date,
  connection?: DuckDBConnection,
): Promise<LoadBucket[]> {
  const rows = await warehouse.all<SeriesRow>(
    LOAD_SERIES_SQL,
    { buckets: JSON.stringify(buckets), as_of: asOf.toISOString() },
    connection,
  );
  return rows.map((row) => {
    const { inquiries_product_qna, inquiries_one_to_one, inquiries_phone, inquiries_board, inquiries_chat, ...rest } = row;
    return {
      ...rest,
      bucket_start: new Date(rest.bucket_start).toISOString(),
      inquiries_by_channel: {
        product_qna: inquiries_product_qna,
        one_to_one: inquiries_one_to_one,
        phone: inquiries_phone,
        board: inquiries_board,
        chat: inquiries_chat,
      },
      sla_rate: row.sla_denominator > 0 ? row.sla_numerator / row.sla_denominator : null,
    };
  });
}

/** Local date of the first order placed, or null without orders. */
export async function firstOrderDay(warehouse: Warehouse, calendar: BusinessCalendar, connection?: DuckDBConnection): Promise<string | null> {
  const row = await warehouse.one<{ first: string | null }>('SELECT min(placed_at) AS first FROM fct_orders', undefined, connection);
  return row?.first ? calendar.localDateOf(new Date(row.first)) : null;
}

/**
 * The load of [from, to) per day or hour, the busiest days of the window and the order surges that overlap it.
 * as_of = min(local midnight of `to`, now), as for scorecards. Surges need the days before `from` as baseline, so
 * the daily series is computed from that far back.
 */
export async function computeLoad(
  warehouse: Warehouse,
  request: { from: string; to: string; grain: LoadGrain },
  context: { calendar: BusinessCalendar; now: Date; settings: PeakLoadSettings; connection?: DuckDBConnection },
): Promise<Load> {
  const { calendar, now, settings, connection } = context;
  checkLoadWindow(request, request.grain);
  const asOf = new Date(Math.min(calendar.calendarDayOf(request.to).dayStart, now.getTime()));
  const lookbackFrom = addDays(request.from, -surgeLookbackDays(settings.surge));
  const daily = await computeLoadSeries(
    warehouse,
    bucketsOf(calendar.timeZone, { from: lookbackFrom, to: request.to }, 'day'),
    asOf,
    connection,
  );
  const inWindow = daily.filter((day) => day.bucket >= request.from);
  const series =
    request.grain === 'day'
      ? inWindow
      : await computeLoadSeries(warehouse, bucketsOf(calendar.timeZone, request, 'hour'), asOf, connection);
  const peaks = [...inWindow]
    .filter((day) => day.orders_placed > 0)
    .sort((a, b) => b.orders_placed - a.orders_placed || a.bucket.localeCompare(b.bucket))
    .slice(0, settings.peakDays)
    .map((day) => ({
      date: day.bucket,
      orders_placed: day.orders_placed,
      inquiries_opened: day.inquiries_opened,
      claims_opened: day.claims_opened,
    }));
  // Only complete days are judged: today's first hours, or days after as_of, would look like a sudden drop.
  const complete = daily.filter((day) => calendar.calendarDayOf(addDays(day.bucket, 1)).dayStart <= asOf.getTime());
  const surges = detectSurges(
    complete.map((day) => ({ date: day.bucket, orders: day.orders_placed })),
    settings.surge,
    await firstOrderDay(warehouse, calendar, connection),
  ).filter((surge) => surge.end === null || surge.end >= request.from);
  return {
    window: { from: request.from, to: request.to, as_of: asOf.toISOString(), grain: request.grain, time_zone: calendar.timeZone },
    series,
    peaks,
    surges,
  };
}
