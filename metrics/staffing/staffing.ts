import type { DuckDBConnection } from '@duckdb/node-api';
import type { PeakLoadSettings } from '../../pipelines/config.ts';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { addDays, windowDays } from '../calendar/zoned-time.ts';
import { FORECAST_DAYS, forecastLoad, type LoadForecast } from '../forecast/forecast.ts';
import { bucketsOf, computeLoadSeries } from '../load/load.ts';
import { agentsForServiceLevel } from './erlang-c.ts';

/**
 * CS staffing (DESIGN §1): agents needed per business day for the inquiry workload, and per open hour on the
 * phones by Erlang C, against the configured headcount. Past days use the inquiries that came; today and later
 * the forecast (forecast.ts). See the README section "Peak load, forecast and staffing" for the method.
 */

export type StaffingSettings = PeakLoadSettings['staffing'];

/** Longest staffing window, days; and how far back a window may start. */
export const MAX_STAFFING_DAYS = 92;
/** Days of phone history the hourly profile and the phone share are learnt from. */
export const PROFILE_DAYS = 28;

export interface StaffingDay {
  date: string;
  business_day: boolean;
  source: 'actual' | 'forecast';
  orders: number;
  inquiries: number;
  /** Upper end of the forecast's prediction interval; null for past days. */
  inquiries_high: number | null;
  /** Inquiries to answer on this business day: a 1/(answerWithin + 1) share of each intake still due (see below). */
  workload_inquiries: number;
  workload_hours: number;
  agents_needed: number;
  /** Agents needed for the upper end of the interval (the forecast's inquiries_high). */
  agents_needed_high: number | null;
  agents_configured: number;
  /** agents_needed − agents_configured when positive, else 0. */
  shortfall: number;
}

export interface PhoneHour {
  date: string;
  /** Local start of the hour, HH:MM. */
  hour: string;
  calls: number;
  erlangs: number;
  /** Agents on the phones for the target service level, and with shrinkage (to schedule). */
  agents_on_phone: number;
  agents_scheduled: number;
  service_level: number;
  agents_configured: number;
  shortfall: number;
}

export interface Staffing {
  window: { from: string; to: string; time_zone: string };
  /** The staffing settings in force, in the API's snake_case. */
  settings: StaffingParameters;
  /** Phone share of inquiries and hourly profile, learnt over [profile.from, profile.to). */
  phone_profile: { from: string; to: string; phone_share: number; calls: number };
  forecast: LoadForecast;
  days: StaffingDay[];
  phone_hours: PhoneHour[];
}

export interface StaffingParameters {
  handling_minutes: number;
  answer_within_business_days: number;
  productive_hours: number;
  shrinkage: number;
  phone_handling_seconds: number;
  phone_service_level: number;
  phone_answer_seconds: number;
  agents: number;
  phone_agents: number;
}

export function staffingParameters(settings: StaffingSettings): StaffingParameters {
  return {
    handling_minutes: settings.handlingMinutes,
    answer_within_business_days: settings.answerWithinBusinessDays,
    productive_hours: settings.productiveHours,
    shrinkage: settings.shrinkage,
    phone_handling_seconds: settings.phoneHandlingSeconds,
    phone_service_level: settings.phoneServiceLevel,
    phone_answer_seconds: settings.phoneAnswerSeconds,
    agents: settings.agents,
    phone_agents: settings.phoneAgents,
  };
}

export class StaffingWindowError extends Error {
  override name = 'StaffingWindowError';
}

/** Agents for `hours` of work: hours ÷ (productive hours × (1 − shrinkage)), rounded up. */
export function agentsForWorkload(hours: number, settings: StaffingSettings): number {
  // The tolerance keeps 16.8 h / 5.6 h (= 3.0000000000000004 in floating point) at 3 agents.
  return Math.max(0, Math.ceil(hours / (settings.productiveHours * (1 - settings.shrinkage)) - 1e-9));
}

export async function computeStaffing(
  warehouse: Warehouse,
  dates: { from: string; to: string },
  context: { calendar: BusinessCalendar; now: Date; settings: PeakLoadSettings; connection?: DuckDBConnection },
): Promise<Staffing> {
  const { calendar, now, connection } = context;
  const settings = context.settings.staffing;
  const today = calendar.localDateOf(now);
  const length = windowDays(dates, (message) => new StaffingWindowError(message));
  if (length > MAX_STAFFING_DAYS) throw new StaffingWindowError(`window of ${length} days is too long (at most ${MAX_STAFFING_DAYS})`);
  const lastForecast = addDays(today, FORECAST_DAYS);
  if (dates.to > lastForecast) {
    throw new StaffingWindowError(`the forecast reaches ${FORECAST_DAYS} days ahead: to must be on or before ${lastForecast}`);
  }

  const forecast = await forecastLoad(warehouse, { calendar, now, connection });
  // The intake of the answerWithin business days before `from` (and of the closed days before those) is still
  // being answered in the window: start that far back.
  let lead = dates.from;
  for (let businessDays = 0; businessDays <= settings.answerWithinBusinessDays && lead > addDays(dates.from, -60); ) {
    lead = addDays(lead, -1);
    if (calendar.isBusinessDay(lead)) businessDays++;
  }
  while (lead > addDays(dates.from, -60) && !calendar.isBusinessDay(addDays(lead, -1))) lead = addDays(lead, -1);
  const pastTo = dates.to < today ? dates.to : today;
  const actual =
    lead < pastTo
      ? await computeLoadSeries(warehouse, bucketsOf(calendar.timeZone, { from: lead, to: pastTo }, 'day'), now, connection)
      : [];
  const actualByDate = new Map(actual.map((day) => [day.bucket, day]));
  const ordersForecast = new Map(forecast.orders.days.map((day) => [day.date, day]));
  const inquiriesForecast = new Map(forecast.inquiries.days.map((day) => [day.date, day]));

  const profileFrom = addDays(today, -PROFILE_DAYS);
  const hourly = await computeLoadSeries(
    warehouse,
    bucketsOf(calendar.timeZone, { from: profileFrom, to: today }, 'hour'),
    now,
    connection,
  );
  const callsByHour = new Array<number>(24).fill(0);
  let calls = 0;
  let inquiries = 0;
  for (const bucket of hourly) {
    callsByHour[Number(bucket.bucket.slice(11, 13))]! += bucket.inquiries_by_channel.phone;
    calls += bucket.inquiries_by_channel.phone;
    inquiries += bucket.inquiries_opened;
  }
  const phoneShare = inquiries > 0 ? calls / inquiries : 0;

  const days: StaffingDay[] = [];
  const phoneHours: PhoneHour[] = [];
  // Inquiries arriving on a closed day count on the next business day (their business date). Each business
  // date's intake is due by the close of the answerWithin-th business day after it, and is spread evenly over those
  // answerWithin + 1 days: a schedule that meets every deadline without making Monday carry the whole weekend.
  const span = settings.answerWithinBusinessDays + 1;
  const intake: { inquiries: number; high: number }[] = [];
  let carried = 0;
  let carriedHigh = 0;
  for (let date = lead; date < dates.to; date = addDays(date, 1)) {
    const past = actualByDate.get(date);
    const predicted = inquiriesForecast.get(date);
    const dayInquiries = past ? past.inquiries_opened : (predicted?.value ?? 0);
    const dayHigh = past ? past.inquiries_opened : (predicted?.high ?? 0);
    const phoneCalls = past ? past.inquiries_by_channel.phone : dayInquiries * phoneShare;
    const businessDay = calendar.isBusinessDay(date);
    carried += dayInquiries;
    carriedHigh += dayHigh;
    let workload = 0;
    let workloadHigh = 0;
    if (businessDay) {
      intake.push({ inquiries: carried, high: carriedHigh });
      carried = 0;
      carriedHigh = 0;
      for (const share of intake.slice(-span)) {
        workload += share.inquiries / span;
        workloadHigh += share.high / span;
      }
    }
    if (date < dates.from) continue;
    const workloadHours = (workload * settings.handlingMinutes) / 60;
    const needed = agentsForWorkload(workloadHours, settings);
    days.push({
      date,
      business_day: businessDay,
      source: past ? 'actual' : 'forecast',
      orders: past ? past.orders_placed : (ordersForecast.get(date)?.value ?? 0),
      inquiries: dayInquiries,
      inquiries_high: past ? null : dayHigh,
      workload_inquiries: workload,
      workload_hours: workloadHours,
      agents_needed: needed,
      agents_needed_high: past ? null : agentsForWorkload((workloadHigh * settings.handlingMinutes) / 60, settings),
      agents_configured: businessDay ? settings.agents : 0,
      shortfall: Math.max(0, needed - (businessDay ? settings.agents : 0)),
    });
    if (!businessDay) continue;
    const hours = calendar.openingHoursOf(date)!;
    const buckets = bucketsOf(calendar.timeZone, { from: date, to: addDays(date, 1) }, 'hour');
    for (let start = hours.open.getTime(); start < hours.close.getTime(); start += 3_600_000) {
      const hour = buckets.find((bucket) => Date.parse(bucket.start) <= start && start < Date.parse(bucket.end))!;
      const share = calls > 0 ? callsByHour[Number(hour.bucket.slice(11, 13))]! / calls : 0;
      // An hour cut by opening or closing (09:30, 17:30) gets the calls of its open part.
      const open = Math.min(3_600_000, hours.close.getTime() - start) / 3_600_000;
      const requirement = agentsForServiceLevel({
        callsPerHour: phoneCalls * share,
        handlingSeconds: settings.phoneHandlingSeconds,
        target: settings.phoneServiceLevel,
        answerSeconds: settings.phoneAnswerSeconds,
      });
      const scheduled = Math.max(0, Math.ceil(requirement.agents / (1 - settings.shrinkage) - 1e-9));
      const minutes = Number(hour.bucket.slice(14, 16)) + (start - Date.parse(hour.start)) / 60_000;
      phoneHours.push({
        date,
        hour: `${hour.bucket.slice(11, 13)}:${String(minutes).padStart(2, '0')}`,
        calls: phoneCalls * share * open,
        erlangs: requirement.erlangs,
        agents_on_phone: requirement.agents,
        agents_scheduled: scheduled,
        service_level: requirement.service_level,
        agents_configured: settings.phoneAgents,
        shortfall: Math.max(0, scheduled - settings.phoneAgents),
      });
    }
  }
  return {
    window: { from: dates.from, to: dates.to, time_zone: calendar.timeZone },
    settings: staffingParameters(settings),
    phone_profile: { from: profileFrom, to: today, phone_share: phoneShare, calls },
    forecast,
    days,
    phone_hours: phoneHours,
  };
}
