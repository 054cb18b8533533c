import { getHolidayPreset } from '@hyunbinseo/holidays-kr';

/**
 * The simulation's day grid. Every instant in the generator is an integer count of seconds since the start
 * date's local midnight in Asia/Seoul (no DST there, so a day is always 86,400 s); these tables turn day
 * numbers into business-day ordinals and back, so that SQL can place brand work inside business hours.
 */
export interface SimDay {
  day: number;
  date: string;
  /** 0 = Sunday … 6 = Saturday. */
  dow: number;
  holiday: boolean;
  business: boolean;
  /** Ordinal of this day's business date when the instant is before closing (this day or the next business day). */
  ordOn: number;
  /** Ordinal of the first business day strictly after this day. */
  ordAfter: number;
}

export interface SimCalendar {
  days: SimDay[];
  /** Day number of each business day, indexed by ordinal. */
  businessDays: number[];
  /** Years outside the holiday source: weekends only there. */
  uncoveredYears: number[];
}

export const OPEN_SECONDS = 9 * 3600;
export const CLOSE_SECONDS = 18 * 3600;

export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Builds `count` days from `start`, business days Monday–Friday except Korean public holidays (DESIGN §4). */
export async function buildCalendar(start: string, count: number): Promise<SimCalendar> {
  const holidays = new Set<string>();
  const uncoveredYears: number[] = [];
  const firstYear = Number(start.slice(0, 4));
  const lastYear = Number(addDays(start, count - 1).slice(0, 4));
  for (let year = firstYear; year <= lastYear; year++) {
    try {
      const preset = await getHolidayPreset(String(year));
      for (const date of Object.keys(preset)) holidays.add(date);
    } catch {
      uncoveredYears.push(year);
    }
  }
  const days: SimDay[] = [];
  for (let day = 0; day < count; day++) {
    const date = addDays(start, day);
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    const holiday = holidays.has(date);
    days.push({ day, date, dow, holiday, business: dow !== 0 && dow !== 6 && !holiday, ordOn: -1, ordAfter: -1 });
  }
  const businessDays = days.filter((d) => d.business).map((d) => d.day);
  // Walk backwards so each day knows the next business day's ordinal; the tail past the last business day
  // points one past the end, which SQL lookups turn into NULL (an event that never happens in the grid).
  let next = businessDays.length;
  for (let i = days.length - 1; i >= 0; i--) {
    const d = days[i]!;
    d.ordAfter = next;
    if (d.business) next = businessDays.indexOf(d.day);
    d.ordOn = next;
  }
  return { days, businessDays, uncoveredYears };
}

/** The first Monday on or after 1 December that is not before `start`: the default start of the winter season. */
export function defaultSeasonStart(start: string): string {
  for (let year = Number(start.slice(0, 4)); ; year++) {
    let date = `${year}-12-01`;
    while (new Date(`${date}T00:00:00Z`).getUTCDay() !== 1) date = addDays(date, 1);
    if (date >= start) return date;
  }
}

/** A deterministic uniform draw in [0, 1) for small JavaScript-side choices (brands, daily noise). */
export function uniform(seed: number, ...keys: (string | number)[]): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  const text = keys.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return ((h2 >>> 0) * 2 ** 21 + (h1 >>> 11)) / 2 ** 53;
}

/** Relative order volume by weekday (Sunday first): Sunday evenings and Mondays are busy, Saturdays quiet. */
export const WEEKDAY_FACTOR = [1.05, 1.1, 1.02, 1.0, 0.98, 0.95, 0.9];
/** Orders on a public holiday, relative to the same weekday. */
export const HOLIDAY_FACTOR = 0.75;
/** Orders reach this multiple of the normal level once the winter season is under way. */
export const SEASON_PEAK = 2.25;
/** Days the season takes to ramp up to its peak. */
export const SEASON_RAMP_DAYS = 5;

/** Expected orders per day before scaling: weekly pattern, quiet holidays, the winter surge and ±4% noise. */
export function expectedOrders(days: SimDay[], seasonDay: number, baseDaily: number, seed: number): number[] {
  return days.map((d) => {
    const season = d.day < seasonDay ? 1 : 1 + (SEASON_PEAK - 1) * Math.min(1, (d.day - seasonDay + 1) / SEASON_RAMP_DAYS);
    const noise = 1 + 0.08 * (uniform(seed, 'day-volume', d.day) - 0.5);
    return baseDaily * WEEKDAY_FACTOR[d.dow]! * (d.holiday ? HOLIDAY_FACTOR : 1) * season * noise;
  });
}

/** Integer counts with the given total, rounding cumulatively so that no day drifts by more than one order. */
export function apportion(weights: number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts: number[] = [];
  let acc = 0;
  let given = 0;
  for (const w of weights) {
    acc += w;
    const upTo = Math.round((acc / sum) * total);
    counts.push(upTo - given);
    given = upTo;
  }
  return counts;
}

/** Hourly shares of customer activity (orders, inquiries, reviews): low at night, a peak in the evening. */
export const CUSTOMER_HOURS = [
  1.2, 0.7, 0.4, 0.25, 0.2, 0.3, 0.6, 1.2, 2.2, 3.4, 4.3, 4.8, 5.0, 4.9, 5.0, 5.1, 5.0, 5.0, 5.2, 5.8, 6.8, 7.6, 7.3, 3.9,
];
