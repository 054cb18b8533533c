import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refresh } from '../../metrics/refresh.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { recentJobRuns } from '../../pipelines/scheduler/job-runs.ts';
import { Scheduler } from '../../pipelines/scheduler/scheduler.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { digestDue } from '../../server/digest-jobs.ts';
import { defineJobs } from '../../server/jobs.ts';
import { tempDir } from '../helpers/event-files.ts';
import { at, defaultCalendar, insertRaw, kst, upsertBrand } from '../metrics/raw-events.ts';

const calendar = defaultCalendar();
let warehouse: Warehouse;
let dir: string;
let clock: Date;
const logs: string[] = [];

function jobs() {
  const config = parseConfig({ inbox: join(dir, 'inbox'), delivery: { outboxDir: join(dir, 'outbox') } });
  const defined = defineJobs(warehouse, config, { now: () => clock, log: (m) => logs.push(m) });
  return Object.fromEntries(defined.map((job) => [job.name, job]));
}

beforeEach(async () => {
  dir = tempDir('brandscore-digest-jobs-');
  warehouse = await Warehouse.open(join(dir, 'brandscore.duckdb'));
  await upsertBrand(warehouse, 1, { brand_id: 'B1', name: 'Brand One', status: 'active' });
  // Placed Thu 2024-02-29; still awaiting dispatch on every date below.
  await insertRaw(warehouse, 'raw_orders', 1, [
    { type: 'order_placed', brand_id: 'B1', order_id: 'O1', occurred_at: kst('2024-02-29T10:00:00'), amount: 1000, quantity: 1 },
  ]);
  await refresh(warehouse, { now: at('2024-02-29T12:00:00'), calendar });
  logs.length = 0;
});
afterEach(() => warehouse.close());

describe('when the digest job runs', () => {
  it('is due from the digest time on business days only', () => {
    // Fri 2024-03-01 is Samiljeol; Sat 2024-03-02 a weekend day; Mon 2024-03-04 a business day.
    expect(digestDue(calendar, '08:00', at('2024-03-01T08:00:00'))).toBeNull();
    expect(digestDue(calendar, '08:00', at('2024-03-02T09:00:00'))).toBeNull();
    expect(digestDue(calendar, '08:00', at('2024-03-04T07:59:00'))).toBeNull();
    expect(digestDue(calendar, '08:00', at('2024-03-04T08:00:00'))).toBe('2024-03-04');
    expect(digestDue(calendar, '08:00', at('2024-03-04T17:30:00'))).toBe('2024-03-04');
    expect(digestDue(calendar, '06:45', at('2024-03-04T06:50:00'))).toBe('2024-03-04');
  });

  it('sends nothing on a Korean public holiday, and once on the next business day', async () => {
    const scheduler = new Scheduler(warehouse, 'Asia/Seoul', { log: (m) => logs.push(m) });
    clock = at('2024-03-01T08:00:00');
    expect(await scheduler.trigger(jobs().digests!, 'test')).toBe('skipped');
    expect(await warehouse.all(`SELECT * FROM outbox`)).toEqual([]);

    clock = at('2024-03-04T08:00:00');
    expect(await scheduler.trigger(jobs().digests!, 'test')).toBe('ran');
    expect(await scheduler.trigger(jobs().digests!, 'test')).toBe('skipped');
    expect(await warehouse.all(`SELECT message_id, status, file_path IS NOT NULL AS filed FROM outbox`)).toEqual([
      // No webhook configured: the outbox table and folder are the delivery.
      { message_id: 'digest:2024-03-04:B1', status: 'stored', filed: true },
    ]);
    const runs = await recentJobRuns(warehouse);
    expect(runs.map((r) => [r.job, r.outcome, r.rows_in, r.rows_accepted])).toEqual([['digests', 'ok', 1, 1]]);
    await scheduler.stop();
  });
});

describe('digests and fresh facts', () => {
  it('wait for the refresh to fold in what was ingested, for at most 15 minutes', async () => {
    // A file ingested (batch 5) that the last refresh (batch 1) has not folded in.
    await warehouse.run(
      `INSERT INTO ingested_files (batch_id, path, size_bytes, sha256, outcome, started_at, finished_at)
       VALUES (5, 'inbox/orders/x.csv', 1, 'abc', 'ingested', now(), now())`,
    );
    const scheduler = new Scheduler(warehouse, 'Asia/Seoul', { log: (m) => logs.push(m) });
    clock = at('2024-03-04T08:00:00');
    expect(await scheduler.trigger(jobs().digests!, 'test')).toBe('skipped');
    clock = at('2024-03-04T08:14:00');
    expect(await scheduler.trigger(jobs().digests!, 'test')).toBe('skipped');
    // 08:15: the grace is over; the digests go out with the facts as they are.
    clock = at('2024-03-04T08:15:00');
    expect(await scheduler.trigger(jobs().digests!, 'test')).toBe('ran');
    await scheduler.stop();
  });
});

describe('a failed ingest job', () => {
  it('raises a staff alert through the outbox', async () => {
    mkdirSync(join(dir, 'inbox'), { recursive: true });
    writeFileSync(join(dir, 'inbox', 'orders-broken.parquet'), 'this is not parquet');
    const scheduler = new Scheduler(warehouse, 'Asia/Seoul', { log: (m) => logs.push(m) });
    clock = new Date();
    expect(await scheduler.trigger(jobs()['ingest-inbox']!, 'test')).toBe('ran');
    expect((await recentJobRuns(warehouse))[0]).toMatchObject({ job: 'ingest-inbox', outcome: 'failed', error: '1 of 1 inbox files failed' });
    const alerts = await warehouse.all<{ message_id: string; kind: string; body: string }>(`SELECT message_id, kind, body FROM outbox`);
    expect(alerts).toHaveLength(1);
    // The key is the instant of the failed run, compacted: 2024-03-20T03:00:00.000Z → 20240320T030000000Z.
    expect(alerts[0]!.message_id).toBe(`alert:ingest_inbox_failed:${clock.toISOString().replace(/[-:.]/g, '')}`);
    const body = JSON.parse(alerts[0]!.body);
    expect(body).toMatchObject({
      kind: 'staff_alert',
      alert: { kind: 'ingest_inbox_failed', severity: 'critical', title: 'Job ingest-inbox failed', detail: '1 of 1 inbox files failed' },
    });
    expect(body.alert.data.failed_files).toHaveLength(1);
    expect(body.alert.data.failed_files[0].path).toContain('orders-broken.parquet');

    // The deliver-outbox job files it.
    expect(await scheduler.trigger(jobs()['deliver-outbox']!, 'test')).toBe('ran');
    expect(await warehouse.all(`SELECT status FROM outbox`)).toEqual([{ status: 'stored' }]);
    await scheduler.stop();
  });
});
