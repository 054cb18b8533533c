/**
 * Hostile requests against a real listening server, as a table: adding a route or a path to attack is one
 * entry. `status` is the one answer allowed; `mustNotContain` lists text that would mean a file or another
 * brand leaked.
 */

export interface HostileRequest {
  name: string;
  method: 'GET' | 'POST';
  /** Sent byte for byte (no URL normalisation by the client). */
  path: string;
  /** Which token the request carries (default admin: the most privileged caller must be refused too). */
  as?: 'admin' | 'ingest' | 'brand' | 'none';
  headers?: Record<string, string>;
  body?: () => Buffer | string;
  status: number | number[];
  mustNotContain?: string[];
}

/** Text of files that must never come back: the project's package.json, /etc/passwd, the database. */
export const LEAK_MARKERS = ['"name": "brandscore"', 'root:x:0:0', 'DUCK', 'brandscore.config'];

const ORDER = '{"event_id":"x1","type":"order_placed","brand_id":"B1","occurred_at":"2024-03-18T10:00:00+09:00","order_id":"OX","amount":1,"quantity":1}';

/** Path traversal in every place a path is read: static docs assets, pages, route parameters. */
const TRAVERSALS = [
  '/..%2f..%2f..%2f..%2fetc%2fpasswd',
  '/docs/static/..%2f..%2f..%2fpackage.json',
  '/docs/static/%2e%2e/%2e%2e/%2e%2e/package.json',
  '/docs/static/..%5c..%5c..%5cpackage.json',
  '/docs/..%2f..%2fpackage.json',
  '/docs/static/....//....//package.json',
  '/%2e%2e/%2e%2e/package.json',
  '/login/..%2f..%2fpackage.json',
  '/api/brands/..%2f..%2f..%2fetc%2fpasswd/scorecard',
  '/api/brands/%2e%2e/scorecard',
  '/api/ingest/..%2f..%2fbrands',
];

export const HOSTILE_REQUESTS: HostileRequest[] = [
  ...TRAVERSALS.map(
    (path): HostileRequest => ({
      name: `path traversal ${path}`,
      method: path.startsWith('/api/ingest') ? 'POST' : 'GET',
      path,
      ...(path.startsWith('/api/ingest') ? { headers: { 'content-type': 'application/x-ndjson' }, body: () => ORDER } : {}),
      // 404 (no such route or file), 400 (bad parameter or stream name), 403 (static plugin refuses).
      status: [400, 403, 404],
      mustNotContain: LEAK_MARKERS,
    }),
  ),
  { name: 'malformed percent-encoding', method: 'GET', path: '/api/brands/%E0%A4%A/scorecard', status: [400, 404] },
  { name: 'NUL byte in a brand id', method: 'GET', path: '/api/brands/B1%00/scorecard', status: [400, 404] },
  // Route parameters longer than Fastify's maxParamLength (100) are refused before routing.
  { name: 'a 10 kB brand id', method: 'GET', path: `/api/brands/${'B'.repeat(10_000)}/scorecard`, status: 414 },
  // Over Node's 16 KiB header limit: answered 431, or the connection is cut (0).
  { name: 'a 100 kB URL', method: 'GET', path: `/api/brands/${'B'.repeat(100_000)}/scorecard`, status: [0, 431] },
  { name: 'SQL in a query parameter', method: 'GET', path: "/api/scorecards?from=2024-01-01'%3B%20DROP%20TABLE%20brands%3B--", status: 400 },
  { name: 'SQL in a brand id', method: 'GET', path: "/api/brands/B1'%20OR%20'1'%3D'1/scorecard", status: 404 },
  { name: 'limit far out of range', method: 'GET', path: '/api/scorecards?limit=99999999999999999999', status: 400 },
  { name: 'repeated query parameter', method: 'GET', path: '/api/scorecards?from=2024-03-01&from=2024-03-02', status: 400 },
  {
    name: 'ingest body over the limit (413)',
    method: 'POST',
    path: '/api/ingest/orders',
    as: 'ingest',
    headers: { 'content-type': 'application/x-ndjson' },
    // The test server's limit is 1 MiB; 3 MiB of valid lines.
    body: () => `${ORDER}\n`.repeat(Math.ceil((3 * 1024 * 1024) / (ORDER.length + 1))),
    status: 413,
  },
  {
    name: 'deep JSON (100,000 nested arrays) on an NDJSON line',
    method: 'POST',
    path: '/api/ingest/orders',
    as: 'ingest',
    headers: { 'content-type': 'application/x-ndjson' },
    body: () => `${ORDER}\n{"event_id":"deep","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`,
    status: 200,
  },
  {
    name: 'deep JSON body to a JSON route',
    method: 'POST',
    path: '/login',
    as: 'none',
    headers: { 'content-type': 'application/json' },
    body: () => `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`,
    status: [400, 404, 405, 415],
  },
  ...['text/plain', 'application/json', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/xml'].map(
    (type): HostileRequest => ({
      name: `ingest with content type ${type}`,
      method: 'POST',
      path: '/api/ingest/orders',
      as: 'ingest',
      headers: { 'content-type': type },
      body: () => ORDER,
      status: 415,
    }),
  ),
  { name: 'ingest with no content type', method: 'POST', path: '/api/ingest/orders', as: 'ingest', body: () => ORDER, status: 415 },
  {
    name: 'ingest declaring Arrow, sending garbage',
    method: 'POST',
    path: '/api/ingest/orders',
    as: 'ingest',
    headers: { 'content-type': 'application/vnd.apache.arrow.stream' },
    body: () => Buffer.from('ARROW1\0\0this is not arrow at all'),
    status: 400,
  },
  {
    name: 'ingest into an unknown stream',
    method: 'POST',
    path: '/api/ingest/raw_orders%3B%20DROP%20TABLE%20brands',
    as: 'ingest',
    headers: { 'content-type': 'application/x-ndjson' },
    body: () => ORDER,
    status: 400,
  },
  { name: 'login code of 10,000 characters', method: 'GET', path: `/login?token=${'x'.repeat(10_000)}`, as: 'none', status: 400 },
  { name: 'header injection in a query', method: 'GET', path: '/login?token=a%0d%0aSet-Cookie:%20x=1', as: 'none', status: 401 },
];
