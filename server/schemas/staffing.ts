import { z } from 'zod';
import { IsoDateParam } from './common.ts';

/** `GET /api/staffing` (DESIGN §7): forecast, agents needed per day and phone agents per hour. */

export const StaffingQuerySchema = z.object({
  from: IsoDateParam.optional().describe('First date (business time zone); default: the current date'),
  to: IsoDateParam.optional().describe('Exclusive end; default and latest: 28 days after the current date'),
});

const ForecastSeriesSchema = z.object({
  model: z.string(),
  parameters: z.object({ alpha: z.number(), beta: z.number(), gamma: z.number(), phi: z.number() }),
  holiday_factor: z.number().describe('Multiplier for holidays, learnt from the holidays of the history'),
  backtest: z.object({
    from: z.iso.date(),
    to: z.iso.date(),
    mape: z.number().nullable().describe('MAPE of the model fitted without [from, to) and forecasting it'),
    seasonal_naive_mape: z.number().nullable().describe('MAPE of repeating the last week before `from`'),
  }),
  days: z.array(
    z.object({ date: z.iso.date(), holiday: z.boolean(), value: z.number(), low: z.number(), high: z.number() }),
  ),
});

export const StaffingSchema = z.object({
  window: z.object({ from: z.iso.date(), to: z.iso.date(), time_zone: z.string() }),
  settings: z
    .object({
      handling_minutes: z.number(),
      answer_within_business_days: z.int(),
      productive_hours: z.number(),
      shrinkage: z.number(),
      phone_handling_seconds: z.number(),
      phone_service_level: z.number(),
      phone_answer_seconds: z.number(),
      agents: z.int(),
      phone_agents: z.int(),
    })
    .describe('The peakLoad.staffing settings in force'),
  phone_profile: z.object({ from: z.iso.date(), to: z.iso.date(), phone_share: z.number(), calls: z.int() }),
  forecast: z.object({
    history: z.object({ from: z.iso.date(), to: z.iso.date() }),
    interval: z.number().describe('Coverage of the prediction intervals (low, high)'),
    orders: ForecastSeriesSchema,
    inquiries: ForecastSeriesSchema,
  }),
  days: z.array(
    z.object({
      date: z.iso.date(),
      business_day: z.boolean(),
      source: z.enum(['actual', 'forecast']),
      orders: z.number(),
      inquiries: z.number(),
      inquiries_high: z.number().nullable(),
      workload_inquiries: z
        .number()
        .describe('Inquiries to answer this business day: an equal share of each intake still within its answer deadline'),
      workload_hours: z.number(),
      agents_needed: z.int(),
      agents_needed_high: z.int().nullable(),
      agents_configured: z.int(),
      shortfall: z.int(),
    }),
  ),
  phone_hours: z.array(
    z.object({
      date: z.iso.date(),
      hour: z.string(),
      calls: z.number(),
      erlangs: z.number(),
      agents_on_phone: z.int(),
      agents_scheduled: z.int(),
      service_level: z.number(),
      agents_configured: z.int(),
      shortfall: z.int(),
    }),
  ),
});
