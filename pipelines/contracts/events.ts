import { z } from 'zod';
import { count, id, instant, oneOf } from './fields.ts';

/** The six event streams of DESIGN §3. Each event type is one zod object; a stream is their union on `type`. */

const common = {
  event_id: id(),
  brand_id: id(),
  occurred_at: instant(),
};

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ ...common, type: z.literal(type), ...shape });

export const CANCELLED_BY = ['customer', 'brand', 'platform'] as const;
export const ADDRESS_CHANGED_BY = ['customer', 'platform'] as const;
export const SHIPPING_ISSUES = ['wrong_item', 'wrong_address', 'damaged', 'missing', 'other'] as const;
export const INQUIRY_CHANNELS = ['product_qna', 'one_to_one', 'phone', 'board', 'chat'] as const;
export const INQUIRY_CATEGORIES = [
  'product',
  'shipping',
  'exchange_return',
  'order_change',
  'partner_system',
  'other',
] as const;
export const RESPONDERS = ['brand', 'platform'] as const;
export const CLAIM_TYPES = ['exchange', 'return', 'refund'] as const;
export const CLAIM_REASONS = ['defect', 'wrong_item', 'size', 'delay', 'change_of_mind', 'other'] as const;
export const CLAIM_STAGES = ['requested', 'collecting', 'inspecting', 'processing', 'completed', 'rejected'] as const;
export const CLAIM_OUTCOMES = ['completed', 'rejected', 'withdrawn'] as const;
export const CONTACT_CHANNELS = ['phone', 'sms', 'email', 'messenger'] as const;
export const CONTACT_PURPOSES = ['claim', 'inquiry', 'shipping', 'other'] as const;

export const OrderPlacedSchema = event('order_placed', {
  order_id: id(),
  amount: count(0),
  quantity: count(1),
  dispatch_due_at: instant().nullish(),
  delivery_due_at: instant().nullish(),
});
export const OrderPaidSchema = event('order_paid', { order_id: id() });
export const OrderCancelledSchema = event('order_cancelled', { order_id: id(), cancelled_by: oneOf(CANCELLED_BY) });
export const AddressChangedSchema = event('address_changed', { order_id: id(), changed_by: oneOf(ADDRESS_CHANGED_BY) });
export const OrderEventSchema = z.discriminatedUnion('type', [
  OrderPlacedSchema,
  OrderPaidSchema,
  OrderCancelledSchema,
  AddressChangedSchema,
]);

export const DispatchedSchema = event('dispatched', { order_id: id(), carrier: id(), tracking_no: id() });
export const DeliveredSchema = event('delivered', { order_id: id() });
export const ShippingIssueSchema = event('shipping_issue', { order_id: id(), issue: oneOf(SHIPPING_ISSUES) });
export const ShipmentEventSchema = z.discriminatedUnion('type', [DispatchedSchema, DeliveredSchema, ShippingIssueSchema]);

export const InquiryOpenedSchema = event('inquiry_opened', {
  inquiry_id: id(),
  channel: oneOf(INQUIRY_CHANNELS),
  category: oneOf(INQUIRY_CATEGORIES),
  order_id: id().nullish(),
});
export const InquiryAnsweredSchema = event('inquiry_answered', { inquiry_id: id(), responder: oneOf(RESPONDERS) });
export const InquiryClosedSchema = event('inquiry_closed', { inquiry_id: id() });
export const InquiryEventSchema = z.discriminatedUnion('type', [
  InquiryOpenedSchema,
  InquiryAnsweredSchema,
  InquiryClosedSchema,
]);

export const ClaimOpenedSchema = event('claim_opened', {
  claim_id: id(),
  order_id: id(),
  claim_type: oneOf(CLAIM_TYPES),
  reason: oneOf(CLAIM_REASONS),
});
export const ClaimStageChangedSchema = event('claim_stage_changed', {
  claim_id: id(),
  order_id: id(),
  stage: oneOf(CLAIM_STAGES),
  handled_by: oneOf(RESPONDERS),
});
export const ClaimClosedSchema = event('claim_closed', { claim_id: id(), order_id: id(), outcome: oneOf(CLAIM_OUTCOMES) });
export const ClaimEventSchema = z.discriminatedUnion('type', [
  ClaimOpenedSchema,
  ClaimStageChangedSchema,
  ClaimClosedSchema,
]);

export const ContactAttemptedSchema = event('contact_attempted', {
  contact_id: id(),
  channel: oneOf(CONTACT_CHANNELS),
  purpose: oneOf(CONTACT_PURPOSES),
});
export const ContactAnsweredSchema = event('contact_answered', { contact_id: id() });
export const ContactEventSchema = z.discriminatedUnion('type', [ContactAttemptedSchema, ContactAnsweredSchema]);

export const ReviewPostedSchema = event('review_posted', { review_id: id(), order_id: id(), score: count(1, 5) });
export const ReviewEventSchema = z.discriminatedUnion('type', [ReviewPostedSchema]);

export type OrderEvent = z.infer<typeof OrderEventSchema>;
export type ShipmentEvent = z.infer<typeof ShipmentEventSchema>;
export type InquiryEvent = z.infer<typeof InquiryEventSchema>;
export type ClaimEvent = z.infer<typeof ClaimEventSchema>;
export type ContactEvent = z.infer<typeof ContactEventSchema>;
export type ReviewEvent = z.infer<typeof ReviewEventSchema>;
