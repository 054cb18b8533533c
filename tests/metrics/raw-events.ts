import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';

/**
 * Hand-written raw events for the metric tests, inserted straight into the raw tables (the ingest pipeline is
 * tested on its own). Times are written in KST (+09:00) so that the business-hour arithmetic in the tests reads
 * in local time.
 */

export type RawTable =
  | 'raw_orders'
  | 'raw_shipments'
  | 'raw_inquiries'
  | 'raw_claims'
  | 'raw_contacts'
  | 'raw_reviews';

export type RawEvent = Record<string, string | number | null> & { type: string; brand_id: string; occurred_at: string };

let nextEventId = 1;

export async function insertRaw(warehouse: Warehouse, table: RawTable, batch: number, events: RawEvent[]): Promise<void> {
  for (const event of events) {
    const row: Record<string, string | number | null> = { event_id: `e${nextEventId++}`, ...event, ingest_batch: batch };
    const columns = Object.keys(row);
    await warehouse.run(
      `INSERT INTO ${table} BY NAME SELECT ${columns.map((column) => `$${column} AS ${column}`).join(', ')}`,
      row,
    );
  }
}

export async function upsertBrand(
  warehouse: Warehouse,
  batch: number,
  brand: { brand_id: string; name: string; status: string; dispatch_days?: number },
): Promise<void> {
  await warehouse.run('DELETE FROM brands WHERE brand_id = $brand_id', { brand_id: brand.brand_id });
  await warehouse.run(
    `INSERT INTO brands (brand_id, name, status, dispatch_days, ingest_batch, updated_at)
     VALUES ($brand_id, $name, $status, $dispatch_days, $batch, now())`,
    { ...brand, dispatch_days: brand.dispatch_days ?? 2, batch },
  );
}

/** The DESIGN default calendar: Asia/Seoul, Mon–Fri 09:00–18:00, Korean public holidays. */
export function defaultCalendar(): BusinessCalendar {
  return BusinessCalendar.fromSettings({});
}

/** An instant written in KST. */
export const kst = (local: string): string => `${local}+09:00`;
export const at = (local: string): Date => new Date(kst(local));
