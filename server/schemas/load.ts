import { z } from 'zod';
import { IsoDateParam } from './common.ts';

/** `GET /api/load` (DESIGN §7): the CS load per day or hour, the busiest days and the order surges. */

export const LoadQuerySchema = z.object({
  from: IsoDateParam.optional().describe('First date of the window (business time zone); default: 28 days before `to`'),
  to: IsoDateParam.optional().describe('Exclusive end date; default: the day after the current business date'),
  grain: z.enum(['day', 'hour']).default('day').describe('Bucket size: local days (at most 732) or hours (at most 92 days)'),
});

const count = z.int().min(0);

export const LoadBucketSchema = z.object({
  bucket: z.string().describe('YYYY-MM-DD, or for hours the local start with its offset: 2024-12-02T10:00+09:00'),
  bucket_start: z.string().describe('First instant of the bucket, UTC'),
  orders_placed: count,
  inquiries_opened: count,
  inquiries_by_channel: z.object({ product_qna: count, one_to_one: count, phone: count, board: count, chat: count }),
  claims_opened: count,
  contacts_attempted: count,
  backlog_open_inquiries: z
    .int()
    .nullable()
    .describe('Inquiries open (no answer from anyone, not closed) at the end of the bucket, or at as_of; null after as_of'),
  sla_numerator: count,
  sla_denominator: count,
  sla_rate: z.number().nullable().describe('sla_rate (DESIGN §5) of the inquiries opened in the bucket, judged at as_of'),
  answer_time_p90_bh: z.number().nullable().describe('p90 business hours to the first brand answer, inquiries opened in the bucket'),
  answer_time_n: count,
  address_changes_self_service: count.describe('Address changes by the customer'),
  address_changes_by_cs: count.describe('Address changes by the platform (CS)'),
  cancellations_self_service: count.describe('Cancellations by the customer'),
  cancellations_by_cs: count.describe('Cancellations by the platform (CS)'),
  cancellations_by_brand: count,
});

export const SurgeSchema = z.object({
  start: z.iso.date().describe('First day whose trailing mean of orders reached the factor'),
  end: z.iso.date().nullable().describe('Last such day of the run; null while it lasts to the last complete day'),
  peak: z.iso.date().describe('Day of the run with the most orders'),
  peak_orders: count,
  start_factor: z.number(),
  factor: z.number().describe('Highest ratio of trailing mean to baseline mean during the run'),
  baseline_mean: z.number(),
});

export const LoadSchema = z.object({
  window: z.object({
    from: z.iso.date(),
    to: z.iso.date(),
    as_of: z.string(),
    grain: z.enum(['day', 'hour']),
    time_zone: z.string(),
  }),
  series: z.array(LoadBucketSchema),
  peaks: z
    .array(z.object({ date: z.iso.date(), orders_placed: count, inquiries_opened: count, claims_opened: count }))
    .describe('The busiest days of the window by orders'),
  surges: z.array(SurgeSchema).describe('Order surges that overlap the window'),
});
