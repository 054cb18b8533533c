import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, seed, startServer, type TestServer } from '../server/test-server.ts';
import { rawRequest } from './hostile/raw-http.ts';
import { HOSTILE_REQUESTS, UNESCAPED } from './hostile/requests.ts';

/** Every hostile request of the table against a real listening server; the server must answer each and live on. */
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ ingestBodyLimit: 1024 * 1024 });
  await seed(server);
});
afterAll(async () => server?.close());

describe('hostile requests', () => {
  const outcomes: string[] = [];
  for (const hostile of HOSTILE_REQUESTS) {
    it(hostile.name, async () => {
      const as = hostile.as ?? 'admin';
      const headers = { ...(as === 'none' ? {} : bearer(server.tokens[as])), ...hostile.headers };
      const response = await rawRequest(server.url, { method: hostile.method, path: hostile.path, headers, body: hostile.body?.() });
      const allowed = Array.isArray(hostile.status) ? hostile.status : [hostile.status];
      expect(allowed, `${response.status} ${response.body.slice(0, 300)}`).toContain(response.status);
      for (const marker of hostile.mustNotContain ?? []) expect(response.body).not.toContain(marker);
      // Errors are problem documents, never a stack; 431 is written on the socket before there is a request.
      if (response.status >= 400 && response.status !== 431) expect(response.headers['content-type']).toMatch(/application\/problem\+json|text\/html/);
      expect(response.body).not.toMatch(/at .*\.ts:\d+|node_modules/);
      // HTML and SVG must escape what they reflect; JSON reflects inside a string, served as JSON with nosniff.
      if (!/json/.test(String(response.headers['content-type']))) {
        for (const text of UNESCAPED) expect(response.body, 'reflected unescaped').not.toContain(text);
      }
      outcomes.push(`${hostile.name.slice(0, 60)} → ${response.status}`);
    });
  }

  it('leaves the server answering and the data intact', async () => {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    const brands = (await (await fetch(`${server.url}/api/brands`, { headers: bearer(server.tokens.admin) })).json()) as { brands: { brand_id: string }[] };
    expect(brands.brands.map((b) => b.brand_id)).toEqual(['B1', 'B2', 'B3']);
    // The deep-JSON request stored its one good line and quarantined the deep one.
    expect(await server.warehouse.one(`SELECT count(*) AS n FROM raw_orders WHERE event_id = 'x1'`)).toEqual({ n: 1 });
    expect(await server.warehouse.one(`SELECT count(*) AS n FROM quarantine WHERE raw LIKE '{"event_id":"deep"%'`)).toEqual({ n: 1 });
    console.log(`[reliability] hostile requests tried: ${HOSTILE_REQUESTS.length}, answered as expected: ${outcomes.length}\n  ${outcomes.join('\n  ')}`);
  });
});
