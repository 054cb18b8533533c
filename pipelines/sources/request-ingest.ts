import { BIGINT, DuckDBDataChunk, VARCHAR, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Stream } from '../contracts/index.ts';
import type { Warehouse } from '../warehouse/database.ts';
import { stageArrow } from './arrow-stage.ts';
import { INGEST_LOCK, JSON_LINE_RAW_SOURCE, JSON_OBJECT_OK, firstLine, loadStaged, nextBatch, stageJsonLines } from './file-ingest.ts';

/**
 * Events pushed over HTTP (DESIGN §3, §7): one request body is one batch, validated by the same SQL as files
 * (loadStaged), in one transaction under the ingest lock, so a request is stored whole or not at all and batches
 * commit in id order. Rows are numbered by their 0-based index in the body (the NDJSON line, the Arrow row);
 * quarantined rows keep that index in `line` and `http:<request id>` as their source.
 */

export type RequestFormat = 'ndjson' | 'arrow';
export type RequestOutcome = 'ingested' | 'rejected' | 'failed';

/** At most this many rejected rows are listed in a response; the rest are counted (and all are quarantined). */
export const MAX_LISTED_REJECTS = 1000;

export interface IngestRequest {
  stream: Stream;
  format: RequestFormat;
  body: Uint8Array;
  /** Unique per request; quarantine source is `http:<requestId>`. */
  requestId: string;
  /** Accept nothing (and quarantine nothing) when any row is invalid. */
  atomic: boolean;
  /** Zone in which timestamps without an offset are read. */
  timeZone: string;
  contentType: string;
  /** Who sent it, for the ingest_requests record. */
  sender: { role: string; brandId: string | null };
}

export interface RowReject {
  /** 0-based index of the row in the body: NDJSON line, Arrow row. */
  index: number;
  /** The offending field; null when the row could not be read at all (a line that is not a JSON object). */
  field: string | null;
  message: string;
}

export interface RequestIngestResult {
  batch: number;
  outcome: RequestOutcome;
  rowsRead: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  /** The first MAX_LISTED_REJECTS rejected rows, by index. */
  rejects: RowReject[];
  error?: string;
}

/** A body that is not what its content type says (an Arrow stream that does not parse). Nothing is stored. */
export class UnreadableBodyError extends Error {
  override name = 'UnreadableBodyError';
}

class AtomicRejection extends Error {
  constructor(readonly result: RequestIngestResult) {
    super('atomic request has invalid rows');
  }
}

const STAGE = 'ingest_stage';
const LINES_PER_CHUNK = 2048;

export async function ingestRequest(warehouse: Warehouse, request: IngestRequest): Promise<RequestIngestResult> {
  return warehouse.exclusive(INGEST_LOCK, () => ingestRequestNow(warehouse, request));
}

async function ingestRequestNow(warehouse: Warehouse, request: IngestRequest): Promise<RequestIngestResult> {
  const receivedAt = new Date();
  const source = `http:${request.requestId}`;
  try {
    return await warehouse.transaction(async (connection) => {
      const batch = await nextBatch(warehouse, connection);
      const ndjson = request.format === 'ndjson';
      const rejectedWhileStaging = ndjson ? await stageJsonLines(connection, { batch, stream: request.stream, source }) : 0;
      const counts = await loadStaged(connection, {
        stream: request.stream,
        batch,
        source,
        timeZone: request.timeZone,
        rawSource: ndjson ? JSON_LINE_RAW_SOURCE : undefined,
        rejectedWhileStaging,
      });
      const result: RequestIngestResult = {
        batch,
        outcome: 'ingested',
        rowsRead: counts.rowsRead,
        accepted: counts.accepted,
        duplicate: counts.duplicate,
        rejected: counts.rejected,
        rejects: counts.rejected > 0 ? await listRejects(connection, batch) : [],
      };
      // Rolling back undoes the raw rows and the quarantine rows alike: an atomic request only reports.
      if (request.atomic && result.rejected > 0) {
        throw new AtomicRejection({ ...result, outcome: 'rejected', accepted: 0, duplicate: 0 });
      }
      await recordRequest(connection, request, result, receivedAt);
      return result;
    }, { prepare: (connection) => readBody(connection, request) });
  } catch (error) {
    let result: RequestIngestResult;
    if (error instanceof AtomicRejection) result = error.result;
    else if (error instanceof UnreadableBodyError) {
      result = { batch: 0, outcome: 'failed', rowsRead: 0, accepted: 0, duplicate: 0, rejected: 0, rejects: [], error: error.message };
    } else throw error;
    // The rolled-back transaction's batch id is gone with it; the record takes a fresh one.
    result.batch = await nextBatch(warehouse);
    await recordRequest(warehouse.db, request, result, receivedAt);
    if (error instanceof UnreadableBodyError) throw error;
    return result;
  }
}

/**
 * Before the transaction (temp tables fill faster outside one, see Warehouse.transaction): the body into this
 * connection's temp tables; for Arrow, view `ingest_stage` with `_line` = 0-based index; for NDJSON, the lines
 * that stageJsonLines turns into that view inside the transaction.
 */
async function readBody(connection: DuckDBConnection, request: IngestRequest): Promise<void> {
  if (request.format === 'arrow') {
    try {
      await stageArrow(connection, request.body, `${STAGE}_rows`);
    } catch (error) {
      throw new UnreadableBodyError(`body is not an Arrow IPC stream: ${firstLine(error)}`);
    }
    await connection.run(`CREATE OR REPLACE TEMP VIEW ${STAGE} AS SELECT * REPLACE (_line - 1 AS _line) FROM ${STAGE}_rows`);
    return;
  }
  await stageNdjsonLines(connection, request.body);
}

/**
 * Lines of an NDJSON body into `ingest_stage_lines` (`_line` 0-based, `line`, `_ok`). Blank lines are not rows
 * but keep their number, so an index is always the body's line number minus one.
 */
async function stageNdjsonLines(connection: DuckDBConnection, body: Uint8Array): Promise<void> {
  const text = new TextDecoder('utf-8').decode(body);
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${STAGE}_text (_line BIGINT, line VARCHAR)`);
  const appender = await connection.createAppender(`${STAGE}_text`, 'main', 'temp');
  try {
    let indexes: DuckDBValue[] = [];
    let lines: DuckDBValue[] = [];
    const flush = async () => {
      if (lines.length === 0) return;
      const chunk = DuckDBDataChunk.create([BIGINT, VARCHAR], lines.length);
      chunk.setColumnValues(0, indexes);
      chunk.setColumnValues(1, lines);
      appender.appendDataChunk(chunk);
      indexes = [];
      lines = [];
      // Appending is synchronous: give other requests (reads) their turn between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    };
    let start = 0;
    for (let index = 0; start <= text.length; index++) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      const line = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
      start = end + 1;
      if (line.trim() === '') continue;
      indexes.push(BigInt(index));
      lines.push(line);
      if (lines.length === LINES_PER_CHUNK) await flush();
    }
    await flush();
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${STAGE}_lines AS
     SELECT _line, line, ${JSON_OBJECT_OK} AS _ok FROM ${STAGE}_text`,
  );
}

async function listRejects(connection: DuckDBConnection, batch: number): Promise<RowReject[]> {
  const reader = await connection.runAndReadAll(
    `SELECT line, field, reason FROM quarantine WHERE batch_id = $batch ORDER BY line LIMIT $limit`,
    { batch, limit: MAX_LISTED_REJECTS },
  );
  return reader.getRowObjectsJS().map((row) => ({
    index: Number(row.line),
    field: (row.field as string | null) ?? null,
    message: String(row.reason),
  }));
}

async function recordRequest(
  connection: DuckDBConnection,
  request: IngestRequest,
  result: RequestIngestResult,
  receivedAt: Date,
): Promise<void> {
  await connection.run(
    `INSERT INTO ingest_requests VALUES ($batch, $request_id, $stream, $role, $brand, $content_type, $size, $atomic,
       $rows_read, $accepted, $duplicate, $rejected, $outcome, $error, CAST($received_at AS TIMESTAMPTZ), now())`,
    {
      batch: result.batch,
      request_id: request.requestId,
      stream: request.stream,
      role: request.sender.role,
      brand: request.sender.brandId,
      content_type: request.contentType,
      size: request.body.byteLength,
      atomic: request.atomic,
      rows_read: result.rowsRead,
      accepted: result.accepted,
      duplicate: result.duplicate,
      rejected: result.rejected,
      outcome: result.outcome,
      error: result.error ?? null,
      received_at: receivedAt.toISOString(),
    },
  );
}
