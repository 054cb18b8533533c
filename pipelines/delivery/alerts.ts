import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import type { Warehouse } from '../warehouse/database.ts';
import { enqueueMessage } from './outbox.ts';

/**
 * Staff alerts (README "Digests, alerts and delivery"): an ingest job that failed, a new delist or warn
 * recommendation. They go through the same outbox, files and webhook as the brand digests.
 */

export const StaffAlertSchema = z.object({
  /** What happened: `ingest_failed`, `recommendation`, … */
  kind: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case kind'),
  /**
   * What makes this alert the same alert when raised again (e.g. `B12:delist:2024-03-18`, or a job run id). With
   * the kind it forms the idempotency key, so raising it twice sends it once.
   */
  key: z.string().min(1).max(500),
  severity: z.enum(['info', 'warning', 'critical']).default('warning'),
  brand_id: z.string().nullable().default(null),
  title: z.string().min(1),
  detail: z.string().default(''),
  /** Anything the receiver may want (the recommendation's evidence, the job run). */
  data: z.unknown().optional(),
});
export type StaffAlert = z.input<typeof StaffAlertSchema>;

export const StaffAlertBodySchema = z.object({
  kind: z.literal('staff_alert'),
  message_id: z.string(),
  raised_at: z.string(),
  alert: StaffAlertSchema,
});
export type StaffAlertBody = z.infer<typeof StaffAlertBodySchema>;

/** The idempotency key of an alert: deterministic in its kind and key. */
export function staffAlertMessageId(kind: string, key: string): string {
  return `alert:${kind}:${key}`;
}

/**
 * Queues a staff alert; returns its message id and whether it was new (an alert with the same kind and key is
 * queued once). Pass `connection` to make it part of the caller's transaction (the alert then exists exactly when
 * the caller's rows do). Delivery happens on the next pass of the deliver-outbox job, within a minute in `serve`.
 */
export async function enqueueStaffAlert(
  warehouse: Warehouse,
  alert: StaffAlert,
  options: { now?: Date; connection?: DuckDBConnection } = {},
): Promise<{ messageId: string; created: boolean }> {
  const parsed = StaffAlertSchema.parse(alert);
  const now = options.now ?? new Date();
  const messageId = staffAlertMessageId(parsed.kind, parsed.key);
  const body: StaffAlertBody = { kind: 'staff_alert', message_id: messageId, raised_at: now.toISOString(), alert: parsed };
  const created = await enqueueMessage(
    warehouse,
    {
      messageId,
      kind: 'staff_alert',
      brandId: parsed.brand_id,
      digestDate: null,
      body: JSON.stringify(body),
    },
    { now, connection: options.connection },
  );
  return { messageId, created };
}
