import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_MATRIX, CALLERS, type Caller } from './access-matrix.ts';
import { bearer, ENV_ADMIN_TOKEN, seed, startServer, type TestServer } from './test-server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
  await seed(server);
});
afterAll(async () => server.close());

function headersFor(caller: Caller): Record<string, string> {
  if (caller === 'none') return {};
  if (caller === 'wrong') return bearer('bs_not-a-token-anyone-was-given');
  return bearer(server.tokens[caller]);
}

describe('authorization', () => {
  const cases = ACCESS_MATRIX.flatMap((row) => CALLERS.map((caller) => ({ ...row, caller, status: row.expected[caller] })));

  it.each(cases)('$method $path as $caller → $status', async ({ method, path, body, caller, status }) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...headersFor(caller), ...(body ? { 'content-type': body.contentType } : {}) },
      body: body?.text,
      redirect: 'manual',
    });
    expect(response.status).toBe(status);
    if (status === 401 || status === 403) {
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as { status: number; title: string; detail: string };
      expect(problem.status).toBe(status);
      expect(problem.detail.length).toBeGreaterThan(0);
    }
    if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    if (status === 302) expect(response.headers.get('location')).toBe('/login');
  });

  it('accepts BRANDSCORE_ADMIN_TOKEN as an admin token that is not stored', async () => {
    const response = await fetch(`${server.url}/api/jobs`, { headers: bearer(ENV_ADMIN_TOKEN) });
    expect(response.status).toBe(200);
    const stored = await server.warehouse.all('SELECT role FROM api_tokens');
    expect(stored.map((row) => row.role).sort()).toEqual(['admin', 'brand', 'ingest', 'manager', 'merchandiser', 'onboarding']);
  });

  it('stores tokens only as SHA-256 hashes', async () => {
    const rows = await server.warehouse.all<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
    const hashes = rows.map((row) => row.token_hash);
    for (const token of Object.values(server.tokens)) {
      expect(token).toMatch(/^bs_[A-Za-z0-9_-]{43}$/);
      expect(hashes).not.toContain(token);
    }
    expect(hashes.every((hash) => /^[0-9a-f]{64}$/.test(hash))).toBe(true);
  });
});
