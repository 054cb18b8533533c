import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { addDays, daysBetween, isoWeekday } from '../calendar/zoned-time.ts';
import { bucketsOf, computeLoadSeries, firstOrderDay, type LoadBucket } from '../load/load.ts';
import {
  fitHoltWinters,
  forecastHoltWinters,
  meanAbsolutePercentageError,
  MIN_HISTORY,
  seasonalNaive,
  type HoltWintersParameters,
} from './holt-winters.ts';

/**
 * Forecast of daily orders and inquiries (DESIGN §1, §8) for the days after the last complete day, from the
 * daily load series: Holt-Winters with damped trend and weekly seasonality (holt-winters.ts), business-calendar
 * holidays treated as missing, with the backtest error over the last known days beside it.
 */

/** Days forecast ahead, and days held out by the backtest. */
export const FORECAST_DAYS = 28;
export const BACKTEST_DAYS = 28;
/** History fitted: the last 26 weeks (or all of it, when shorter). */
export const HISTORY_DAYS = 182;
/** Coverage of the prediction interval. */
export const INTERVAL = 0.95;

export interface ForecastDay {
  date: string;
  /** A business-calendar holiday on a day that would otherwise be open. */
  holiday: boolean;
  value: number;
  low: number;
  high: number;
}

export interface SeriesForecast {
  model: string;
  parameters: HoltWintersParameters;
  /** Multiplier applied to holidays, learnt from the holidays of the history. */
  holiday_factor: number;
  /** Backtest: fitted on the history without its last BACKTEST_DAYS days, which are then forecast. */
  backtest: {
    from: string;
    to: string;
    mape: number | null;
    seasonal_naive_mape: number | null;
  };
  days: ForecastDay[];
}

export interface LoadForecast {
  history: { from: string; to: string };
  interval: number;
  orders: SeriesForecast;
  inquiries: SeriesForecast;
}

export class ForecastUnavailableError extends Error {
  override name = 'ForecastUnavailableError';
}

/** A day on which the business would be open by its weekday but is closed: a public or extra holiday. */
export function isHoliday(calendar: BusinessCalendar, date: string): boolean {
  const weekday = String(isoWeekday(date)) as keyof BusinessCalendar['settings']['hours'];
  return calendar.settings.hours[weekday] !== undefined && !calendar.isBusinessDay(date);
}

/** Fits one series and forecasts `days` after it; the backtest refits without the last BACKTEST_DAYS. */
export function forecastSeries(
  values: readonly number[],
  dates: readonly string[],
  futureDates: readonly string[],
  calendar: BusinessCalendar,
): SeriesForecast {
  const holidays = dates.map((date) => isHoliday(calendar, date));
  const fit = fitHoltWinters(values, holidays);
  const points = forecastHoltWinters(
    fit,
    futureDates.map((date) => isHoliday(calendar, date)),
    INTERVAL,
  );
  const cut = values.length - BACKTEST_DAYS;
  const held = values.slice(cut);
  let mape: number | null = null;
  let naiveMape: number | null = null;
  if (cut >= MIN_HISTORY) {
    const backFit = fitHoltWinters(values.slice(0, cut), holidays.slice(0, cut));
    const predicted = forecastHoltWinters(backFit, holidays.slice(cut), INTERVAL).map((p) => p.value);
    mape = meanAbsolutePercentageError(held, predicted);
    naiveMape = meanAbsolutePercentageError(held, seasonalNaive(values.slice(0, cut), BACKTEST_DAYS));
  }
  return {
    model: 'Holt-Winters, damped additive trend and weekly seasonality on log(1 + y); holidays treated as missing',
    parameters: fit.parameters,
    holiday_factor: Math.exp(fit.holidayEffect),
    backtest: { from: dates[Math.max(0, cut)]!, to: addDays(dates[dates.length - 1]!, 1), mape, seasonal_naive_mape: naiveMape },
    days: futureDates.map((date, i) => ({ date, holiday: isHoliday(calendar, date), ...points[i]! })),
  };
}

/**
 * The forecast made at `now`: history = the complete local days before today (at most HISTORY_DAYS, from the
 * first day with orders), forecast = today and the FORECAST_DAYS − 1 days after it.
 */
export async function forecastLoad(
  warehouse: Warehouse,
  context: { calendar: BusinessCalendar; now: Date; connection?: DuckDBConnection; horizon?: number },
): Promise<LoadForecast> {
  const { calendar, now, connection } = context;
  const today = calendar.localDateOf(now);
  const first = await firstOrderDay(warehouse, calendar, connection);
  if (first === null || first >= today) throw new ForecastUnavailableError('no orders yet: nothing to forecast from');
  const from = daysBetween(first, today) > HISTORY_DAYS ? addDays(today, -HISTORY_DAYS) : first;
  const known = daysBetween(from, today);
  if (known < MIN_HISTORY) {
    throw new ForecastUnavailableError(`a forecast needs ${MIN_HISTORY} days of orders, there are ${known} (from ${from})`);
  }
  const history: LoadBucket[] = await computeLoadSeries(
    warehouse,
    bucketsOf(calendar.timeZone, { from, to: today }, 'day'),
    now,
    connection,
  );
  const dates = history.map((day) => day.bucket);
  const horizon = context.horizon ?? FORECAST_DAYS;
  const futureDates = Array.from({ length: horizon }, (_, i) => addDays(today, i));
  return {
    history: { from, to: today },
    interval: INTERVAL,
    orders: forecastSeries(
      history.map((day) => day.orders_placed),
      dates,
      futureDates,
      calendar,
    ),
    inquiries: forecastSeries(
      history.map((day) => day.inquiries_opened),
      dates,
      futureDates,
      calendar,
    ),
  };
}
