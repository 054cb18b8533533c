import { z } from 'zod';
import { STREAMS } from '../../pipelines/contracts/index.ts';

export const IngestParamsSchema = z.object({
  stream: z.enum(STREAMS as [string, ...string[]]).describe('The stream the body holds (DESIGN §3); brands are upserted'),
});

export const IngestQuerySchema = z.object({
  atomic: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: accept nothing and quarantine nothing when any row is invalid (answered 422 with the report)'),
});

export const RowRejectSchema = z.object({
  index: z.int().min(0).describe('0-based row of the body: the NDJSON line (blank lines count), the Arrow row'),
  field: z.string().nullable().describe('null when the row could not be read (an NDJSON line that is not a JSON object)'),
  message: z.string(),
});

export const IngestResultSchema = z.object({
  stream: z.string(),
  batch_id: z.int(),
  outcome: z.enum(['ingested', 'rejected']),
  atomic: z.boolean(),
  rows_read: z.int(),
  accepted: z.int().describe('Rows stored (brands: upserted)'),
  duplicate: z.int().describe('Rows whose event_id was already stored or came earlier in the body'),
  rejected: z.int(),
  rejects: z.array(RowRejectSchema).describe('The first 1000 rejected rows by index; all of them are quarantined'),
  rejects_not_listed: z.int().describe('Rejected rows beyond the list'),
});
export type IngestResult = z.infer<typeof IngestResultSchema>;
