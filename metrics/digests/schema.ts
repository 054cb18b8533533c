import { z } from 'zod';

/** The JSON body of a brand's morning digest: what the outbox file holds and the webhook receives. */

const instant = z.string().describe('ISO 8601 instant (UTC)');

export const PendingItemSchema = z.object({
  id: z.string().describe('order_id, inquiry_id, claim_id or contact_id'),
  since: instant.describe('When it was placed, opened or attempted'),
  deadline: instant.nullable().describe('Its dispatch, answer or handling deadline'),
});

export const PendingSectionSchema = z.object({
  count: z.int().min(0),
  overdue: z.int().min(0).describe('Of these, past their deadline at as_of'),
  due_today: z.int().min(0).describe('Of these, with a deadline between as_of and the close of the digest date'),
  oldest: PendingItemSchema.nullable().describe('The one waiting longest; null when count is 0'),
});
export type PendingSection = z.infer<typeof PendingSectionSchema>;

export const DigestSchema = z.object({
  kind: z.literal('brand_digest'),
  message_id: z.string().describe('Idempotency key: digest:DATE:BRAND_ID'),
  brand_id: z.string(),
  brand_name: z.string().nullable(),
  digest_date: z.iso.date().describe('Business date of the digest (business time zone)'),
  as_of: instant.describe('The instant the pending work is counted at: the digest time of that date'),
  facts_as_of: instant.nullable().describe('When the facts it reads were last refreshed'),
  orders_awaiting_dispatch: PendingSectionSchema.describe('Placed, neither dispatched nor cancelled; overdue: past the dispatch deadline'),
  unanswered_inquiries: PendingSectionSchema.describe('Opened, answered by no one and not closed; overdue: past the 2-business-day SLA'),
  open_claims: PendingSectionSchema.describe('Open, not completed or rejected, no stage taken over by the platform; overdue: older than 3 business days'),
  contacts_awaiting_reply: PendingSectionSchema.describe('Contact attempts the brand has not answered; overdue: past 1 business day'),
  text: z.object({ ko: z.string(), en: z.string() }).describe('The same digest as plain text'),
});
export type Digest = z.infer<typeof DigestSchema>;
