import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_LOCK } from '../../pipelines/sources/file-ingest.ts';
import { hasUnrefreshedData } from '../../server/jobs.ts';
import { bearer, postNdjson, startServer, type TestServer } from './test-server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server.close());

interface IngestResponse {
  stream: string;
  outcome: string;
  rows_read: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  rejects: { index: number; field: string | null; message: string }[];
  rejects_not_listed: number;
}

const order = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    event_id: id,
    type: 'order_placed',
    brand_id: 'B1',
    occurred_at: '2024-03-18T10:00:00+09:00',
    order_id: `O-${id}`,
    amount: 1000,
    quantity: 1,
    ...extra,
  });

/** `n` order_placed events as an Arrow IPC stream, ids `${prefix}-0` …, over 200 brands. */
function arrowOrders(prefix: string, n: number): Uint8Array {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const table = tableFromArrays({
    event_id: ids,
    type: ids.map(() => 'order_placed'),
    brand_id: ids.map((_, i) => `B${i % 200}`),
    occurred_at: ids.map((_, i) => new Date(Date.UTC(2024, 2, 1) + i * 20_000).toISOString()),
    order_id: ids.map((id) => `O-${id}`),
    amount: Int32Array.from({ length: n }, (_, i) => 1000 + (i % 50) * 100),
    quantity: Int32Array.from({ length: n }, () => 1),
  });
  return tableToIPC(table, 'stream');
}

async function postArrow(stream: string, bytes: Uint8Array, token = server.tokens.ingest): Promise<Response> {
  return fetch(`${server.url}/api/ingest/${stream}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/vnd.apache.arrow.stream' },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
}

describe('POST /api/ingest/:stream', () => {
  it('accepts valid NDJSON rows and reports malformed ones by their 0-based line index', async () => {
    const body = [order('n1'), 'this is not json', '', order('n2', { amount: -5 }), '[1,2]', order('n3'), order('n1')].join('\n');
    const response = await postNdjson(server, '/api/ingest/orders', `${body}\n`);
    expect(response.status).toBe(200);
    const result = (await response.json()) as IngestResponse;
    expect(result).toMatchObject({ stream: 'orders', outcome: 'ingested', accepted: 2, duplicate: 1, rejected: 3, rejects_not_listed: 0 });
    expect(result.rejects).toEqual([
      { index: 1, field: null, message: 'not a JSON object' },
      { index: 3, field: 'amount', message: 'must be at least 0, got -5' },
      { index: 4, field: null, message: 'not a JSON object' },
    ]);
    const quarantined = await server.warehouse.all<{ source: string; line: number; field: string | null; raw: string }>(
      `SELECT source, line, field, raw FROM quarantine WHERE stream = 'orders' ORDER BY line`,
    );
    expect(quarantined.map((row) => [row.line, row.field, row.raw])).toEqual([
      [1, null, 'this is not json'],
      [3, 'amount', order('n2', { amount: -5 })],
      [4, null, '[1,2]'],
    ]);
    expect(quarantined.every((row) => /^http:[0-9a-f-]{36}$/.test(row.source))).toBe(true);
  });

  it('counts event ids already stored as duplicates, not new rows', async () => {
    const response = await postNdjson(server, '/api/ingest/orders', `${order('n1')}\n${order('n3')}\n${order('n4')}\n`);
    expect(await response.json()).toMatchObject({ accepted: 1, duplicate: 2, rejected: 0 });
    const stored = await server.warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM raw_orders WHERE event_id LIKE 'n%'`);
    expect(stored?.n).toBe(3);
  });

  it('?atomic=true accepts and quarantines nothing when any row is invalid', async () => {
    const quarantinedBefore = await server.warehouse.one<{ n: number }>('SELECT count(*) AS n FROM quarantine');
    const body = `${order('a1')}\n${order('a2', { quantity: 'two' })}\n${order('a3')}\n`;
    const refused = await postNdjson(server, '/api/ingest/orders?atomic=true', body);
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({
      outcome: 'rejected',
      atomic: true,
      accepted: 0,
      rejected: 1,
      rejects: [{ index: 1, field: 'quantity' }],
    });
    const stored = await server.warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM raw_orders WHERE event_id LIKE 'a%'`);
    expect(stored?.n).toBe(0);
    expect(await server.warehouse.one('SELECT count(*) AS n FROM quarantine')).toEqual(quarantinedBefore);

    const accepted = await postNdjson(server, '/api/ingest/orders?atomic=true', `${order('a1')}\n${order('a3')}\n`);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ outcome: 'ingested', accepted: 2 });
  });

  it('upserts brands; the rejects list is capped and says how many more there are', async () => {
    const brands = [
      { brand_id: 'HB1', name: 'Old name', status: 'applicant' },
      { brand_id: 'HB1', name: 'New name', status: 'probation' },
    ];
    const response = await postNdjson(server, '/api/ingest/brands', brands.map((b) => JSON.stringify(b)).join('\n'), server.tokens.admin);
    expect(await response.json()).toMatchObject({ accepted: 1, rejected: 0 });
    expect(await server.warehouse.one(`SELECT name, status, dispatch_days FROM brands WHERE brand_id = 'HB1'`)).toEqual({
      name: 'New name',
      status: 'probation',
      dispatch_days: 2,
    });

    const bad = Array.from({ length: 1500 }, (_, i) => order(`bad-${i}`, { type: 'order_shipped' })).join('\n');
    const capped = (await (await postNdjson(server, '/api/ingest/orders', bad)).json()) as IngestResponse;
    expect(capped.rejected).toBe(1500);
    expect(capped.rejects).toHaveLength(1000);
    expect(capped.rejects[999]!.index).toBe(999);
    expect(capped.rejects_not_listed).toBe(500);
  });

  it('refuses other media types (415) and unreadable Arrow (400), recording the failure', async () => {
    const json = await fetch(`${server.url}/api/ingest/orders`, {
      method: 'POST',
      headers: { ...bearer(server.tokens.ingest), 'content-type': 'application/json' },
      body: '[]',
    });
    expect(json.status).toBe(415);
    const garbage = await postArrow('orders', new TextEncoder().encode('not arrow at all'));
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { detail: string }).detail).toMatch(/not an Arrow IPC stream/);
    const failed = await server.warehouse.one(`SELECT outcome, error IS NOT NULL AS has_error FROM ingest_requests WHERE outcome = 'failed'`);
    expect(failed).toEqual({ outcome: 'failed', has_error: true });
  });

  it('ingests an Arrow IPC stream of 100,000 events', async () => {
    const bytes = arrowOrders('arrow', 100_000);
    const started = performance.now();
    const response = await postArrow('orders', bytes);
    const seconds = (performance.now() - started) / 1000;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ rows_read: 100_000, accepted: 100_000, duplicate: 0, rejected: 0 });
    console.log(
      `HTTP Arrow ingest: 100,000 events (${(bytes.byteLength / 1e6).toFixed(1)} MB) in ${seconds.toFixed(2)} s = ${Math.round(100_000 / seconds).toLocaleString('en')} events/s`,
    );
    const stored = await server.warehouse.one<{ n: number; brands: number }>(
      `SELECT count(*) AS n, count(DISTINCT brand_id) AS brands FROM raw_orders WHERE event_id LIKE 'arrow-%'`,
    );
    expect(stored).toEqual({ n: 100_000, brands: 200 });
    // The refresh job sees the request's batch as new data.
    expect(await hasUnrefreshedData(server.warehouse)).toBe(true);
  });

  it('keeps answering reads while a large ingest runs', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => order(`big-${i}`, { brand_id: `B${i % 200}` })).join('\n');
    let ingestDone = false;
    const started = performance.now();
    const ingest = postNdjson(server, '/api/ingest/orders', rows).then(async (response) => {
      ingestDone = true;
      return { status: response.status, body: (await response.json()) as IngestResponse, seconds: (performance.now() - started) / 1000 };
    });
    const answeredDuring: number[] = [];
    while (!ingestDone) {
      const begun = performance.now();
      const response = await fetch(`${server.url}/api/brands`, { headers: bearer(server.tokens.admin) });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      if (!ingestDone) answeredDuring.push(performance.now() - begun);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await ingest;
    expect(result.status).toBe(200);
    expect(result.body.accepted).toBe(100_000);
    console.log(
      `HTTP NDJSON ingest: 100,000 events in ${result.seconds.toFixed(2)} s = ${Math.round(100_000 / result.seconds).toLocaleString('en')} events/s; ` +
        `${answeredDuring.length} GET /api/brands answered meanwhile, slowest ${Math.max(...answeredDuring).toFixed(0)} ms`,
    );
    expect(answeredDuring.length).toBeGreaterThan(2);
  });

  it('reads see the last committed state while a write transaction is open', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
    // What an ingest or a refresh does: a transaction with uncommitted rows, held open.
    const writer = server.warehouse.exclusive(INGEST_LOCK, () =>
      server.warehouse.transaction(async (connection) => {
        await connection.run(`INSERT INTO brands (brand_id, name, status, ingest_batch, updated_at) VALUES ('UNCOMMITTED', 'x', 'active', 0, now())`);
        inserted();
        await held;
      }),
    );
    await insertedSignal;
    const response = await fetch(`${server.url}/api/brands`, { headers: bearer(server.tokens.admin) });
    expect(response.status).toBe(200);
    const { brands } = (await response.json()) as { brands: { brand_id: string }[] };
    expect(brands.map((brand) => brand.brand_id)).not.toContain('UNCOMMITTED');
    release();
    await writer;
    const after = (await (await fetch(`${server.url}/api/brands`, { headers: bearer(server.tokens.admin) })).json()) as {
      brands: { brand_id: string }[];
    };
    expect(after.brands.map((brand) => brand.brand_id)).toContain('UNCOMMITTED');
  });
});

describe('limits', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startServer({ ingestBodyLimit: 4096, rateLimit: { max: 1000, ingestMax: 3, windowMs: 60_000 } });
  });
  afterAll(async () => limited.close());

  it('answers 413 for a body over the limit, 429 past the rate limit, per credential', async () => {
    const big = Array.from({ length: 100 }, (_, i) => order(`limit-${i}`)).join('\n');
    expect(big.length).toBeGreaterThan(4096);
    const tooLarge = await postNdjson(limited, '/api/ingest/orders', big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await tooLarge.json()).toMatchObject({ status: 413, title: 'Payload Too Large' });

    // The 413 above counted as the first of three.
    for (let i = 0; i < 2; i++) expect((await postNdjson(limited, '/api/ingest/orders', order(`ok-${i}`))).status).toBe(200);
    const limitedResponse = await postNdjson(limited, '/api/ingest/orders', order('ok-3'));
    expect(limitedResponse.status).toBe(429);
    expect(limitedResponse.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(limitedResponse.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limitedResponse.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });

    // Another credential has its own budget.
    expect((await postNdjson(limited, '/api/ingest/orders', order('ok-4'), limited.tokens.admin)).status).toBe(200);
  });
});
