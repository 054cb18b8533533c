import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../warehouse/database.ts';

/** What came in lately, files and HTTP requests, with what was kept and what was quarantined (DESIGN §8). */

export interface IngestedFile {
  batch_id: number;
  path: string;
  stream: string | null;
  format: string | null;
  size_bytes: number;
  rows_read: number;
  rows_accepted: number;
  rows_duplicate: number;
  rows_rejected: number;
  /** Rows of this batch in the quarantine table. */
  quarantined: number;
  outcome: string;
  error: string | null;
  started_at: string;
  finished_at: string;
}

export interface IngestRequestRecord {
  batch_id: number;
  request_id: string;
  stream: string;
  token_role: string | null;
  token_brand: string | null;
  content_type: string | null;
  size_bytes: number;
  atomic: boolean;
  rows_read: number;
  rows_accepted: number;
  rows_duplicate: number;
  rows_rejected: number;
  quarantined: number;
  outcome: string;
  error: string | null;
  received_at: string;
  finished_at: string;
}

const QUARANTINED = `(SELECT count(*) FROM quarantine q WHERE q.batch_id = t.batch_id)`;

export async function recentIngestedFiles(warehouse: Warehouse, limit = 50, connection?: DuckDBConnection): Promise<IngestedFile[]> {
  return warehouse.all<IngestedFile>(
    `SELECT batch_id, path, stream, format, size_bytes, rows_read, rows_accepted, rows_duplicate, rows_rejected,
            ${QUARANTINED} AS quarantined, outcome, error, started_at, finished_at
     FROM ingested_files t ORDER BY batch_id DESC LIMIT $limit`,
    { limit },
    connection,
  );
}

export async function recentIngestRequests(
  warehouse: Warehouse,
  limit = 50,
  connection?: DuckDBConnection,
): Promise<IngestRequestRecord[]> {
  return warehouse.all<IngestRequestRecord>(
    `SELECT batch_id, request_id, stream, token_role, token_brand, content_type, size_bytes, atomic, rows_read,
            rows_accepted, rows_duplicate, rows_rejected, ${QUARANTINED} AS quarantined, outcome, error, received_at,
            finished_at
     FROM ingest_requests t ORDER BY batch_id DESC LIMIT $limit`,
    { limit },
    connection,
  );
}
