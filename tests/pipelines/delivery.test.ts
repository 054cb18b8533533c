import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDigests } from '../../metrics/digests/digests.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { refresh } from '../../metrics/refresh.ts';
import { enqueueStaffAlert } from '../../pipelines/delivery/alerts.ts';
import { backoffMs, deliverUntilSettled, fileNameOf } from '../../pipelines/delivery/deliver.ts';
import { countByStatus, getMessage, retryDeadLetter } from '../../pipelines/delivery/outbox.ts';
import { resolveDeliverySettings, type DeliverySettings } from '../../pipelines/delivery/settings.ts';
import { signBody } from '../../pipelines/delivery/webhook.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from '../helpers/event-files.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';
import { at, defaultCalendar, insertRaw, kst, upsertBrand } from '../metrics/raw-events.ts';

const SECRET = 'a-test-secret-of-enough-length';
const DATE = '2024-03-20';
const KEY = `digest:${DATE}:B1`;
const NOW = at('2024-03-20T12:00:00');
const calendar = defaultCalendar();

let warehouse: Warehouse;
let outboxDir: string;
let receiver: Receiver | undefined;
const logs: string[] = [];
const effects = { now: () => new Date(), log: (message: string) => logs.push(message) };

function settings(url: string | null, webhook: Partial<NonNullable<DeliverySettings['webhook']>> = {}): DeliverySettings {
  return {
    outboxDir,
    timeZone: 'Asia/Seoul',
    webhook: url
      ? { url, secret: SECRET, timeoutMs: 2000, maxAttempts: 5, backoffBaseMs: 20, backoffMaxMs: 100, ...webhook }
      : null,
  };
}

/** One brand with one order awaiting dispatch on the digest date: one digest to deliver. */
beforeEach(async () => {
  const dir = tempDir('brandscore-delivery-');
  outboxDir = join(dir, 'outbox');
  warehouse = await Warehouse.open(join(dir, 'brandscore.duckdb'));
  await upsertBrand(warehouse, 1, { brand_id: 'B1', name: '브랜드 하나', status: 'active' });
  await insertRaw(warehouse, 'raw_orders', 1, [
    { type: 'order_placed', brand_id: 'B1', order_id: 'O1', occurred_at: kst('2024-03-18T10:00:00'), amount: 1000, quantity: 1 },
  ]);
  await refresh(warehouse, { now: NOW, calendar });
  await makeDigests(warehouse, { date: DATE, now: NOW, calendar, digestTime: '08:00' });
  logs.length = 0;
});
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  warehouse.close();
});

describe('webhook delivery', () => {
  it('retries a receiver that fails twice, with the same key, body and a valid signature, and it accepts the third', async () => {
    receiver = await startReceiver((n) => (n <= 2 ? 503 : 200));
    const result = await deliverUntilSettled(warehouse, settings(receiver.url), effects);
    expect(result).toMatchObject({ filed: 1, attempted: 3, delivered: 1, retrying: 2, dead: 0, pending: 0 });

    const stored = (await getMessage(warehouse, KEY))!;
    expect(receiver.requests).toHaveLength(3);
    for (const [i, request] of receiver.requests.entries()) {
      // Each retry carries the whole digest again: the same bytes as the outbox row, the same key.
      expect(request.body.toString('utf8')).toBe(stored.body);
      expect(JSON.parse(request.body.toString('utf8'))).toMatchObject({ kind: 'brand_digest', brand_id: 'B1', message_id: KEY });
      expect(request.headers['idempotency-key']).toBe(KEY);
      expect(request.headers['x-brandscore-signature']).toBe(signBody(request.body, SECRET));
      expect(request.headers['x-brandscore-attempt']).toBe(String(i + 1));
      expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    expect(stored).toMatchObject({ status: 'delivered', attempts: 3, last_http_status: 200, last_error: null });
    const attempts = await warehouse.all(`SELECT attempt, http_status, error FROM delivery_attempts ORDER BY attempt`);
    expect(attempts).toEqual([
      { attempt: 1, http_status: 503, error: 'HTTP 503' },
      { attempt: 2, http_status: 503, error: 'HTTP 503' },
      { attempt: 3, http_status: 200, error: null },
    ]);
    // The outbox file holds the same bytes.
    expect(fileNameOf(KEY)).toBe('digest.2024-03-20.B1');
    expect(fileNameOf('alert:x:a.b/c:d')).toBe('alert.x.a%2Eb%2Fc.d');
    expect(stored.file_path).toBe(join(outboxDir, DATE, 'digest.2024-03-20.B1.json'));
    expect(readFileSync(stored.file_path!, 'utf8')).toBe(stored.body);
  });

  it('ends in the dead letters after the configured attempts when the receiver never answers, and staff can retry it', async () => {
    receiver = await startReceiver(() => 'hang');
    const result = await deliverUntilSettled(warehouse, settings(receiver.url, { timeoutMs: 150, maxAttempts: 3 }), effects);
    expect(result).toMatchObject({ attempted: 3, delivered: 0, dead: 1, pending: 0 });
    expect(receiver.requests.map((r) => r.headers['idempotency-key'])).toEqual([KEY, KEY, KEY]);
    expect(await getMessage(warehouse, KEY)).toMatchObject({
      status: 'dead',
      attempts: 3,
      last_http_status: null,
      last_error: 'no answer within 150 ms',
    });
    expect(logs).toEqual([`delivery: ${KEY} is a dead letter after 3 attempt(s): no answer within 150 ms`]);

    // Retried by staff once the receiver is back: a fresh budget, the same key.
    receiver.respond = () => 200;
    expect(await retryDeadLetter(warehouse, KEY, { now: new Date() })).toMatchObject({ status: 'pending', attempts: 3, retry_base: 3 });
    await deliverUntilSettled(warehouse, settings(receiver.url, { timeoutMs: 150, maxAttempts: 3 }), effects);
    expect(receiver.requests).toHaveLength(4);
    expect(receiver.requests[3]!.headers['idempotency-key']).toBe(KEY);
    expect(await getMessage(warehouse, KEY)).toMatchObject({ status: 'delivered', attempts: 4 });
  });

  it('gives up at once on a refusal that repeating cannot fix', async () => {
    receiver = await startReceiver(() => 401);
    const result = await deliverUntilSettled(warehouse, settings(receiver.url), effects);
    expect(result).toMatchObject({ attempted: 1, dead: 1 });
    expect(await getMessage(warehouse, KEY)).toMatchObject({ status: 'dead', attempts: 1, last_http_status: 401 });
  });

  it('without a webhook, stores every message in the outbox folder and table', async () => {
    const alert = await enqueueStaffAlert(
      warehouse,
      { kind: 'ingest_failed', key: 'run-7', title: 'Inbox ingest failed', detail: '1 of 3 files failed' },
      { now: NOW },
    );
    expect(alert).toEqual({ messageId: 'alert:ingest_failed:run-7', created: true });
    // Raised again: the same message, not a second one.
    expect((await enqueueStaffAlert(warehouse, { kind: 'ingest_failed', key: 'run-7', title: 'again' })).created).toBe(false);
    await deliverUntilSettled(warehouse, settings(null), effects);
    expect(await countByStatus(warehouse)).toEqual({ pending: 0, delivered: 0, dead: 0, stored: 2 });
    // Alerts are filed under the local date they were raised (2024-03-20 in Seoul).
    const alertFile = join(outboxDir, DATE, 'alert.ingest_failed.run-7.json');
    expect(existsSync(alertFile)).toBe(true);
    expect(JSON.parse(readFileSync(alertFile, 'utf8'))).toMatchObject({
      kind: 'staff_alert',
      message_id: 'alert:ingest_failed:run-7',
      alert: { kind: 'ingest_failed', severity: 'warning', title: 'Inbox ingest failed' },
    });
  });
});

describe('backoff', () => {
  it('is full jitter under an exponential cap', () => {
    const webhook = { backoffBaseMs: 1000, backoffMaxMs: 10_000 };
    // Caps: attempt 1 → 1000, 2 → 2000, 3 → 4000, 4 → 8000, 5 → min(10000, 16000) = 10000.
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, webhook, () => 0.5))).toEqual([500, 1000, 2000, 4000, 5000]);
    expect(backoffMs(3, webhook, () => 0)).toBe(0);
    expect(backoffMs(3, webhook, () => 0.99999)).toBe(3999);
  });
});

describe('delivery settings', () => {
  it('take the webhook from the environment first, and refuse a URL without a secret', () => {
    const config = parseConfig({ delivery: { webhook: { url: 'http://file.example/hook', secret: 'from-the-file-0123456789' } } }).delivery;
    expect(resolveDeliverySettings(config, 'Asia/Seoul', {}).webhook).toMatchObject({ url: 'http://file.example/hook', maxAttempts: 8 });
    const env = { BRANDSCORE_WEBHOOK_URL: 'https://env.example/hook', BRANDSCORE_WEBHOOK_SECRET: 'from-the-env-0123456789' };
    expect(resolveDeliverySettings(config, 'Asia/Seoul', env).webhook).toMatchObject({ url: 'https://env.example/hook', secret: 'from-the-env-0123456789' });
    expect(resolveDeliverySettings(parseConfig({}).delivery, 'Asia/Seoul', {}).webhook).toBeNull();
    expect(() => resolveDeliverySettings(parseConfig({}).delivery, 'Asia/Seoul', { BRANDSCORE_WEBHOOK_URL: 'http://x.example/' })).toThrow(
      'delivery.webhook: a webhook URL needs a secret (BRANDSCORE_WEBHOOK_SECRET or delivery.webhook.secret)',
    );
    expect(() => parseConfig({ delivery: { webhook: { url: 'ftp://x.example/' } } })).toThrow(/delivery\.webhook\.url/);
    expect(() => parseConfig({ delivery: { digestTime: '8am' } })).toThrow('config: delivery.digestTime: expected HH:MM (24-hour)');
  });
});
