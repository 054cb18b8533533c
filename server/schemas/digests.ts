import { z } from 'zod';
import { DigestSchema } from '../../metrics/digests/schema.ts';
import { IsoDateParam } from './common.ts';

/** Digests, staff alerts and their delivery (README "Digests, alerts and delivery"). */

const timestamp = z.string();

export const DeliverySchema = z.object({
  message_id: z.string().describe('Idempotency key the webhook receives: digest:DATE:BRAND or alert:KIND:KEY'),
  kind: z.enum(['brand_digest', 'staff_alert']),
  brand_id: z.string().nullable(),
  digest_date: z.string().nullable(),
  status: z
    .enum(['pending', 'delivered', 'dead', 'stored'])
    .describe('pending: to be (re)sent; delivered: the webhook answered 2xx; dead: attempts exhausted or refused; stored: no webhook configured, the outbox file is the delivery'),
  attempts: z.int().describe('Webhook attempts so far, retries by staff included'),
  next_attempt_at: timestamp.nullable().describe('When a pending message is due; null otherwise'),
  last_attempt_at: timestamp.nullable(),
  last_http_status: z.int().nullable(),
  last_error: z.string().nullable(),
  file_path: z.string().nullable().describe('Its file under the outbox folder; null until the next delivery pass writes it'),
  created_at: timestamp,
  delivered_at: timestamp.nullable(),
  dead_at: timestamp.nullable(),
});
export type Delivery = z.infer<typeof DeliverySchema>;

export const DigestsQuerySchema = z.object({
  date: IsoDateParam.optional().describe('Business date of the digests; default: today in the business time zone'),
});

export const DigestListSchema = z.object({
  date: z.string(),
  business_day: z.boolean().describe('Digests go out on business days only'),
  run: z
    .object({ as_of: timestamp, brands: z.int(), created_at: timestamp })
    .nullable()
    .describe('The digest run of the date; null when it has not run (yet, or because the date is not a business day)'),
  digests: z.array(z.object({ digest: DigestSchema, delivery: DeliverySchema })).describe('One per brand with pending work, in brand_id order'),
});

export const DeliveriesQuerySchema = z.object({
  status: z.enum(['pending', 'delivered', 'dead', 'stored']).optional(),
  kind: z.enum(['brand_digest', 'staff_alert']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50).describe('At most this many messages, newest first'),
});

export const DeliveriesSchema = z.object({
  counts: z.object({ pending: z.int(), delivered: z.int(), dead: z.int(), stored: z.int() }).describe('Every message by status'),
  messages: z.array(DeliverySchema),
});

export const DeadLettersSchema = z.object({
  dead_letters: z.array(DeliverySchema.extend({ body: z.unknown().describe('The message as sent (JSON)') })),
});

export const MessageIdParam = z.string().min(1).max(1000).describe('A message_id from the outbox');
