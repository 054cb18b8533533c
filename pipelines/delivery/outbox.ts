import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../warehouse/database.ts';

/**
 * The outbox (README "Digests, alerts and delivery"): every message is a row with its final body and its
 * idempotency key before anything is sent. Enqueueing the same key again is a no-op, so a job that runs twice,
 * or a process restarted half-way, never makes a second message.
 */

export type MessageKind = 'brand_digest' | 'staff_alert';
export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'stored';

export interface OutboxMessage {
  message_id: string;
  kind: MessageKind;
  brand_id: string | null;
  digest_date: string | null;
  status: DeliveryStatus;
  attempts: number;
  retry_base: number;
  next_attempt_at: string;
  last_attempt_at: string | null;
  last_http_status: number | null;
  last_error: string | null;
  file_path: string | null;
  created_at: string;
  delivered_at: string | null;
  dead_at: string | null;
}

export interface NewMessage {
  messageId: string;
  kind: MessageKind;
  brandId: string | null;
  digestDate: string | null;
  /** The exact bytes (UTF-8) that the file holds and the webhook receives. */
  body: string;
}

const COLUMNS = `message_id, kind, brand_id, digest_date, status, attempts, retry_base, next_attempt_at, last_attempt_at,
  last_http_status, last_error, file_path, created_at, delivered_at, dead_at`;

/** Adds a message unless one with its id exists; true when it was added. Pass the connection of an open transaction. */
export async function enqueueMessage(
  warehouse: Warehouse,
  message: NewMessage,
  options: { now: Date; connection?: DuckDBConnection },
): Promise<boolean> {
  return (await enqueueMessages(warehouse, [message], options)).length > 0;
}

/** Rows per INSERT statement when many messages are queued at once. */
const INSERT_CHUNK = 500;

/** Adds the messages whose ids are not in the outbox yet, a few hundred per statement; returns the ids added. */
export async function enqueueMessages(
  warehouse: Warehouse,
  messages: NewMessage[],
  options: { now: Date; connection?: DuckDBConnection },
): Promise<string[]> {
  const added: string[] = [];
  for (let start = 0; start < messages.length; start += INSERT_CHUNK) {
    const params: Record<string, string | null> = { now: options.now.toISOString() };
    const values = messages.slice(start, start + INSERT_CHUNK).map((message, i) => {
      params[`id${i}`] = message.messageId;
      params[`kind${i}`] = message.kind;
      params[`brand${i}`] = message.brandId;
      params[`date${i}`] = message.digestDate;
      params[`body${i}`] = message.body;
      return `($id${i}, $kind${i}, $brand${i}, $date${i}::DATE, $body${i}, 'pending', 0, 0, $now::TIMESTAMPTZ, $now::TIMESTAMPTZ)`;
    });
    const rows = await warehouse.all<{ message_id: string }>(
      `INSERT INTO outbox (message_id, kind, brand_id, digest_date, body, status, attempts, retry_base, next_attempt_at, created_at)
       VALUES ${values.join(',\n')}
       ON CONFLICT DO NOTHING RETURNING message_id`,
      params,
      options.connection,
    );
    added.push(...rows.map((row) => row.message_id));
  }
  return added;
}

export async function getMessage(
  warehouse: Warehouse,
  messageId: string,
  connection?: DuckDBConnection,
): Promise<(OutboxMessage & { body: string }) | undefined> {
  return warehouse.one(`SELECT ${COLUMNS}, body FROM outbox WHERE message_id = $id`, { id: messageId }, connection);
}

export async function listMessages(
  warehouse: Warehouse,
  filter: { status?: DeliveryStatus; kind?: MessageKind; limit?: number },
  connection?: DuckDBConnection,
): Promise<OutboxMessage[]> {
  return warehouse.all<OutboxMessage>(
    `SELECT ${COLUMNS} FROM outbox
     WHERE ($status IS NULL OR status = $status) AND ($kind IS NULL OR kind = $kind)
     ORDER BY created_at DESC, message_id LIMIT $limit`,
    { status: filter.status ?? null, kind: filter.kind ?? null, limit: filter.limit ?? 50 },
    connection,
  );
}

/** Messages per status, every status present (0 when none). */
export async function countByStatus(warehouse: Warehouse, connection?: DuckDBConnection): Promise<Record<DeliveryStatus, number>> {
  const rows = await warehouse.all<{ status: DeliveryStatus; n: number }>(
    `SELECT status, count(*) AS n FROM outbox GROUP BY status`,
    undefined,
    connection,
  );
  const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, dead: 0, stored: 0 };
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

export class NotDeadError extends Error {
  override name = 'NotDeadError';
}

/**
 * Puts a dead letter back in the queue with a fresh budget of attempts, due now, under the same id and body:
 * a receiver that saw an earlier attempt recognises it by its key. Returns undefined for an unknown id; throws
 * NotDeadError for a message that is not dead.
 */
export async function retryDeadLetter(
  warehouse: Warehouse,
  messageId: string,
  options: { now: Date },
): Promise<OutboxMessage | undefined> {
  const existing = await getMessage(warehouse, messageId);
  if (!existing) return undefined;
  if (existing.status !== 'dead') throw new NotDeadError(`message ${messageId} is ${existing.status}, not a dead letter`);
  await warehouse.run(
    `UPDATE outbox SET status = 'pending', dead_at = NULL, retry_base = attempts, next_attempt_at = $now::TIMESTAMPTZ
     WHERE message_id = $id AND status = 'dead'`,
    { id: messageId, now: options.now.toISOString() },
  );
  return getMessage(warehouse, messageId);
}
