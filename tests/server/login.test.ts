import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, NOW, seed, startServer, type TestServer } from './test-server.ts';

let server: TestServer;
let clock = NOW;
const logged: string[] = [];

beforeAll(async () => {
  server = await startServer({ now: () => clock, log: (message) => logged.push(message) });
  await seed(server);
});
afterAll(async () => server.close());

function sessionCookie(response: Response): string {
  const cookie = response.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/^brandscore_session=/);
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return cookie.split(';')[0]!;
}

async function login(secret: string): Promise<Response> {
  return fetch(`${server.url}/login?token=${encodeURIComponent(secret)}`, { redirect: 'manual' });
}

describe('pages and sessions', () => {
  it('sends a browser without a session to the login form', async () => {
    const index = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(index.status).toBe(302);
    expect(index.headers.get('location')).toBe('/login');
    const form = await fetch(`${server.url}/login`);
    expect(form.status).toBe(200);
    expect(await form.text()).toMatch(/<form method="get" action="\/login">/);
  });

  it('exchanges a one-time login code for an HttpOnly, SameSite=Strict session once', async () => {
    const { code } = await server.app.credentials.createLoginCode({ role: 'admin' });
    const response = await login(code);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const cookie = sessionCookie(response);

    const index = await fetch(`${server.url}/`, { headers: { cookie } });
    expect(index.status).toBe(200);
    expect(await index.text()).toMatch(/Signed in as admin/);
    expect((await fetch(`${server.url}/api/jobs`, { headers: { cookie } })).status).toBe(200);

    const again = await login(code);
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toMatch(/not valid/);
  });

  it('refuses an expired login code', async () => {
    const { code } = await server.app.credentials.createLoginCode({ role: 'admin' });
    clock = new Date(NOW.getTime() + 16 * 60 * 1000);
    try {
      expect((await login(code)).status).toBe(401);
    } finally {
      clock = NOW;
    }
  });

  it('a session from a brand token acts as that brand', async () => {
    const cookie = sessionCookie(await login(server.tokens.brand));
    const brands = (await (await fetch(`${server.url}/api/brands`, { headers: { cookie } })).json()) as { brands: { brand_id: string }[] };
    expect(brands.brands.map((brand) => brand.brand_id)).toEqual(['B1']);
    expect((await fetch(`${server.url}/api/brands/B2/scorecard`, { headers: { cookie } })).status).toBe(403);
    expect((await fetch(`${server.url}/api/jobs`, { headers: { cookie } })).status).toBe(403);
    // A forged cookie is no session.
    expect((await fetch(`${server.url}/api/brands`, { headers: { cookie: 'brandscore_session=bs_forged' } })).status).toBe(401);
  });

  it('sends security headers', async () => {
    const response = await fetch(`${server.url}/api/health`);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('hides the internals of a server error and logs them', async () => {
    await server.warehouse.run('DROP TABLE brand_day');
    const response = await fetch(`${server.url}/api/brands`, { headers: bearer(server.tokens.admin) });
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { title: string; detail: string };
    expect(problem.title).toBe('Internal Server Error');
    expect(problem.detail).not.toMatch(/brand_day|Catalog|SELECT/i);
    expect(logged.join('\n')).toMatch(/brand_day/);
  });
});

