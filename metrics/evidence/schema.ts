import { z } from 'zod';
import { DurationMetric, RateMetric, WindowSchema } from '../scorecards/schema.ts';

/**
 * The evidence behind a brand's scorecard (DESIGN §5, §6: "values, intervals, denominators … and example entity
 * ids") and its weekly trend: declared once, used by the API, its OpenAPI document and the dashboards.
 */

const instant = z.string().describe('ISO 8601 instant (UTC)');
const examples = <T extends z.ZodType>(item: T) =>
  z.object({ total: z.int().min(0).describe('Entities of this kind; `items` holds the first `limit` of them'), items: z.array(item) });

export const LateOrderSchema = z.object({
  order_id: z.string(),
  placed_at: instant.nullable(),
  dispatch_deadline: instant.nullable(),
  dispatched_at: instant.nullable().describe('Null when still undispatched at as_of'),
});

export const OverdueInquirySchema = z.object({
  inquiry_id: z.string(),
  opened_at: instant.nullable(),
  answer_deadline: instant.nullable(),
  channel: z.string().nullable(),
  category: z.string().nullable(),
  order_id: z.string().nullable(),
});

export const FailedContactSchema = z.object({
  contact_id: z.string(),
  attempted_at: instant.nullable(),
  answer_deadline: instant.nullable(),
  answered_at: instant.nullable().describe('Null when not answered by as_of'),
  channel: z.string().nullable(),
  purpose: z.string().nullable(),
});

export const CLAIM_STAGES = ['requested', 'collecting', 'inspecting', 'processing'] as const;

export const ClaimStageDurationSchema = z.object({
  stage: z.enum(CLAIM_STAGES),
  n: z.int().min(0).describe('Claims that left this stage by as_of'),
  p50: z.number().nullable().describe('Business hours in the stage, median'),
  p90: z.number().nullable().describe('Business hours in the stage, 90th percentile'),
});
export type ClaimStageDuration = z.infer<typeof ClaimStageDurationSchema>;

export const BrandEvidenceSchema = z.object({
  brand_id: z.string(),
  window: WindowSchema,
  late_orders: examples(LateOrderSchema),
  overdue_inquiries: examples(OverdueInquirySchema),
  failed_contacts: examples(FailedContactSchema),
  claim_stage_durations: z.array(ClaimStageDurationSchema).describe('Stages in their order; a stage no claim left is absent'),
});
export type BrandEvidence = z.infer<typeof BrandEvidenceSchema>;

export const WeekTrendSchema = z.object({
  from: z.iso.date(),
  to: z.iso.date().describe('Exclusive'),
  late_dispatch_rate: RateMetric,
  sla_rate: RateMetric,
  answer_time_bh: DurationMetric,
});
export type WeekTrend = z.infer<typeof WeekTrendSchema>;

export const BrandTrendSchema = z.object({
  brand_id: z.string(),
  weeks: z.array(WeekTrendSchema).describe('Consecutive 7-day windows, oldest first, the last ending at the current business date'),
});
export type BrandTrend = z.infer<typeof BrandTrendSchema>;
