import type { Role } from '../../server/auth/roles.ts';

/**
 * The expected answer of every route to every kind of caller, written out by hand (not derived from
 * server/auth/roles.ts) so that a change to access shows up as a failing test. The brand token is B1's.
 */

export type Caller = 'none' | 'wrong' | Role;
export const CALLERS: Caller[] = ['none', 'wrong', 'admin', 'merchandiser', 'onboarding', 'manager', 'ingest', 'brand'];

export interface MatrixRow {
  /** The route as the OpenAPI document names it. */
  route: string;
  method: 'GET' | 'POST';
  path: string;
  body?: { contentType: string; text: string };
  expected: Record<Caller, number>;
}

const row = (statuses: number[]): Record<Caller, number> =>
  Object.fromEntries(CALLERS.map((caller, i) => [caller, statuses[i]!])) as Record<Caller, number>;

const ORDER = JSON.stringify({
  event_id: 'matrix-1',
  type: 'order_placed',
  brand_id: 'B1',
  occurred_at: '2024-03-18T10:00:00+09:00',
  order_id: 'OM1',
  amount: 1000,
  quantity: 1,
});

const DECISION = JSON.stringify({ decision: 'defer', reason: 'matrix test', decided_by: 'Matrix' });

//                                                                       none wrong admin merch onb  mgr  ingest brand
export const ACCESS_MATRIX: MatrixRow[] = [
  { route: 'GET /api/health', method: 'GET', path: '/api/health', expected: row([200, 200, 200, 200, 200, 200, 200, 200]) },
  { route: 'GET /api/brands', method: 'GET', path: '/api/brands', expected: row([401, 401, 200, 200, 200, 200, 403, 200]) },
  { route: 'GET /api/scorecards', method: 'GET', path: '/api/scorecards', expected: row([401, 401, 200, 200, 200, 200, 403, 200]) },
  {
    route: 'GET /api/brands/{brand_id}/scorecard',
    method: 'GET',
    path: '/api/brands/B1/scorecard',
    expected: row([401, 401, 200, 200, 200, 200, 403, 200]),
  },
  {
    route: 'GET /api/brands/{brand_id}/scorecard',
    method: 'GET',
    path: '/api/brands/B2/scorecard',
    expected: row([401, 401, 200, 200, 200, 200, 403, 403]),
  },
  {
    route: 'POST /api/ingest/{stream}',
    method: 'POST',
    path: '/api/ingest/orders',
    body: { contentType: 'application/x-ndjson', text: `${ORDER}\n` },
    expected: row([401, 401, 200, 403, 403, 403, 200, 403]),
  },
  {
    route: 'GET /api/recommendations',
    method: 'GET',
    path: '/api/recommendations',
    expected: row([401, 401, 200, 200, 200, 200, 403, 403]),
  },
  // No evaluation has been run in the seeded database: roles that may decide get past access control to a 404.
  {
    route: 'POST /api/recommendations/{id}/decision',
    method: 'POST',
    path: '/api/recommendations/999999/decision',
    body: { contentType: 'application/json', text: DECISION },
    expected: row([401, 401, 404, 404, 403, 403, 403, 403]),
  },
  { route: 'GET /api/onboarding/{brand_id}', method: 'GET', path: '/api/onboarding/B1', expected: row([401, 401, 200, 200, 200, 200, 403, 200]) },
  { route: 'GET /api/onboarding/{brand_id}', method: 'GET', path: '/api/onboarding/B2', expected: row([401, 401, 200, 200, 200, 200, 403, 403]) },
  { route: 'GET /api/load', method: 'GET', path: '/api/load', expected: row([401, 401, 200, 200, 200, 200, 403, 403]) },
  // The forecast needs history: the seeded sample is a week, so an allowed caller gets 422, not 200.
  { route: 'GET /api/staffing', method: 'GET', path: '/api/staffing', expected: row([401, 401, 422, 403, 403, 422, 403, 403]) },
  { route: 'GET /api/jobs', method: 'GET', path: '/api/jobs', expected: row([401, 401, 200, 200, 200, 200, 403, 403]) },
  { route: 'GET /api/digests', method: 'GET', path: '/api/digests?date=2024-03-20', expected: row([401, 401, 200, 200, 200, 200, 403, 200]) },
  { route: 'GET /api/deliveries', method: 'GET', path: '/api/deliveries', expected: row([401, 401, 200, 200, 200, 200, 403, 403]) },
  {
    route: 'GET /api/deliveries/dead-letters',
    method: 'GET',
    path: '/api/deliveries/dead-letters',
    expected: row([401, 401, 200, 403, 403, 200, 403, 403]),
  },
  // No such message: the roles that may retry get 404, the others are refused before the lookup.
  {
    route: 'POST /api/deliveries/{message_id}/retry',
    method: 'POST',
    path: '/api/deliveries/digest%3A2024-03-20%3Anobody/retry',
    expected: row([401, 401, 404, 403, 403, 404, 403, 403]),
  },
  {
    route: 'GET /api/brands/{brand_id}/evidence',
    method: 'GET',
    path: '/api/brands/B1/evidence',
    expected: row([401, 401, 200, 200, 200, 200, 403, 200]),
  },
  {
    route: 'GET /api/brands/{brand_id}/evidence',
    method: 'GET',
    path: '/api/brands/B2/evidence',
    expected: row([401, 401, 200, 200, 200, 200, 403, 403]),
  },
  {
    route: 'GET /api/brands/{brand_id}/trend',
    method: 'GET',
    path: '/api/brands/B1/trend',
    expected: row([401, 401, 200, 200, 200, 200, 403, 200]),
  },
  {
    route: 'GET /api/brands/{brand_id}/trend',
    method: 'GET',
    path: '/api/brands/B2/trend',
    expected: row([401, 401, 200, 200, 200, 200, 403, 403]),
  },
  // Charts follow the access of the data they show: a brand's charts, the scorecards of brands, the jobs.
  {
    route: 'GET /api/charts/{name}.svg',
    method: 'GET',
    path: '/api/charts/brand-sla.svg?brand_id=B1',
    expected: row([401, 401, 200, 200, 200, 200, 403, 200]),
  },
  {
    route: 'GET /api/charts/{name}.svg',
    method: 'GET',
    path: '/api/charts/brand-sla.svg?brand_id=B2',
    expected: row([401, 401, 200, 200, 200, 200, 403, 403]),
  },
  {
    route: 'GET /api/charts/{name}.svg',
    method: 'GET',
    path: '/api/charts/scorecard-rates.svg',
    expected: row([401, 401, 200, 200, 200, 200, 403, 200]),
  },
  {
    route: 'GET /api/charts/{name}.svg',
    method: 'GET',
    path: '/api/charts/jobs-runs.svg',
    expected: row([401, 401, 200, 200, 200, 200, 403, 403]),
  },
  // The index page: any role; no session sends the browser to the login form.
  { route: 'GET /', method: 'GET', path: '/', expected: row([302, 302, 200, 200, 200, 200, 200, 200]) },
  // Dashboard pages follow the row of the API whose data they show (HTML pages, so they redirect without a session).
  { route: 'GET /scorecards', method: 'GET', path: '/scorecards', expected: row([302, 302, 200, 200, 200, 200, 403, 200]) },
  { route: 'GET /brands/B1', method: 'GET', path: '/brands/B1', expected: row([302, 302, 200, 200, 200, 200, 403, 200]) },
  { route: 'GET /brands/B2', method: 'GET', path: '/brands/B2', expected: row([302, 302, 200, 200, 200, 200, 403, 403]) },
  { route: 'GET /jobs', method: 'GET', path: '/jobs', expected: row([302, 302, 200, 200, 200, 200, 403, 403]) },
  { route: 'GET /scorecards.csv', method: 'GET', path: '/scorecards.csv', expected: row([401, 401, 200, 200, 200, 200, 403, 200]) },
];
