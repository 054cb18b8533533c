import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { refresh } from '../../metrics/refresh.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { buildApp, type AppOptions } from '../../server/app.ts';
import { ROLES, type Role } from '../../server/auth/roles.ts';
import { SAMPLE_EVENTS, tempDir, toNdjson, type Row } from '../helpers/event-files.ts';

/**
 * A real brandscore server for the HTTP tests: a DuckDB file in a temp folder, the app from buildApp listening on
 * 127.0.0.1 port 0, and a token of every role (the brand token is brand B1's).
 */

/** Wednesday 2024-03-20 12:00 in Seoul: the sample events of March 8–15 fall in the default trailing window. */
export const NOW = new Date('2024-03-20T03:00:00Z');
export const ENV_ADMIN_TOKEN = 'env-admin-token-for-tests';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  warehouse: Warehouse;
  tokens: Record<Role, string>;
  close(): Promise<void>;
}

export async function startServer(options: Partial<AppOptions> = {}): Promise<TestServer> {
  const warehouse = await Warehouse.open(join(tempDir('brandscore-http-'), 'brandscore.duckdb'));
  const app = await buildApp({ warehouse, now: () => NOW, adminToken: ENV_ADMIN_TOKEN, log: () => undefined, ...options });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) tokens[role] = await app.credentials.createToken({ role, brandId: role === 'brand' ? 'B1' : null });
  return {
    url,
    app,
    warehouse,
    tokens,
    async close() {
      await app.close();
      warehouse.close();
    },
  };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function postNdjson(server: TestServer, path: string, body: string, token = server.tokens.ingest): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/x-ndjson' },
    body,
  });
}

/** Brands B1 (active) and B2 (probation), the sample events of B1, a few of B2 and of B3 (no reference row); refreshed. */
export async function seed(server: TestServer): Promise<void> {
  const brands: Row[] = [...SAMPLE_EVENTS.brands!, { brand_id: 'B2', name: 'Brand Two', status: 'probation', dispatch_days: 3 }];
  const posts: [string, Row[]][] = [['brands', brands]];
  for (const [stream, rows] of Object.entries(SAMPLE_EVENTS)) if (stream !== 'brands') posts.push([stream, rows]);
  posts.push([
    'orders',
    ['B2', 'B3'].map((brand, i) => ({
      event_id: `seed-${brand}`,
      type: 'order_placed',
      brand_id: brand,
      occurred_at: `2024-03-1${i + 1}T10:00:00+09:00`,
      order_id: `O-${brand}`,
      amount: 10000,
      quantity: 1,
    })),
  ]);
  for (const [stream, rows] of posts) {
    const response = await postNdjson(server, `/api/ingest/${stream}`, toNdjson(rows));
    if (response.status !== 200) throw new Error(`seeding ${stream}: ${response.status} ${await response.text()}`);
  }
  await refresh(server.warehouse, { now: NOW, calendar: new BusinessCalendar(parseConfig({}).calendar) });
}
