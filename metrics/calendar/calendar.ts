import type { z } from 'zod';
import { CalendarSettingsSchema, type CalendarSettings } from '../../pipelines/config.ts';
import { hasKoreanHolidayData, KOREAN_HOLIDAY_YEARS, koreanHolidayNames } from './korean-holidays.ts';
import { addDays, dateOfDayNumber, dayNumber, isoWeekday, minutesOfClock, parseIsoDate, ZonedClock } from './zoned-time.ts';

/** Business calendar of DESIGN §4: which days are open, when, and time measured only while open. */

/** Inclusive range of local calendar dates, 'YYYY-MM-DD'. */
export interface DateRange {
  from: string;
  to: string;
}

export interface BusinessCalendarOptions {
  /** Called once per year the calendar touches without holiday data (the calendar never logs by itself). */
  onWarning?: (message: string) => void;
}

/** One local calendar day, with instants as epoch milliseconds. */
export interface CalendarDay {
  date: string;
  /** Local midnight (or the first instant of the day when midnight falls in a DST gap). */
  dayStart: number;
  /** Opening and closing instants; null when the day is closed. */
  open: number | null;
  close: number | null;
}

type Hours = { open: string; close: string };

/** Hours of a day opened by extraWorkingDays when its own weekday has none (DESIGN's default weekday). */
const FALLBACK_HOURS: Hours = { open: '09:00', close: '18:00' };

/** A calendar with no open day within this many days is misconfigured; searching further would never end. */
const MAX_CLOSED_RUN_DAYS = 3_660;

const MS_PER_HOUR = 3_600_000;

export class BusinessCalendar {
  readonly timeZone: string;
  private readonly clock: ZonedClock;
  private readonly extraHolidays: ReadonlySet<string>;
  private readonly extraWorkingDays: ReadonlySet<string>;
  private readonly days = new Map<string, CalendarDay>();
  private readonly warnedYears = new Set<number>();
  private readonly emitted: string[] = [];
  private readonly onWarning: ((message: string) => void) | undefined;

  constructor(
    readonly settings: CalendarSettings,
    options: BusinessCalendarOptions = {},
  ) {
    this.timeZone = settings.timeZone;
    this.clock = new ZonedClock(settings.timeZone);
    this.extraHolidays = new Set(settings.extraHolidays);
    this.extraWorkingDays = new Set(settings.extraWorkingDays);
    this.onWarning = options.onWarning;
  }

  /** Validates raw settings (the config file's `calendar` section) and fills the DESIGN defaults. */
  static fromSettings(
    input: z.input<typeof CalendarSettingsSchema> = {},
    options: BusinessCalendarOptions = {},
  ): BusinessCalendar {
    return new BusinessCalendar(CalendarSettingsSchema.parse(input), options);
  }

  /** Warnings emitted so far (each also passed to onWarning). */
  get warnings(): readonly string[] {
    return this.emitted;
  }

  /** Warnings that a computation over `range` would raise, without raising them. */
  warningsFor(range: DateRange): string[] {
    if (!this.settings.koreanHolidays) return [];
    const from = parseIsoDate(range.from).year;
    const to = parseIsoDate(range.to).year;
    const messages: string[] = [];
    for (let year = from; year <= to; year++) {
      if (!hasKoreanHolidayData(year)) messages.push(missingHolidaysMessage(year));
    }
    return messages;
  }

  isBusinessDay(date: string): boolean {
    return this.calendarDayOf(date).open !== null;
  }

  /** Local calendar date of an instant in the business zone. */
  localDateOf(instant: Date): string {
    return this.clock.localDateOf(instant.getTime());
  }

  /** Opening and closing instants of a date, or null when it is closed. */
  openingHoursOf(date: string): { open: Date; close: Date } | null {
    const { open, close } = this.calendarDayOf(date);
    return open === null || close === null ? null : { open: new Date(open), close: new Date(close) };
  }

  /** The first business day strictly after `date`. */
  nextBusinessDay(date: string): string {
    for (let i = 1; i <= MAX_CLOSED_RUN_DAYS; i++) {
      const candidate = addDays(date, i);
      if (this.isBusinessDay(candidate)) return candidate;
    }
    throw new RangeError(`no business day within ${MAX_CLOSED_RUN_DAYS} days after ${date}: check calendar hours`);
  }

  /**
   * DESIGN §4: its date if that is a business day and the instant is before closing time (an instant before
   * opening belongs to that day too), otherwise the next business day.
   */
  businessDateOf(instant: Date): string {
    const ms = instant.getTime();
    const date = this.clock.localDateOf(ms);
    const { close } = this.calendarDayOf(date);
    return close !== null && ms < close ? date : this.nextBusinessDay(date);
  }

  /** Length of the overlap of [a, b) with open hours, in hours; 0 when b <= a. */
  businessHoursBetween(a: Date, b: Date): number {
    return this.businessMillisecondsBetween(a.getTime(), b.getTime()) / MS_PER_HOUR;
  }

  /** As businessHoursBetween, in seconds, for callers that compare with SQL's epoch seconds. */
  businessSecondsBetween(a: Date, b: Date): number {
    return this.businessMillisecondsBetween(a.getTime(), b.getTime()) / 1000;
  }

  /** Closing time of the n-th business day after t's business date; n = 0 is the business date's own closing. */
  deadlineAfter(t: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`business days must be a whole number >= 0, got ${n}`);
    let date = this.businessDateOf(t);
    for (let i = 0; i < n; i++) date = this.nextBusinessDay(date);
    return new Date(this.calendarDayOf(date).close!);
  }

  /** The day as the DuckDB form stores it; see installCalendar. */
  calendarDayOf(date: string): CalendarDay {
    let day = this.days.get(date);
    if (!day) {
      day = this.computeDay(date);
      this.days.set(date, day);
    }
    return day;
  }

  private businessMillisecondsBetween(a: number, b: number): number {
    if (!(b > a)) return 0;
    const first = dayNumber(this.clock.localDateOf(a));
    const last = dayNumber(this.clock.localDateOf(b));
    let total = 0;
    for (let day = first; day <= last; day++) {
      const { open, close } = this.calendarDayOf(dateOfDayNumber(day));
      if (open === null || close === null) continue;
      total += Math.max(0, Math.min(close, b) - Math.max(open, a));
    }
    return total;
  }

  private computeDay(date: string): CalendarDay {
    const dayStart = this.clock.instantOf(date, 0);
    const hours = this.hoursOf(date);
    if (!hours) return { date, dayStart, open: null, close: null };
    return {
      date,
      dayStart,
      open: this.clock.instantOf(date, minutesOfClock(hours.open)),
      close: this.clock.instantOf(date, minutesOfClock(hours.close)),
    };
  }

  private hoursOf(date: string): Hours | undefined {
    const hours = this.settings.hours;
    const weekday = String(isoWeekday(date)) as keyof typeof hours;
    // An explicit holiday wins over an explicit working day: listing a date in both is read as "closed".
    if (this.extraHolidays.has(date)) return undefined;
    if (this.extraWorkingDays.has(date)) return hours[weekday] ?? hours['1'] ?? FALLBACK_HOURS;
    if (this.settings.koreanHolidays) {
      const year = parseIsoDate(date).year;
      if (!hasKoreanHolidayData(year)) this.warnOnce(year);
      else if (koreanHolidayNames(date)) return undefined;
    }
    return hours[weekday];
  }

  private warnOnce(year: number): void {
    if (this.warnedYears.has(year)) return;
    this.warnedYears.add(year);
    const message = missingHolidaysMessage(year);
    this.emitted.push(message);
    this.onWarning?.(message);
  }
}

function missingHolidaysMessage(year: number): string {
  const covered = `${KOREAN_HOLIDAY_YEARS[0]}–${KOREAN_HOLIDAY_YEARS.at(-1)}`;
  return `no Korean public holiday data for ${year} (@hyunbinseo/holidays-kr covers ${covered}): only weekends and configured extra holidays are closed`;
}

/**
 * A calendar range that comfortably covers data from minDate to maxDate: 60 days before (zone offsets and
 * late-arriving history) and 400 after, since a deadline can fall well beyond the last event.
 */
export function calendarRangeFor(minDate: string | Date, maxDate: string | Date): DateRange {
  const toDate = (value: string | Date) => (typeof value === 'string' ? value : value.toISOString().slice(0, 10));
  return { from: addDays(toDate(minDate), -60), to: addDays(toDate(maxDate), 400) };
}
