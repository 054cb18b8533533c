import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import type { Load } from '../../metrics/load/load.ts';
import type { Staffing } from '../../metrics/staffing/staffing.ts';
import { refresh } from '../../metrics/refresh.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { bearer, NOW, startServer, type TestServer } from './test-server.ts';

/**
 * GET /api/load and GET /api/staffing through a real server. Data: brand B1, 2024-01-01 … 2024-03-19 (79 days),
 * 40 orders a day at 10:00 KST (50 on Mondays), 10 inquiries a day (8 chat at 11:00, 2 phone at 14:00). Now is
 * Wed 2024-03-20 12:00 KST.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
  await server.warehouse.run(`
    INSERT INTO raw_orders (event_id, type, brand_id, occurred_at, order_id, amount, quantity, ingest_batch)
    SELECT 'ho-' || d || '-' || i, 'order_placed', 'B1',
           TIMESTAMPTZ '2024-01-01 10:00:00+09' + d * INTERVAL 1 DAY + i * INTERVAL 1 MINUTE, 'HO-' || d || '-' || i, 1000, 1, 1
    FROM range(0, 79) t(d), range(0, 50) u(i)
    WHERE i < 40 + CASE WHEN dayofweek(DATE '2024-01-01' + CAST(d AS INTEGER)) = 1 THEN 10 ELSE 0 END`);
  await server.warehouse.run(`
    INSERT INTO raw_inquiries (event_id, type, brand_id, occurred_at, inquiry_id, channel, category, ingest_batch)
    SELECT 'hq-' || d || '-' || i, 'inquiry_opened', 'B1',
           TIMESTAMPTZ '2024-01-01 11:00:00+09' + d * INTERVAL 1 DAY + CASE WHEN i < 8 THEN i * INTERVAL 1 MINUTE ELSE INTERVAL 3 HOUR END,
           'HQ-' || d || '-' || i, CASE WHEN i < 8 THEN 'chat' ELSE 'phone' END, 'product', 1
    FROM range(0, 79) t(d), range(0, 10) u(i)`);
  await refresh(server.warehouse, { now: NOW, calendar: new BusinessCalendar(parseConfig({}).calendar) });
});
afterAll(async () => server.close());

async function get(path: string, token = server.tokens.manager): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: bearer(token) });
}

describe('GET /api/load', () => {
  it('answers a series per day, the busiest days and no surge for a flat marketplace', async () => {
    const response = await get('/api/load?from=2024-03-04&to=2024-03-11&grain=day');
    expect(response.status).toBe(200);
    const load = (await response.json()) as Load;
    expect(load.window).toMatchObject({ from: '2024-03-04', to: '2024-03-11', grain: 'day', time_zone: 'Asia/Seoul' });
    expect(load.series.map((b) => [b.bucket, b.orders_placed, b.inquiries_opened, b.inquiries_by_channel.phone])).toEqual([
      ['2024-03-04', 50, 10, 2],
      ['2024-03-05', 40, 10, 2],
      ['2024-03-06', 40, 10, 2],
      ['2024-03-07', 40, 10, 2],
      ['2024-03-08', 40, 10, 2],
      ['2024-03-09', 40, 10, 2],
      ['2024-03-10', 40, 10, 2],
    ]);
    // Nobody answers: the backlog grows by 10 a day from the 63 days × 10 before the window.
    expect(load.series.map((b) => b.backlog_open_inquiries)).toEqual([640, 650, 660, 670, 680, 690, 700]);
    // Five peaks: Monday first, then the 40s by date.
    expect(load.peaks.map((p) => [p.date, p.orders_placed])).toEqual([
      ['2024-03-04', 50],
      ['2024-03-05', 40],
      ['2024-03-06', 40],
      ['2024-03-07', 40],
      ['2024-03-08', 40],
    ]);
    expect(load.surges).toEqual([]);
  });

  it('answers hours, and by default the 28 days up to today', async () => {
    const hourly = (await (await get('/api/load?from=2024-03-04&to=2024-03-05&grain=hour')).json()) as Load;
    expect(hourly.series).toHaveLength(24);
    expect(hourly.series[10]).toMatchObject({ bucket: '2024-03-04T10:00+09:00', orders_placed: 50 });
    expect(hourly.series[14]!.inquiries_by_channel.phone).toBe(2);
    const recent = (await (await get('/api/load')).json()) as Load;
    expect(recent.window).toMatchObject({ from: '2024-02-22', to: '2024-03-21', grain: 'day' });
    expect(recent.series).toHaveLength(28);
  });

  it('refuses a bad grain, an empty window and too many hours with a problem document', async () => {
    const grain = await get('/api/load?grain=week');
    expect(grain.status).toBe(400);
    expect(((await grain.json()) as { invalid_params: { name: string }[] }).invalid_params[0]!.name).toBe('grain');
    const empty = await get('/api/load?from=2024-03-10&to=2024-03-04');
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await empty.json()) as { detail: string }).detail).toMatch(/window is empty/);
    const long = await get('/api/load?from=2023-01-01&to=2024-01-01&grain=hour');
    expect(long.status).toBe(400);
  });
});

describe('GET /api/staffing', () => {
  it('forecasts the next 28 days and the agents they need', async () => {
    const response = await get('/api/staffing');
    expect(response.status).toBe(200);
    const staffing = (await response.json()) as Staffing;
    expect(staffing.window).toMatchObject({ from: '2024-03-20', to: '2024-04-17' });
    expect(staffing.days).toHaveLength(28);
    expect(staffing.forecast.history).toEqual({ from: '2024-01-01', to: '2024-03-20' });
    // A flat 10 inquiries a day: forecast within a few percent; the seasonal naive is exact (the same week repeats)
    // and the model nearly so.
    expect(staffing.forecast.inquiries.backtest.seasonal_naive_mape).toBe(0);
    expect(staffing.forecast.inquiries.backtest.mape!).toBeLessThan(0.05);
    const wednesday = staffing.forecast.inquiries.days[0]!;
    expect(wednesday.value).toBeGreaterThan(9.5);
    expect(wednesday.value).toBeLessThan(10.5);
    // A business day in a flat week answers one third of each of the last three intakes: 10 inquiries (Monday's
    // share of the weekend's 20 is more). 10 × 8 min = 1.33 h → 1 agent of 10 configured.
    const thursday = staffing.days.find((day) => day.date === '2024-03-21')!;
    expect(thursday.workload_inquiries).toBeCloseTo(10, 0);
    expect(thursday).toMatchObject({ business_day: true, source: 'forecast', agents_needed: 1, agents_configured: 10, shortfall: 0 });
    // The phones: 2 calls a day, all at 14:00 → only the 14:00 hour has calls: 2 × 300 s = 0.167 E → one agent
    // answers 1 − 0.167·e^{−0.833·20/300} = 84.5% within 20 s ≥ 80%; with 30% shrinkage, 2 to schedule.
    const fourteen = staffing.phone_hours.find((hour) => hour.date === '2024-03-21' && hour.hour === '14:00')!;
    expect(fourteen.calls).toBeCloseTo(wednesday.value * 0.2, 6);
    expect(fourteen.agents_on_phone).toBe(1);
    expect(staffing.phone_hours.find((hour) => hour.date === '2024-03-21' && hour.hour === '10:00')!.calls).toBe(0);
  });

  it('refuses a window past the forecast, and is not for merchandisers', async () => {
    expect((await get('/api/staffing?from=2024-03-20&to=2024-05-01')).status).toBe(400);
    expect((await get('/api/staffing', server.tokens.merchandiser)).status).toBe(403);
    expect((await get('/api/load', server.tokens.merchandiser)).status).toBe(200);
  });
});
