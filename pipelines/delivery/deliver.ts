import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from '../warehouse/database.ts';
import type { OutboxMessage } from './outbox.ts';
import type { DeliverySettings, WebhookSettings } from './settings.ts';
import { isRetryable, postSigned } from './webhook.ts';

/**
 * Delivery of the outbox (README "Digests, alerts and delivery"): at least once, under a stable key.
 *
 * A message's key and body are in the outbox before the first send. Each attempt is counted and logged before the
 * request goes out and its answer recorded after; a process that dies in between leaves the message pending, and
 * the next pass (after a restart, too) sends the same bytes under the same key. Receivers deduplicate by the key.
 */

export interface DeliveryEffects {
  now: () => Date;
  log: (message: string) => void;
  /** Uniform in [0, 1): the jitter. */
  random?: () => number;
}

export interface DeliveryPass {
  filed: number;
  attempted: number;
  delivered: number;
  retrying: number;
  dead: number;
}

/** Full jitter: a random wait in [0, min(max, base × 2^(attempt-1))) after the attempt-th failure. */
export function backoffMs(attempt: number, webhook: Pick<WebhookSettings, 'backoffBaseMs' | 'backoffMaxMs'>, random = Math.random): number {
  const cap = Math.min(webhook.backoffMaxMs, webhook.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * One pass: files every message not yet written to the outbox folder, marks messages `stored` when no webhook is
 * configured, and makes one attempt at every pending message that is due. Passes of one process never overlap.
 */
export async function deliverDue(warehouse: Warehouse, settings: DeliverySettings, effects: DeliveryEffects): Promise<DeliveryPass> {
  return warehouse.exclusive('delivery', async () => {
    const pass: DeliveryPass = { filed: 0, attempted: 0, delivered: 0, retrying: 0, dead: 0 };
    pass.filed = await fileUnwritten(warehouse, settings);
    const { webhook } = settings;
    if (!webhook) {
      await warehouse.run(`UPDATE outbox SET status = 'stored' WHERE status = 'pending'`);
      return pass;
    }
    const due = await warehouse.all<OutboxMessage & { body: string }>(
      `SELECT message_id, body, attempts, retry_base FROM outbox
       WHERE status = 'pending' AND next_attempt_at <= $now::TIMESTAMPTZ ORDER BY next_attempt_at, message_id`,
      { now: effects.now().toISOString() },
    );
    for (const message of due) {
      const outcome = await attempt(warehouse, webhook, message, effects);
      pass.attempted++;
      pass[outcome]++;
    }
    return pass;
  });
}

async function attempt(
  warehouse: Warehouse,
  webhook: WebhookSettings,
  message: Pick<OutboxMessage, 'message_id' | 'attempts' | 'retry_base'> & { body: string },
  effects: DeliveryEffects,
): Promise<'delivered' | 'retrying' | 'dead'> {
  const number = message.attempts + 1;
  const id = message.message_id;
  const started = effects.now().toISOString();
  // Recorded before the send: after a crash the attempt shows, unfinished, and the budget counts it.
  await warehouse.transaction(async (connection) => {
    await connection.run(`UPDATE outbox SET attempts = $n, last_attempt_at = $at::TIMESTAMPTZ WHERE message_id = $id`, {
      id,
      n: number,
      at: started,
    });
    await connection.run(`INSERT INTO delivery_attempts (message_id, attempt, started_at) VALUES ($id, $n, $at::TIMESTAMPTZ)`, {
      id,
      n: number,
      at: started,
    });
  });
  const answer = await postSigned(webhook.url, message.body, {
    secret: webhook.secret,
    idempotencyKey: id,
    attempt: number,
    timeoutMs: webhook.timeoutMs,
  });
  const now = effects.now();
  const ok = answer.status !== null && answer.status >= 200 && answer.status < 300;
  const outcome = ok ? 'delivered' : !isRetryable(answer.status) || number - message.retry_base >= webhook.maxAttempts ? 'dead' : 'retrying';
  const next = new Date(now.getTime() + (outcome === 'retrying' ? backoffMs(number, webhook, effects.random) : 0));
  await warehouse.transaction(async (connection) => {
    await connection.run(
      `UPDATE delivery_attempts SET finished_at = $now::TIMESTAMPTZ, http_status = $status, error = $error
       WHERE message_id = $id AND attempt = $n`,
      { id, n: number, now: now.toISOString(), status: answer.status, error: answer.error },
    );
    await connection.run(
      `UPDATE outbox SET
         status = CASE $outcome WHEN 'delivered' THEN 'delivered' WHEN 'dead' THEN 'dead' ELSE 'pending' END,
         last_http_status = $status, last_error = $error, next_attempt_at = $next::TIMESTAMPTZ,
         delivered_at = CASE WHEN $outcome = 'delivered' THEN $now::TIMESTAMPTZ END,
         dead_at = CASE WHEN $outcome = 'dead' THEN $now::TIMESTAMPTZ END
       WHERE message_id = $id`,
      { id, outcome, status: answer.status, error: answer.error, next: next.toISOString(), now: now.toISOString() },
    );
  });
  if (outcome === 'dead') effects.log(`delivery: ${id} is a dead letter after ${number} attempt(s): ${answer.error}`);
  return outcome;
}

/**
 * Passes until nothing is pending (delivered, dead or stored), sleeping until the next retry is due in between;
 * gives up waiting after `maxWaitMs` and leaves the rest to a later pass (the scheduler's deliver-outbox job).
 */
export async function deliverUntilSettled(
  warehouse: Warehouse,
  settings: DeliverySettings,
  effects: DeliveryEffects,
  options: { maxWaitMs?: number } = {},
): Promise<DeliveryPass & { pending: number }> {
  const total: DeliveryPass = { filed: 0, attempted: 0, delivered: 0, retrying: 0, dead: 0 };
  const giveUpAt = Date.now() + (options.maxWaitMs ?? 120_000);
  for (;;) {
    const pass = await deliverDue(warehouse, settings, effects);
    for (const key of Object.keys(total) as (keyof DeliveryPass)[]) total[key] += pass[key];
    const next = await warehouse.one<{ pending: number; next_at: string | null }>(
      `SELECT count(*) AS pending, min(next_attempt_at) AS next_at FROM outbox WHERE status = 'pending'`,
    );
    if (!next || next.pending === 0 || next.next_at === null) return { ...total, pending: 0 };
    const waitMs = Math.max(0, new Date(next.next_at).getTime() - effects.now().getTime());
    if (Date.now() + waitMs > giveUpAt) return { ...total, pending: next.pending };
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/** Whether a pass has work: a message to file, or a pending one that is due. */
export async function hasDueDeliveries(warehouse: Warehouse, now: Date): Promise<boolean> {
  const row = await warehouse.one<{ due: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM outbox WHERE file_path IS NULL OR (status = 'pending' AND next_attempt_at <= $now::TIMESTAMPTZ)) AS due`,
    { now: now.toISOString() },
  );
  return row?.due ?? false;
}

/**
 * Writes each message not yet filed to OUTBOX/DATE/ID.json (DATE: the digest date, or the local date it was made),
 * through a temporary file and a rename, so a reader never sees half a message.
 */
async function fileUnwritten(warehouse: Warehouse, settings: DeliverySettings): Promise<number> {
  const rows = await warehouse.all<{ message_id: string; body: string; digest_date: string | null; local_date: string }>(
    `SELECT message_id, body, digest_date, strftime(created_at AT TIME ZONE $zone, '%Y-%m-%d') AS local_date
     FROM outbox WHERE file_path IS NULL ORDER BY created_at, message_id`,
    { zone: settings.timeZone },
  );
  const paths = rows.map((row) => {
    const dir = join(settings.outboxDir, row.digest_date ?? row.local_date);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${fileNameOf(row.message_id)}.json`);
    writeFileSync(`${path}.tmp`, row.body);
    renameSync(`${path}.tmp`, path);
    return path;
  });
  // Recorded after the files exist; a crash in between rewrites the same files on the next pass.
  for (let start = 0; start < rows.length; start += 500) {
    const params: Record<string, string> = {};
    const values = rows.slice(start, start + 500).map((row, i) => {
      params[`id${i}`] = row.message_id;
      params[`path${i}`] = paths[start + i]!;
      return `($id${i}, $path${i})`;
    });
    await warehouse.run(
      `UPDATE outbox SET file_path = f.path FROM (VALUES ${values.join(', ')}) f(id, path) WHERE outbox.message_id = f.id`,
      params,
    );
  }
  return rows.length;
}

/**
 * A file name for a message id: its ':'-separated parts joined by '.', each part's characters other than
 * A-Za-z0-9_- percent-encoded (so `digest:2024-03-20:B1` is `digest.2024-03-20.B1`, and no two ids share a name).
 */
export function fileNameOf(messageId: string): string {
  return messageId
    .split(':')
    .map((part) =>
      part.replace(/[^A-Za-z0-9_-]/g, (c) =>
        [...Buffer.from(c, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join(''),
      ),
    )
    .join('.');
}
