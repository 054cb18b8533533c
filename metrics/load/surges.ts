import type { PeakLoadSettings } from '../../pipelines/config.ts';
import { addDays } from '../calendar/zoned-time.ts';

/** Orders of one local day. */
export interface DailyOrders {
  date: string;
  orders: number;
}

/**
 * A run of consecutive days on which the trailing `recentDays` mean of orders is at least `factor` times the mean
 * of the `baselineDays` before those days.
 */
export interface Surge {
  /** First day of the run: the day the surge was detectable. */
  start: string;
  /** Last day of the run, or null when it runs to the last day looked at (still going). */
  end: string | null;
  /** The day of the run with the most orders, and that count. */
  peak: string;
  peak_orders: number;
  /** Ratio of the trailing mean to its baseline on the start day, and the highest ratio during the run. */
  start_factor: number;
  factor: number;
  /** Mean daily orders of the baseline before the start. */
  baseline_mean: number;
}

export type SurgeSettings = PeakLoadSettings['surge'];

/** Days of history a surge on day d needs: d itself and the days before it. */
export function surgeLookbackDays(settings: SurgeSettings): number {
  return settings.recentDays + settings.baselineDays - 1;
}

/**
 * Surges in a daily series (consecutive dates, oldest first). A day is judged only when its whole baseline lies
 * on or after `firstDataDay` (the first day with any order), so the start of the data is not taken for a surge.
 */
export function detectSurges(days: readonly DailyOrders[], settings: SurgeSettings, firstDataDay: string | null): Surge[] {
  const { recentDays, baselineDays, factor } = settings;
  const surges: Surge[] = [];
  let current: Surge | null = null;
  for (let i = recentDays + baselineDays - 1; i < days.length; i++) {
    const baselineFirst = days[i - recentDays - baselineDays + 1]!.date;
    let ratio: number | null = null;
    let baselineMean = 0;
    if (firstDataDay !== null && baselineFirst >= firstDataDay) {
      const recent = mean(days.slice(i - recentDays + 1, i + 1).map((d) => d.orders));
      baselineMean = mean(days.slice(i - recentDays - baselineDays + 1, i - recentDays + 1).map((d) => d.orders));
      ratio = baselineMean > 0 ? recent / baselineMean : null;
    }
    const day = days[i]!;
    if (ratio !== null && ratio >= factor) {
      if (!current) {
        current = {
          start: day.date,
          end: null,
          peak: day.date,
          peak_orders: day.orders,
          start_factor: ratio,
          factor: ratio,
          baseline_mean: baselineMean,
        };
        surges.push(current);
      }
      if (day.orders > current.peak_orders) {
        current.peak = day.date;
        current.peak_orders = day.orders;
      }
      current.factor = Math.max(current.factor, ratio);
    } else if (current) {
      current.end = addDays(day.date, -1);
      current = null;
    }
  }
  return surges;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
