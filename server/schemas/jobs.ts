import { z } from 'zod';

const timestamp = z.string();
const count = z.int().nullable();

export const JobRunSchema = z.object({
  run_id: z.int(),
  job: z.string(),
  trigger: z.string(),
  started_at: timestamp,
  finished_at: timestamp.nullable(),
  outcome: z.enum(['running', 'ok', 'failed', 'skipped', 'interrupted']),
  rows_in: count,
  rows_accepted: count,
  rows_duplicate: count,
  rows_rejected: count,
  error: z.string().nullable(),
  details: z.unknown().describe('What the job reported, as JSON'),
});

export const IngestedFileSchema = z.object({
  batch_id: z.int(),
  path: z.string(),
  stream: z.string().nullable(),
  format: z.string().nullable(),
  size_bytes: z.int(),
  rows_read: z.int(),
  rows_accepted: z.int(),
  rows_duplicate: z.int(),
  rows_rejected: z.int(),
  quarantined: z.int().describe('Rows of this batch in the quarantine table'),
  outcome: z.string(),
  error: z.string().nullable(),
  started_at: timestamp,
  finished_at: timestamp,
});

export const IngestRequestSchema = z.object({
  batch_id: z.int(),
  request_id: z.string(),
  stream: z.string(),
  token_role: z.string().nullable(),
  token_brand: z.string().nullable(),
  content_type: z.string().nullable(),
  size_bytes: z.int(),
  atomic: z.boolean(),
  rows_read: z.int(),
  rows_accepted: z.int(),
  rows_duplicate: z.int(),
  rows_rejected: z.int(),
  quarantined: z.int(),
  outcome: z.string(),
  error: z.string().nullable(),
  received_at: timestamp,
  finished_at: timestamp,
});

export const JobsSchema = z.object({
  job_runs: z.array(JobRunSchema).describe('The 50 most recent scheduled or manual job runs'),
  ingested_files: z.array(IngestedFileSchema).describe('The 50 most recent files seen by the inbox or `brandscore ingest`'),
  ingest_requests: z.array(IngestRequestSchema).describe('The 50 most recent POST /api/ingest requests'),
});
