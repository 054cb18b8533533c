import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { refresh } from '../../metrics/refresh.ts';
import { ScorecardSchema, type Scorecard } from '../../metrics/scorecards/schema.ts';
import { computeScorecard } from '../../metrics/scorecards/scorecards.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { toNdjson } from '../helpers/event-files.ts';
import { bearer, NOW, postNdjson, seed, startServer, type TestServer } from './test-server.ts';

/**
 * A brand's scorecard of a standard window is sent as the JSON text the refresh stored, from an in-memory copy
 * after the first read (metrics/scorecards/stored-cache.ts): it must be the schema's JSON, equal to the scorecard
 * computed on demand, and a refresh must replace it.
 */

let server: TestServer;
const calendar = new BusinessCalendar(parseConfig({}).calendar);

beforeAll(async () => {
  server = await startServer();
  await seed(server);
});
afterAll(async () => server.close());

async function scorecardOf(brandId: string): Promise<{ contentType: string | null; body: Scorecard }> {
  const response = await fetch(`${server.url}/api/brands/${brandId}/scorecard`, { headers: bearer(server.tokens.admin) });
  expect(response.status).toBe(200);
  return { contentType: response.headers.get('content-type'), body: (await response.json()) as Scorecard };
}

describe('stored scorecards served as stored JSON', () => {
  it('sends the schema-valid JSON of the stored scorecard, equal to the one computed on demand, also when cached', async () => {
    const first = await scorecardOf('B2');
    const second = await scorecardOf('B2');
    expect(first.contentType).toBe('application/json; charset=utf-8');
    expect(ScorecardSchema.safeParse(first.body).success).toBe(true);
    expect(second.body).toEqual(first.body);
    // Default window: the trailing 28 days up to the business date of NOW (2024-03-20), as in brands.test.ts.
    expect(first.body.window).toMatchObject({ from: '2024-02-21', to: '2024-03-20' });
    const computed = await computeScorecard(server.warehouse, 'B2', { from: '2024-02-21', to: '2024-03-20' }, { now: NOW, calendar });
    expect(first.body).toEqual(JSON.parse(JSON.stringify(computed)));
    // The seed placed one order of B2 (O-B2, 2024-03-11).
    expect(first.body.metrics.orders_placed.value).toBe(1);
  });

  it('serves the new scorecard once a refresh has stored it', async () => {
    expect((await scorecardOf('B2')).body.metrics.orders_placed.value).toBe(1);
    const order = {
      event_id: 'stored-cache-B2',
      type: 'order_placed',
      brand_id: 'B2',
      occurred_at: '2024-03-18T10:00:00+09:00',
      order_id: 'O-B2-second',
      amount: 5000,
      quantity: 1,
    };
    expect((await postNdjson(server, '/api/ingest/orders', toNdjson([order]))).status).toBe(200);
    await refresh(server.warehouse, { now: NOW, calendar });
    // 1 seeded order + 1 new order on 2024-03-18, inside [2024-02-21, 2024-03-20) = 2.
    expect((await scorecardOf('B2')).body.metrics.orders_placed.value).toBe(2);
  });
});
