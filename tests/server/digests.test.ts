import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { makeDigests } from '../../metrics/digests/digests.ts';
import { refresh } from '../../metrics/refresh.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { deliverUntilSettled } from '../../pipelines/delivery/deliver.ts';
import { toNdjson, tempDir } from '../helpers/event-files.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';
import { bearer, NOW, postNdjson, seed, startServer, type TestServer } from './test-server.ts';

/**
 * Digests of Wed 2024-03-20 over the HTTP API. The seed leaves B2's order O-B2 (placed Mon 03-11) and B3's O-B3
 * (Tue 03-12) undispatched; B1 gets one unanswered inquiry of Tue 03-19. The webhook accepts B1's digest and
 * answers 500 to the others, which go dead after 2 attempts.
 */

const DATE = '2024-03-20';
let server: TestServer;
let receiver: Receiver;

async function getJson<T = Record<string, unknown>>(path: string, token: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}${path}`, { headers: bearer(token) });
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  server = await startServer();
  await seed(server);
  const inquiry = { event_id: 'd-q1', type: 'inquiry_opened', brand_id: 'B1', occurred_at: '2024-03-19T10:00:00+09:00', inquiry_id: 'QD1', channel: 'chat', category: 'product' };
  expect((await postNdjson(server, '/api/ingest/inquiries', toNdjson([inquiry]))).status).toBe(200);
  const calendar = new BusinessCalendar(parseConfig({}).calendar);
  await refresh(server.warehouse, { now: NOW, calendar });
  await makeDigests(server.warehouse, { date: DATE, now: NOW, calendar, digestTime: '08:00' });
  receiver = await startReceiver((_n, request) => (request.headers['idempotency-key'] === `digest:${DATE}:B1` ? 200 : 500));
  const webhook = { url: receiver.url, secret: 'api-test-secret-0123456789', timeoutMs: 2000, maxAttempts: 2, backoffBaseMs: 5, backoffMaxMs: 10 };
  await deliverUntilSettled(server.warehouse, { outboxDir: tempDir(), timeZone: 'Asia/Seoul', webhook }, { now: () => new Date(), log: () => undefined });
});
afterAll(async () => {
  await receiver.close();
  await server.close();
});

describe('GET /api/digests', () => {
  it('lists the digests of a date with their delivery status', async () => {
    const { status, body } = await getJson<{ date: string; business_day: boolean; run: { brands: number }; digests: { digest: Record<string, unknown>; delivery: Record<string, unknown> }[] }>(
      `/api/digests?date=${DATE}`,
      server.tokens.merchandiser,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ date: DATE, business_day: true, run: { brands: 3 } });
    expect(body.digests.map((d) => [d.digest.brand_id, d.delivery.status, d.delivery.attempts])).toEqual([
      ['B1', 'delivered', 1],
      ['B2', 'dead', 2],
      ['B3', 'dead', 2],
    ]);
    expect(body.digests[1]!.digest).toMatchObject({ orders_awaiting_dispatch: { count: 1, overdue: 1, oldest: { id: 'O-B2' } } });
  });

  it("shows a brand token its own digest only", async () => {
    const { body } = await getJson<{ digests: { digest: { brand_id: string; unanswered_inquiries: unknown } }[] }>(
      `/api/digests?date=${DATE}`,
      server.tokens.brand,
    );
    expect(body.digests.map((d) => d.digest.brand_id)).toEqual(['B1']);
    // QD1: opened Tue 10:00, deadline Thu 03-21 18:00 (2 business days): pending, neither overdue nor due today.
    expect(body.digests[0]!.digest.unanswered_inquiries).toMatchObject({ count: 1, overdue: 0, due_today: 0 });
  });

  it('answers a closed day with no digests, and refuses a bad date', async () => {
    expect((await getJson(`/api/digests?date=2024-03-16`, server.tokens.admin)).body).toEqual({
      date: '2024-03-16',
      business_day: false,
      run: null,
      digests: [],
    });
    const bad = await getJson<{ detail: string }>(`/api/digests?date=20-03-2024`, server.tokens.admin);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/date/);
  });
});

describe('deliveries and dead letters', () => {
  it('counts messages by status for the jobs page, lists dead letters, and lets staff retry them once', async () => {
    const deliveries = await getJson<{ counts: Record<string, number>; messages: unknown[] }>('/api/deliveries', server.tokens.onboarding);
    expect(deliveries.body.counts).toEqual({ pending: 0, delivered: 1, dead: 2, stored: 0 });
    expect(deliveries.body.messages).toHaveLength(3);

    const dead = await getJson<{ dead_letters: { message_id: string; last_error: string; body: { brand_id: string } }[] }>(
      '/api/deliveries/dead-letters',
      server.tokens.manager,
    );
    expect(dead.body.dead_letters.map((d) => [d.message_id, d.last_error, d.body.brand_id]).sort()).toEqual([
      [`digest:${DATE}:B2`, 'HTTP 500', 'B2'],
      [`digest:${DATE}:B3`, 'HTTP 500', 'B3'],
    ]);

    const retry = (id: string) =>
      fetch(`${server.url}/api/deliveries/${encodeURIComponent(id)}/retry`, { method: 'POST', headers: bearer(server.tokens.manager) });
    const first = await retry(`digest:${DATE}:B2`);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ message_id: `digest:${DATE}:B2`, status: 'pending', attempts: 2, dead_at: null });
    const again = await retry(`digest:${DATE}:B2`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toBe(`message digest:${DATE}:B2 is pending, not a dead letter`);

    const after = await getJson<{ counts: Record<string, number> }>('/api/deliveries?status=pending', server.tokens.admin);
    expect(after.body.counts).toEqual({ pending: 1, delivered: 1, dead: 1, stored: 0 });
  });
});
