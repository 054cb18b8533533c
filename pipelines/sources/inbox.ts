import { existsSync, mkdirSync } from 'node:fs';
import type { Warehouse } from '../warehouse/database.ts';
import type { JobCounts } from '../scheduler/job-runs.ts';
import { ingestFiles, listIngestFiles, type FileIngestResult, type IngestOptions } from './file-ingest.ts';

export interface IngestSummary extends Required<Omit<JobCounts, 'details'>> {
  files: number;
  failedFiles: number;
  alreadyIngested: number;
  byStream: Record<string, { files: number; accepted: number; duplicate: number; rejected: number }>;
}

export function summariseIngest(results: FileIngestResult[]): IngestSummary {
  const summary: IngestSummary = {
    files: results.length,
    failedFiles: 0,
    alreadyIngested: 0,
    rowsIn: 0,
    accepted: 0,
    duplicate: 0,
    rejected: 0,
    byStream: {},
  };
  for (const result of results) {
    if (result.outcome === 'failed') summary.failedFiles++;
    if (result.outcome === 'already_ingested') summary.alreadyIngested++;
    summary.rowsIn += result.rowsRead;
    summary.accepted += result.accepted;
    summary.duplicate += result.duplicate;
    summary.rejected += result.rejected;
    const stream = (summary.byStream[result.stream ?? 'unknown'] ??= { files: 0, accepted: 0, duplicate: 0, rejected: 0 });
    stream.files++;
    stream.accepted += result.accepted;
    stream.duplicate += result.duplicate;
    stream.rejected += result.rejected;
  }
  return summary;
}

/** One pass over the inbox folder: every file in it is ingested and moved to done/ or failed/. */
export async function ingestInbox(warehouse: Warehouse, inboxDir: string, options: Omit<IngestOptions, 'inboxDir'>) {
  mkdirSync(inboxDir, { recursive: true });
  const results = await ingestFiles(warehouse, [inboxDir], { ...options, inboxDir });
  const summary = summariseIngest(results);
  return { results, summary };
}

export function inboxHasFiles(inboxDir: string): boolean {
  return existsSync(inboxDir) && listIngestFiles([inboxDir]).length > 0;
}
