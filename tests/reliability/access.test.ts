import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { makeDigests } from '../../metrics/digests/digests.ts';
import { evaluateRecommendations } from '../../metrics/recommendations/evaluate.ts';
import { loadPolicy } from '../../metrics/recommendations/policy.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { buildApp } from '../../server/app.ts';
import { ROLES, type Role } from '../../server/auth/roles.ts';
import { tempDir } from '../helpers/event-files.ts';
import { ACCESS_MATRIX } from '../server/access-matrix.ts';
import { bearer, ENV_ADMIN_TOKEN, NOW, seed, startServer, type TestServer } from '../server/test-server.ts';
import { rawRequest } from './hostile/raw-http.ts';

/**
 * Access, tried hard: a brand token (B1's) through every route and page, by header and by session; brute-forced
 * tokens and login codes run into the rate limit; no secret reaches a log line; every answer carries the
 * security headers. Each list is a table: a new route is one more entry.
 */

/** Everything a brand token might try besides the access matrix's rows. `status` is the only answer allowed. */
const BRAND_PROBES: { path: string; status: number; method?: 'GET' | 'POST'; body?: { contentType: string; text: string } }[] = [
  { path: '/api/scorecards?limit=1000', status: 200 },
  { path: '/api/scorecards?offset=1', status: 200 },
  { path: '/api/scorecards?from=2024-03-01&to=2024-03-21', status: 200 },
  { path: '/api/brands/B2/scorecard?from=2024-03-01&to=2024-03-21', status: 403 },
  { path: '/api/brands/B3/scorecard', status: 403 },
  { path: '/api/brands/%42%32/scorecard', status: 403 },
  { path: '/api/brands/b1/scorecard', status: 403 },
  { path: '/api/brands/B1%20/scorecard', status: 403 },
  { path: '/api/brands/%20B1/scorecard', status: 403 },
  { path: '/api/brands/B1%00/scorecard', status: 403 },
  // A brand that exists nowhere: 403 as well, so a brand token cannot probe which brands exist.
  { path: '/api/brands/NO-SUCH-BRAND/scorecard', status: 403 },
  { path: '/api/brands/B1/scorecard?brand_id=B2', status: 200 },
  { path: '/api/scorecards?brand_id=B2', status: 200 },
  { path: '/api/jobs', status: 403 },
  { path: '/', status: 200 },
  { path: '/openapi.json', status: 200 },
  // Digests (B1 and B2 both have one of 2024-03-20) and their delivery.
  { path: '/api/digests', status: 200 },
  { path: '/api/digests?date=2024-03-20&brand_id=B2', status: 200 },
  { path: '/api/digests?date=2024-03-20&brand_id=B2&brand_id=B3', status: 200 },
  { path: '/api/deliveries?kind=brand_digest', status: 403 },
  { path: '/api/deliveries/digest%3A2024-03-20%3AB2/retry', method: 'POST', status: 403 },
  // Recommendations (an evaluation of every brand as of 2024-03-20 is stored) and onboarding.
  { path: '/api/recommendations?as_of=2024-03-20', status: 403 },
  { path: '/api/recommendations/1/decision', method: 'POST', body: { contentType: 'application/json', text: '{"decision":"dismissed","reason":"x","decided_by":"y"}' }, status: 403 },
  { path: '/api/onboarding/B1?as_of=2024-03-01', status: 200 },
  { path: '/api/onboarding/%42%32', status: 403 },
  { path: '/api/onboarding/b2', status: 403 },
  { path: '/api/onboarding/B3', status: 403 },
  { path: '/api/onboarding/B1?brand_id=B2', status: 200 },
  // Evidence and trend.
  { path: '/api/brands/%42%32/evidence', status: 403 },
  { path: '/api/brands/B2/evidence?from=2024-03-01&to=2024-03-21', status: 403 },
  { path: '/api/brands/B1/evidence?brand_id=B2', status: 200 },
  { path: '/api/brands/%42%32/trend', status: 403 },
  { path: '/api/brands/B2/trend?weeks=52', status: 403 },
  { path: '/api/brands/B1/trend?brand_id=B2', status: 200 },
  // Charts: every brand chart with another brand, encoded, doubled; the all-brands chart shows B1 only.
  { path: '/api/charts/brand-sla.svg?brand_id=%42%32', status: 403 },
  { path: '/api/charts/brand-late-dispatch.svg?brand_id=B2', status: 403 },
  { path: '/api/charts/brand-answer-time.svg?brand_id=B2', status: 403 },
  { path: '/api/charts/brand-claim-stages.svg?brand_id=B2', status: 403 },
  { path: '/api/charts/brand-sla.svg?brand_id=B1&brand_id=B2', status: 400 },
  { path: '/api/charts/brand-sla.svg', status: 400 },
  { path: '/api/charts/scorecard-rates.svg?brand_id=B2', status: 400 },
  { path: '/api/charts/scorecard-rates.svg?metric=sla_rate&lang=ko', status: 200 },
  { path: '/api/charts/jobs-ingest-rows.svg', status: 403 },
  // Pages and the CSV.
  { path: '/brands/%42%32', status: 403 },
  { path: '/brands/B2?lang=ko', status: 403 },
  { path: '/brands/B3', status: 403 },
  { path: '/brands/b1', status: 403 },
  { path: '/brands/B1?brand_id=B2', status: 200 },
  { path: '/scorecards?brand_id=B2', status: 200 },
  { path: '/scorecards?from=2024-03-01&to=2024-03-21&lang=ko', status: 200 },
  { path: '/scorecards.csv?brand_id=B2', status: 200 },
  { path: '/scorecards.csv?from=2024-03-01&to=2024-03-21', status: 200 },
  // Load and staffing are staff views.
  { path: '/api/load?brand_id=B2', status: 403 },
  { path: '/api/load?grain=hour', status: 403 },
  { path: '/api/staffing?from=2024-03-20', status: 403 },
];
/** Text that belongs to brands other than B1 in the seeded data. */
const OTHER_BRANDS = ['"B2"', '"B3"', 'Brand Two', 'O-B2', 'O-B3', 'brand B2', 'brand B3'];

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await seed(server);
  // Data of every brand behind the new routes: the digests of 2024-03-20 and an evaluation of that date.
  const calendar = new BusinessCalendar(parseConfig({}).calendar);
  const digests = await makeDigests(server.warehouse, { date: '2024-03-20', now: NOW, calendar, digestTime: '08:00' });
  expect(digests.brands).toBeGreaterThanOrEqual(2);
  const evaluation = await evaluateRecommendations(server.warehouse, { now: NOW, calendar, policy: loadPolicy(), asOfDate: '2024-03-20', triggeredBy: 'test' });
  expect(evaluation.brands_evaluated).toBeGreaterThanOrEqual(2);
});
afterAll(async () => server?.close());

async function sessionCookie(token: string): Promise<string> {
  const response = await fetch(`${server.url}/login?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

describe('a brand token reaches no other brand', () => {
  const checks: string[] = [];
  for (const via of ['bearer', 'session'] as const) {
    it(`through every route and page (${via})`, async () => {
      const auth = via === 'bearer' ? bearer(server.tokens.brand) : { cookie: await sessionCookie(server.tokens.brand) };
      const probes = [
        ...ACCESS_MATRIX.map((row) => ({ method: row.method, path: row.path, body: row.body, status: row.expected.brand })),
        ...BRAND_PROBES.map((probe) => ({ method: probe.method ?? ('GET' as const), path: probe.path, body: probe.body, status: probe.status })),
      ];
      for (const probe of probes) {
        const response = await rawRequest(server.url, {
          method: probe.method,
          path: probe.path,
          headers: { ...auth, ...(probe.body ? { 'content-type': probe.body.contentType } : {}) },
          body: probe.body?.text,
        });
        expect(response.status, `${probe.method} ${probe.path}: ${response.body.slice(0, 200)}`).toBe(probe.status);
        for (const other of OTHER_BRANDS) expect(response.body, `${probe.path} leaks ${other}`).not.toContain(other);
        const ids = [...response.body.matchAll(/"brand_id":"([^"]*)"/g)].map((m) => m[1]);
        expect(ids.every((id) => id === 'B1'), `${probe.path}: ${ids.join(',')}`).toBe(true);
        checks.push(`${via} ${probe.method} ${probe.path} → ${response.status}`);
      }
    });
  }
  it('reports the checks', () => {
    console.log(`[reliability] brand-isolation checks: ${checks.length}`);
  });
});

describe('brute-forced credentials', () => {
  it('get 401s, then 429 with retry-after, for tokens, login codes and ingest', async () => {
    const limited = await startServer({ rateLimit: { max: 20, ingestMax: 5 } });
    try {
      const guess = () => `bs_${randomBytes(32).toString('base64url')}`;
      const tries = async (n: number, send: () => Promise<Response>) => {
        const statuses: number[] = [];
        for (let i = 0; i < n; i++) statuses.push((await send()).status);
        return statuses;
      };
      const api = await tries(30, () => fetch(`${limited.url}/api/brands`, { headers: bearer(guess()) }));
      expect(api).toEqual([...Array(20).fill(401), ...Array(10).fill(429)]);
      const login = await tries(30, () => fetch(`${limited.url}/login?token=${guess()}`, { redirect: 'manual' }));
      // The same address already used its 20 requests on /api/brands: every guess at a login code is refused.
      expect(login).toEqual(Array(30).fill(429));
      const ingest = await tries(10, () =>
        fetch(`${limited.url}/api/ingest/orders`, { method: 'POST', headers: { ...bearer(guess()), 'content-type': 'application/x-ndjson' }, body: '{}' }),
      );
      expect(ingest).toEqual([...Array(5).fill(401), ...Array(5).fill(429)]);
      const refused = await fetch(`${limited.url}/api/brands`, { headers: bearer(guess()) });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // A valid token is counted on its own: a guesser does not lock out the real users.
      expect((await fetch(`${limited.url}/api/brands`, { headers: bearer(limited.tokens.admin) })).status).toBe(200);
      console.log(`[reliability] brute force: ${api.length + login.length + ingest.length} guesses, ${[...api, ...login, ...ingest].filter((s) => s === 429).length} refused with 429, 0 accepted`);
    } finally {
      await limited.close();
    }
  });
});

describe('logs', () => {
  it('never contain a token, login code or session id, even with the request log on', async () => {
    const lines: string[] = [];
    const warehouse = await Warehouse.open(join(tempDir('brandscore-logs-'), 'logs.duckdb'));
    const app = await buildApp({
      warehouse,
      now: () => NOW,
      adminToken: ENV_ADMIN_TOKEN,
      logger: { stream: { write: (line) => lines.push(line) } },
      log: (message) => lines.push(message),
    });
    app.get('/test-failure', async () => {
      throw new Error('a failure inside a route');
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const secrets: string[] = [ENV_ADMIN_TOKEN];
      const tokens = {} as Record<Role, string>;
      for (const role of ROLES) tokens[role] = await app.credentials.createToken({ role, brandId: role === 'brand' ? 'B1' : null });
      secrets.push(...Object.values(tokens));
      const { code } = await app.credentials.createLoginCode({ role: 'admin' });
      secrets.push(code);

      for (const token of [...Object.values(tokens), ENV_ADMIN_TOKEN]) {
        await fetch(`${url}/api/brands`, { headers: bearer(token) });
        const login = await fetch(`${url}/login?token=${token}`, { redirect: 'manual' });
        const session = login.headers.get('set-cookie')?.split(';')[0];
        if (session) {
          secrets.push(session.split('=')[1]!);
          await fetch(`${url}/`, { headers: { cookie: session } });
        }
        await fetch(`${url}/test-failure?token=${token}&x=1`, { headers: bearer(token) });
      }
      await fetch(`${url}/login?token=${code}`, { redirect: 'manual' });
      await fetch(`${url}/login?token=${code}`, { redirect: 'manual' }); // used up: 401, still not logged
      await fetch(`${url}/api/ingest/orders?token=${tokens.ingest}`, { method: 'POST', headers: { ...bearer(tokens.ingest), 'content-type': 'application/x-ndjson' }, body: '{}\n' });

      const log = lines.join('\n');
      // The log was on and saw those URLs, with the secrets masked.
      expect(log).toContain('/login?token=[redacted]');
      expect(log).toContain('/test-failure?token=[redacted]&x=1 failed: Error: a failure inside a route');
      for (const secret of secrets) expect(log, 'a secret in the log').not.toContain(secret);
      console.log(`[reliability] log lines captured: ${lines.length}, secrets checked: ${secrets.length}, found in logs: 0`);
    } finally {
      await app.close();
      warehouse.close();
    }
  });
});

describe('security headers', () => {
  const ANSWERS: { path: string; auth: boolean }[] = [
    { path: '/api/health', auth: false },
    { path: '/api/brands', auth: true },
    { path: '/api/brands', auth: false },
    { path: '/api/no-such-route', auth: true },
    { path: '/', auth: true },
    { path: '/login', auth: false },
    { path: '/docs/', auth: false },
    { path: '/openapi.json', auth: false },
    { path: '/api/brands/%E0%A4%A/scorecard', auth: true },
  ];
  it('are on every kind of answer', async () => {
    for (const { path, auth } of ANSWERS) {
      const response = await rawRequest(server.url, { path, headers: auth ? bearer(server.tokens.admin) : {} });
      const h = response.headers;
      const where = `${path} (${response.status})`;
      expect(h['content-security-policy'], where).toMatch(/default-src 'self'/);
      expect(h['content-security-policy'], where).toMatch(/frame-ancestors 'none'/);
      expect(h['content-security-policy'], where).toMatch(/object-src 'none'/);
      expect(h['content-security-policy'], where).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(h['x-content-type-options'], where).toBe('nosniff');
      expect(h['referrer-policy'], where).toBe('no-referrer');
      expect(h['x-frame-options'], where).toBe('SAMEORIGIN');
      // HSTS is sent always; browsers honour it only over HTTPS, i.e. behind a TLS proxy.
      expect(h['strict-transport-security'], where).toMatch(/max-age=\d+/);
    }
    const login = await fetch(`${server.url}/login?token=${server.tokens.admin}`, { redirect: 'manual' });
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(login.headers.get('set-cookie')).toMatch(/SameSite=Strict/);
    console.log(`[reliability] security headers checked on ${ANSWERS.length} kinds of answer`);
  });
});
