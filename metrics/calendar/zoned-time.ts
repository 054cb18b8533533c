/**
 * Wall-clock ↔ instant conversion in an IANA zone, through Intl only, so nothing depends on the machine's zone.
 * Calendar dates are 'YYYY-MM-DD' strings; their arithmetic is done on a UTC epoch, where every day is 24 h.
 */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(date: string): { year: number; month: number; day: number } {
  const match = ISO_DATE.exec(date);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) {
      return { year, month, day };
    }
  }
  throw new RangeError(`expected a YYYY-MM-DD date, got '${date}'`);
}

/** Days since 1970-01-01 of a calendar date. */
export function dayNumber(date: string): number {
  const { year, month, day } = parseIsoDate(date);
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function dateOfDayNumber(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumber(date) + days);
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * Refuses a `date` that is not a real YYYY-MM-DD date (2024-02-30 included) with the caller's error: `fail` makes
 * it from the message, so that each module answers with its own class and prefix.
 */
export function checkIsoDate(date: string, fail: (message: string) => Error): void {
  try {
    parseIsoDate(date);
  } catch {
    throw fail(`expected a YYYY-MM-DD date, got '${date}'`);
  }
}

/**
 * Days in the window [from, to) of API dates, after checking both are dates and the window is not empty; `fail`
 * makes the caller's error (each module answers with its own class) from the message.
 */
export function windowDays(dates: { from: string; to: string }, fail: (message: string) => Error): number {
  for (const date of [dates.from, dates.to]) checkIsoDate(date, fail);
  const days = daysBetween(dates.from, dates.to);
  if (days <= 0) throw fail(`window is empty: to (${dates.to}) must be after from (${dates.from})`);
  return days;
}

/** 1 = Monday … 7 = Sunday, as in CalendarSettings.hours. */
export function isoWeekday(date: string): number {
  const weekday = new Date(dayNumber(date) * MS_PER_DAY).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** Minutes after midnight of an 'HH:MM' clock reading. */
export function minutesOfClock(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

export class ZonedClock {
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    // Throws RangeError for an unknown zone, which is the error we want to surface.
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** The wall-clock reading at an instant, as if it were a UTC epoch (ms, whole seconds). */
  private wallEpoch(ms: number): number {
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(ms))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
    // Date.UTC maps years 0–99 to 1900–1999.
    return parts.year! < 100 ? new Date(wall).setUTCFullYear(parts.year!) : wall;
  }

  /** Offset from UTC (ms) in force at an instant. */
  offsetAt(ms: number): number {
    const wholeSecond = Math.floor(ms / 1000) * 1000;
    return this.wallEpoch(wholeSecond) - wholeSecond;
  }

  localDateOf(ms: number): string {
    return new Date(ms + this.offsetAt(ms)).toISOString().slice(0, 10);
  }

  /**
   * The instant at which the zone's clocks read `minutes` after midnight of `date`. Like Temporal's
   * 'compatible' disambiguation: a reading that occurs twice (clocks set back) is its earlier instant; one that
   * never occurs (clocks set forward) is read with the offset before the change, i.e. it lands after the gap.
   */
  instantOf(date: string, minutes: number): number {
    const wall = dayNumber(date) * MS_PER_DAY + minutes * 60_000;
    // Zones change offset at most once in two days, so the offsets a day either side are the only candidates.
    const before = this.offsetAt(wall - MS_PER_DAY);
    const after = this.offsetAt(wall + MS_PER_DAY);
    const candidates = [wall - before, wall - after]
      .filter((instant) => this.offsetAt(instant) === wall - instant)
      .sort((x, y) => x - y);
    return candidates[0] ?? wall - before;
  }
}
