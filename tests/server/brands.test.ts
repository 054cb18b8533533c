import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_KEYS, type Scorecard, type ScorecardList } from '../../metrics/scorecards/schema.ts';
import { bearer, seed, startServer, type TestServer } from './test-server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
  await seed(server);
});
afterAll(async () => server.close());

async function get(path: string, token: string): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: bearer(token) });
}

describe('brands and scorecards', () => {
  it('lists every brand with its status; a brand seen only in events is unknown', async () => {
    const response = await get('/api/brands', server.tokens.merchandiser);
    expect(response.status).toBe(200);
    const { brands } = (await response.json()) as { brands: { brand_id: string; status: string; name: string | null }[] };
    expect(brands.map((brand) => [brand.brand_id, brand.status, brand.name])).toEqual([
      ['B1', 'active', '브랜드 하나'],
      ['B2', 'probation', 'Brand Two'],
      ['B3', 'unknown', null],
    ]);
  });

  it('serves scorecards with every DESIGN §5 metric under its key', async () => {
    const response = await get('/api/brands/B1/scorecard', server.tokens.manager);
    const scorecard = (await response.json()) as Scorecard;
    expect(Object.keys(scorecard.metrics).sort()).toEqual([...METRIC_KEYS].sort());
    expect(scorecard.window).toMatchObject({ from: '2024-02-21', to: '2024-03-20' });
    expect(scorecard.metrics.orders_placed.value).toBe(1);
    expect(scorecard.metrics.late_dispatch_rate).toMatchObject({ numerator: 0, denominator: 1, value: 0 });

    const custom = (await (await get('/api/brands/B1/scorecard?from=2024-03-11&to=2024-03-18', server.tokens.manager)).json()) as Scorecard;
    expect(custom.window).toMatchObject({ from: '2024-03-11', to: '2024-03-18' });
    expect(custom.metrics.claims_opened.value).toBe(1);
  });

  it('a brand token sees only its own brand: lists filtered, another brand 403', async () => {
    const brands = (await (await get('/api/brands', server.tokens.brand)).json()) as { brands: { brand_id: string }[] };
    expect(brands.brands.map((brand) => brand.brand_id)).toEqual(['B1']);

    const list = (await (await get('/api/scorecards', server.tokens.brand)).json()) as ScorecardList;
    expect(list.scorecards.map((card) => card.brand_id)).toEqual(['B1']);
    const all = (await (await get('/api/scorecards', server.tokens.admin)).json()) as ScorecardList;
    expect(all.scorecards.map((card) => card.brand_id)).toEqual(['B1', 'B2', 'B3']);

    for (const other of ['B2', 'B3', 'no-such-brand']) {
      const response = await get(`/api/brands/${other}/scorecard`, server.tokens.brand);
      expect(response.status, other).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await get('/api/brands/B1/scorecard', server.tokens.brand)).status).toBe(200);
  });

  it('pages the scorecard list: total, offset and limit, in brand_id order', async () => {
    const page = (await (await get('/api/scorecards?limit=2&offset=1', server.tokens.admin)).json()) as ScorecardList & {
      total: number;
      offset: number;
      limit: number;
    };
    expect({ total: page.total, offset: page.offset, limit: page.limit }).toEqual({ total: 3, offset: 1, limit: 2 });
    expect(page.scorecards.map((card) => card.brand_id)).toEqual(['B2', 'B3']);
    const past = (await (await get('/api/scorecards?offset=10', server.tokens.admin)).json()) as ScorecardList & { total: number };
    expect({ total: past.total, scorecards: past.scorecards, window: past.window }).toEqual({ total: 3, scorecards: [], window: page.window });
    const tooMany = await get('/api/scorecards?limit=5000', server.tokens.admin);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { detail: string }).detail).toMatch(/limit/);
  });

  it('answers a brand id made of quotes and SQL with 404, and the brands table is still there', async () => {
    const brandId = "x'; DROP TABLE brands; --";
    const response = await get(`/api/brands/${encodeURIComponent(brandId)}/scorecard`, server.tokens.admin);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not Found', detail: expect.stringContaining(brandId) });
    const count = await server.warehouse.one<{ n: number }>('SELECT count(*) AS n FROM brands');
    expect(count?.n).toBe(2);
  });

  it('names the parameter in validation errors', async () => {
    const response = await get('/api/scorecards?from=2024-3-1', server.tokens.admin);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { detail: string; invalid_params: { name: string; in: string }[] };
    expect(problem.detail).toMatch(/^from \(querystring\): expected a YYYY-MM-DD date/);
    expect(problem.invalid_params).toEqual([{ in: 'querystring', name: 'from', reason: 'expected a YYYY-MM-DD date' }]);

    const empty = await get('/api/brands/B1/scorecard?from=2024-03-10&to=2024-03-10', server.tokens.admin);
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { detail: string }).detail).toMatch(/window is empty/);

    const stream = await fetch(`${server.url}/api/ingest/parcels`, {
      method: 'POST',
      headers: { ...bearer(server.tokens.ingest), 'content-type': 'application/x-ndjson' },
      body: '{}\n',
    });
    expect(stream.status).toBe(400);
    expect(((await stream.json()) as { invalid_params: { name: string }[] }).invalid_params[0]!.name).toBe('stream');
  });

  it('answers unknown routes with a problem document', async () => {
    const response = await get('/api/nothing-here', server.tokens.admin);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('lists recent jobs, ingested files and ingest requests with their counts', async () => {
    const jobs = (await (await get('/api/jobs', server.tokens.manager)).json()) as {
      job_runs: unknown[];
      ingested_files: unknown[];
      ingest_requests: { stream: string; rows_accepted: number; token_role: string; quarantined: number; outcome: string }[];
    };
    expect(jobs.ingest_requests.length).toBeGreaterThanOrEqual(8);
    expect(jobs.ingest_requests.every((request) => request.token_role === 'ingest' && request.outcome === 'ingested')).toBe(true);
    expect(jobs.ingest_requests.find((request) => request.stream === 'brands')).toMatchObject({ rows_accepted: 2, quarantined: 0 });
  });
});
