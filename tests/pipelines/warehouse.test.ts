import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contracts, EVENT_STREAMS, streamSchemas, type EventStream } from '../../pipelines/contracts/index.ts';
import { ingestFile } from '../../pipelines/sources/file-ingest.ts';
import { listMigrations, Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir, toNdjson, type Row } from '../helpers/event-files.ts';

describe('the warehouse', () => {
  it('applies the numbered migrations once and records them', async () => {
    const db = join(tempDir(), 'w.duckdb');
    const first = await Warehouse.open(db);
    const applied = await first.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(applied.map((row) => row.version)).toEqual(listMigrations().map((m) => m.version));
    first.close();
    const again = await Warehouse.open(db);
    expect(await again.migrate()).toEqual([]);
    again.close();
  });

  it('has raw tables whose columns are exactly the contract columns', async () => {
    const warehouse = await Warehouse.open(':memory:');
    for (const stream of [...EVENT_STREAMS, 'brands'] as const) {
      const table = stream === 'brands' ? 'brands' : `raw_${stream}`;
      const columns = await warehouse.all<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $table ORDER BY ordinal_position`,
        { table },
      );
      const bookkeeping = stream === 'brands' ? ['ingest_batch', 'updated_at'] : ['ingest_batch'];
      const expected = [
        ...(stream === 'brands' ? [] : [['type', 'VARCHAR']]),
        ...contracts[stream].columns.map((c) => [c.name, c.sqlType === 'TIMESTAMPTZ' ? 'TIMESTAMP WITH TIME ZONE' : c.sqlType]),
      ].sort();
      const actual = columns.filter((c) => !bookkeeping.includes(c.column_name)).map((c) => [c.column_name, c.data_type]).sort();
      expect(actual, table).toEqual(expected);
    }
    warehouse.close();
  });
});

describe('Warehouse.exclusive', () => {
  it('runs holders of the same lock one after another, even when one fails', async () => {
    const warehouse = await Warehouse.open(':memory:');
    const order: string[] = [];
    const slow = warehouse.exclusive('ingest', async () => {
      order.push('a start');
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push('a end');
      throw new Error('a failed');
    });
    const fast = warehouse.exclusive('ingest', async () => {
      order.push('b');
      return 'b done';
    });
    const other = warehouse.exclusive('refresh', async () => order.push('other lock'));
    await expect(slow).rejects.toThrow('a failed');
    expect(await fast).toBe('b done');
    await other;
    expect(order).toEqual(['a start', 'other lock', 'a end', 'b']);
    warehouse.close();
  });
});

describe('file validation agrees with the zod contract', () => {
  // The same rows through both paths: the zod schema (HTTP, types) and the SQL generated from it (files).
  const corpus: Record<EventStream, Row[]> = {
    orders: [
      { event_id: 'a', type: 'order_placed', brand_id: 'B', occurred_at: '2024-03-08T10:00:00+09:00', order_id: 'O', amount: 0, quantity: 1 },
      { event_id: 'b', type: 'order_placed', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', order_id: 'O', amount: -1, quantity: 1 },
      { event_id: 'c', type: 'order_placed', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', order_id: 'O', amount: 5, quantity: 0 },
      { event_id: 'd', type: 'order_placed', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', order_id: 'O', amount: 5 },
      { event_id: 'e', type: 'order_cancelled', brand_id: 'B', occurred_at: '2024-03-08T10:00', order_id: 'O', cancelled_by: 'brand' },
      { event_id: 'f', type: 'order_cancelled', brand_id: 'B', occurred_at: '2024-03-08T10:00', order_id: 'O', cancelled_by: 'cat' },
      { event_id: 'g', type: 'order_paid', brand_id: '', occurred_at: '2024-03-08T10:00', order_id: 'O' },
      { event_id: 'h', type: 'order_paid', brand_id: 'B', occurred_at: '2024-03-08', order_id: 'O' },
      { event_id: 'i', type: 'order_paid', brand_id: 'B', occurred_at: '2024-02-30T10:00:00', order_id: 'O' },
      { event_id: 'j', type: 'order_refunded', brand_id: 'B', occurred_at: '2024-03-08T10:00', order_id: 'O' },
      { event_id: 'k', type: 'address_changed', brand_id: 'B', occurred_at: '2024-03-08 10:00:00.123+09', order_id: 'O', changed_by: 'customer' },
      { event_id: 'l', type: 'order_placed', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', order_id: 'O', amount: 5, quantity: 1, dispatch_due_at: 'soon' },
    ],
    shipments: [
      { event_id: 'a', type: 'dispatched', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', order_id: 'O', carrier: 'CJ', tracking_no: 'T' },
      { event_id: 'b', type: 'dispatched', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', order_id: 'O', carrier: 'CJ' },
      { event_id: 'c', type: 'shipping_issue', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', order_id: 'O', issue: 'lost' },
      { event_id: 'd', type: 'delivered', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z' },
    ],
    inquiries: [
      { event_id: 'a', type: 'inquiry_opened', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', inquiry_id: 'Q', channel: 'chat', category: 'product' },
      { event_id: 'b', type: 'inquiry_opened', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', inquiry_id: 'Q', channel: 'fax', category: 'product' },
      { event_id: 'c', type: 'inquiry_answered', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', inquiry_id: 'Q', responder: 'bot' },
    ],
    claims: [
      { event_id: 'a', type: 'claim_opened', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', claim_id: 'C', order_id: 'O', claim_type: 'refund', reason: 'delay' },
      { event_id: 'b', type: 'claim_stage_changed', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', claim_id: 'C', order_id: 'O', stage: 'done', handled_by: 'brand' },
    ],
    contacts: [
      { event_id: 'a', type: 'contact_attempted', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', contact_id: 'K', channel: 'sms', purpose: 'other' },
      { event_id: 'b', type: 'contact_answered', occurred_at: '2024-03-08T10:00:00Z', contact_id: 'K' },
    ],
    reviews: [
      { event_id: 'a', type: 'review_posted', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', review_id: 'R', order_id: 'O', score: 5 },
      { event_id: 'b', type: 'review_posted', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', review_id: 'R', order_id: 'O', score: 6 },
      { event_id: 'c', type: 'review_posted', brand_id: 'B', occurred_at: '2024-03-08T10:00:00Z', review_id: 'R', order_id: 'O', score: 2.5 },
    ],
  };

  it('accepts and rejects the same rows', async () => {
    const dir = tempDir();
    const warehouse = await Warehouse.open(':memory:');
    for (const stream of EVENT_STREAMS) {
      const rows = corpus[stream];
      const zodAccepted = rows
        .filter((row) => streamSchemas[stream].safeParse(Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null))).success)
        .map((row) => row.event_id);
      const path = join(dir, `${stream}-corpus.ndjson`);
      writeFileSync(path, toNdjson(rows));
      await ingestFile(warehouse, path, { sourceTimeZone: 'Asia/Seoul' });
      const sqlAccepted = (await warehouse.all<{ event_id: string }>(`SELECT event_id FROM raw_${stream} ORDER BY event_id`)).map(
        (row) => row.event_id,
      );
      expect(sqlAccepted, stream).toEqual(zodAccepted.sort());
    }
    warehouse.close();
  });
});
