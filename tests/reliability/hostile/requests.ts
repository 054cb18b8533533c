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
  '/api/charts/..%2f..%2fpackage.json.svg',
  '/api/charts/%2e%2e%2f%2e%2e%2fpackage.json.svg',
  '/api/charts/..%5c..%5cpackage.json.svg',
  '/api/onboarding/..%2f..%2fpackage.json',
  '/api/brands/..%2f..%2fpackage.json/evidence',
  '/api/brands/%2e%2e/trend',
  '/assets/..%2f..%2fpackage.json',
  '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
  '/brands/..%2f..%2fpackage.json',
  '/brands/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/scorecards/..%2f..%2fpackage.json',
];

const DECISION = JSON.stringify({ decision: 'dismissed', reason: 'hostile test', decided_by: 'tester' });

/** Query strings of the new routes that must be refused with 400 (or, for pages, a clean 400 HTML/problem). */
const BAD_QUERIES: [string, string][] = [
  ['chart: from after to', '/api/charts/scorecard-rates.svg?from=2024-03-20&to=2024-01-01'],
  ['chart: impossible date', '/api/charts/scorecard-rates.svg?from=2024-02-30&to=2024-03-01'],
  ['chart: lang=<script>', '/api/charts/scorecard-rates.svg?lang=%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
  ['load: from after to', '/api/load?from=2024-03-20&to=2024-01-01'],
  ['load: a 100-year window', '/api/load?from=1970-01-01&to=2070-01-01'],
  ['load: a 100-year window by the hour', '/api/load?from=1970-01-01&to=2070-01-01&grain=hour'],
  ['load: grain=minute', '/api/load?grain=minute'],
  ['load: year 9999', '/api/load?from=9999-12-01&to=9999-12-31'],
  ['staffing: from 9999-99-99', '/api/staffing?from=9999-99-99'],
  ['staffing: a word for a date', '/api/staffing?from=tomorrow'],
  ['staffing: SQL in a date', "/api/staffing?to=2024-03-20'%20OR%201%3D1"],
  ['staffing: year 0001', '/api/staffing?from=0001-01-01&to=0001-01-10'],
  ['digests: date 9999-99-99', '/api/digests?date=9999-99-99'],
  ['digests: year 0001', '/api/digests?date=0001-01-01'],
  ['digests: year 0099', '/api/digests?date=0099-12-31'],
  ['scorecards: year 0001', '/api/scorecards?from=0001-01-01&to=0001-01-10'],
  ['scorecard: year 0001', '/api/brands/B1/scorecard?from=0001-01-01&to=0001-01-10'],
  ['evidence: year 0001', '/api/brands/B1/evidence?from=0001-01-01&to=0001-01-10'],
  ['load: year 0001', '/api/load?from=0001-01-01&to=0001-01-10'],
  ['onboarding: year 0001', '/api/onboarding/B1?as_of=0001-01-01'],
  ['recommendations: year 0001', '/api/recommendations?as_of=0001-01-01'],
  ['chart: year 0001', '/api/charts/scorecard-rates.svg?from=0001-01-01&to=0001-01-10'],
  ['scorecards.csv: year 0001', '/scorecards.csv?from=0001-01-01&to=0001-01-10'],
  ['deliveries: unknown status', '/api/deliveries?status=%3Cscript%3E'],
  ['deliveries: limit far out of range', '/api/deliveries?limit=99999999999999999999'],
  ['onboarding: as_of garbage', '/api/onboarding/B1?as_of=%00'],
  ['evidence: from after to', '/api/brands/B1/evidence?from=2024-03-20&to=2024-01-01'],
  ['trend: absurd weeks', '/api/brands/B1/trend?weeks=999999999'],
  ['recommendations: bad as_of', '/api/recommendations?as_of=9999-99-99'],
  ['scorecards.csv: from after to', '/scorecards.csv?from=2024-03-20&to=2024-01-01'],
  ['scorecards.csv: SQL in from', "/scorecards.csv?from=2024-01-01'%3B--"],
];

/** Pages: answered as HTML when the client accepts it; never a 5xx, never the input reflected unescaped. */
const PAGE_PROBES: [string, string, number | number[]][] = [
  ['page: /scorecards?days=-1', '/scorecards?days=-1', [200, 400]],
  ['page: /scorecards year 0001', '/scorecards?from=0001-01-01&to=0001-01-10', 400],
  ['page: /scorecards?from after to', '/scorecards?from=2024-03-20&to=2024-01-01', 400],
  ['page: ?lang=<script>', '/scorecards?lang=%3Cscript%3Ealert(1)%3C%2Fscript%3E', [200, 400]],
  ['page: /brands/<script>', '/brands/%3Cscript%3Ealert(1)%3C%2Fscript%3E', [400, 404]],
  ['page: /brands/ with an encoded NUL', '/brands/B1%00', [400, 404]],
  ['page: /?lang=<script>', '/?lang=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E', 200],
  ['page: /jobs?x=<script>', '/jobs?x=%3Cscript%3Ealert(1)%3C%2Fscript%3E', [200, 400]],
  ['page: /brands/B1?from=<img onerror>', '/brands/B1?from=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', 400],
];

/** What an input reflected unescaped would look like in an answer. */
export const UNESCAPED = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><script>'];

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
  { name: 'chart name with an encoded NUL', method: 'GET', path: '/api/charts/scorecard-rates%00.svg', status: [400, 404] },
  { name: 'chart name of 10 kB', method: 'GET', path: `/api/charts/${'c'.repeat(10_000)}.svg`, status: [400, 404, 414] },
  { name: 'chart name of 101 characters', method: 'GET', path: `/api/charts/${'c'.repeat(101)}.svg`, status: [400, 404, 414] },
  // Reflected only inside the JSON of a problem document (application/problem+json, nosniff): never HTML.
  { name: 'chart name <script>', method: 'GET', path: '/api/charts/%3Cscript%3Ealert(1)%3C%2Fscript%3E.svg', status: 404 },
  // Unknown query parameters are ignored, as on every route.
  { name: 'chart: unknown query parameter', method: 'GET', path: '/api/charts/scorecard-rates.svg?evil=1', status: 200 },
  { name: 'chart: SQL in brand_id', method: 'GET', path: "/api/charts/brand-sla.svg?brand_id=B1'%3B%20DROP%20TABLE%20brands%3B--", status: 404 },
  ...BAD_QUERIES.map((entry): HostileRequest => ({ name: entry[0], method: 'GET', path: entry[1], status: 400 })),
  ...PAGE_PROBES.map(
    (entry): HostileRequest => ({ name: entry[0], method: 'GET', path: entry[1], headers: { accept: 'text/html' }, status: entry[2], mustNotContain: LEAK_MARKERS }),
  ),
  ...[
    ['decision: non-numeric id', '/api/recommendations/abc/decision', DECISION, 400],
    ['decision: id 1e400', '/api/recommendations/1e400/decision', DECISION, 400],
    ['decision: negative id', '/api/recommendations/-1/decision', DECISION, 400],
    ['decision: id 99999999999999999999999', '/api/recommendations/99999999999999999999999/decision', DECISION, [400, 404]],
    ['decision: id ..%2f..', '/api/recommendations/..%2f..%2fpackage.json/decision', DECISION, [400, 404]],
    ['decision: invalid JSON', '/api/recommendations/1/decision', '{"decision":', 400],
    ['decision: JSON array', '/api/recommendations/1/decision', '[]', 400],
    ['decision: unknown decision', '/api/recommendations/1/decision', JSON.stringify({ decision: 'delete_everything', reason: 'x', decided_by: 'y' }), 400],
    ['decision: 1 MB reason', '/api/recommendations/1/decision', JSON.stringify({ decision: 'dismissed', reason: 'r'.repeat(1_000_000), decided_by: 'y' }), [400, 413]],
    ['decision: 100,000-deep body', '/api/recommendations/1/decision', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, [400, 413]],
    ['decision: 5 MB body', '/api/recommendations/1/decision', JSON.stringify({ decision: 'dismissed', reason: 'x', decided_by: 'y', pad: 'p'.repeat(5_000_000) }), [400, 413]],
    ['decision: __proto__ pollution', '/api/recommendations/1/decision', '{"__proto__":{"admin":true},"decision":"dismissed","reason":"x","decided_by":"y"}', [400, 404]],
  ].map(
    ([name, path, body, status]): HostileRequest => ({
      name: name as string,
      method: 'POST',
      path: path as string,
      headers: { 'content-type': 'application/json' },
      body: () => body as string,
      status: status as number | number[],
    }),
  ),
  ...[
    '/api/deliveries/..%2f..%2fpackage.json/retry',
    '/api/deliveries/%2e%2e%2f%2e%2e%2fetc%2fpasswd/retry',
    "/api/deliveries/digest%3A2024-03-20%3AB1'%20OR%20'1'%3D'1/retry",
    '/api/deliveries/%00/retry',
    `/api/deliveries/${'d'.repeat(5000)}/retry`,
  ].map((path): HostileRequest => ({ name: `retry ${path.slice(0, 60)}`, method: 'POST', path, status: [400, 404, 414], mustNotContain: LEAK_MARKERS })),
  { name: 'login code of 10,000 characters', method: 'GET', path: `/login?token=${'x'.repeat(10_000)}`, as: 'none', status: 400 },
  { name: 'header injection in a query', method: 'GET', path: '/login?token=a%0d%0aSet-Cookie:%20x=1', as: 'none', status: 401 },
];
