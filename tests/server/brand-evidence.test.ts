import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { refresh } from '../../metrics/refresh.ts';
import type { BrandEvidence, BrandTrend } from '../../metrics/evidence/schema.ts';
import type { Scorecard } from '../../metrics/scorecards/schema.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { toNdjson, type Row } from '../helpers/event-files.ts';
import { bearer, NOW, postNdjson, seed, startServer, type TestServer } from './test-server.ts';

/**
 * The evidence behind a scorecard and the weekly trend (GET /api/brands/:brand_id/evidence and /trend), on the
 * sample events plus a few written to be late, overdue or failed. NOW is Wednesday 2024-03-20 12:00 in Seoul, so the
 * default window is [2024-02-21, 2024-03-20) judged as of 2024-03-20 00:00 (+09:00); business hours 09:00–18:00
 * Monday to Friday.
 */

let server: TestServer;

const at = (local: string) => `${local}+09:00`;
const ev = (stream: string, n: number, fields: Row): Row => ({ event_id: `ev-${stream}-${n}`, ...fields });

beforeAll(async () => {
  server = await startServer();
  await seed(server);
  const more: [string, Row[]][] = [
    [
      'orders',
      [
        // Placed Thursday 03-14 with B1's 2 business days: the deadline has passed (by Monday 03-18 18:00 at the latest).
        ev('o', 10, { type: 'order_placed', brand_id: 'B1', occurred_at: at('2024-03-14T10:00:00'), order_id: 'O10', amount: 1000, quantity: 1 }),
        ev('o', 11, { type: 'order_placed', brand_id: 'B1', occurred_at: at('2024-03-14T11:00:00'), order_id: 'O11', amount: 1000, quantity: 1 }),
      ],
    ],
    // O10 never dispatched; O11 dispatched Tuesday 03-19, after its deadline.
    ['shipments', [ev('s', 11, { type: 'dispatched', brand_id: 'B1', occurred_at: at('2024-03-19T10:00:00'), order_id: 'O11', carrier: 'CJ', tracking_no: '9' })]],
    [
      'inquiries',
      [
        // Q10: opened Thursday, unanswered past its 2-business-day deadline (Monday 18:00). Q11: opened Tuesday, not due yet.
        ev('i', 10, { type: 'inquiry_opened', brand_id: 'B1', occurred_at: at('2024-03-14T10:00:00'), inquiry_id: 'Q10', channel: 'one_to_one', category: 'shipping', order_id: 'O10' }),
        ev('i', 11, { type: 'inquiry_opened', brand_id: 'B1', occurred_at: at('2024-03-19T10:00:00'), inquiry_id: 'Q11', channel: 'one_to_one', category: 'shipping', order_id: 'O11' }),
      ],
    ],
    [
      'contacts',
      [
        // K10 never answered (deadline Friday 18:00): failed. K11 answered within the hour: not failed.
        ev('t', 10, { type: 'contact_attempted', brand_id: 'B1', occurred_at: at('2024-03-14T10:00:00'), contact_id: 'K10', channel: 'phone', purpose: 'shipping' }),
        ev('t', 11, { type: 'contact_attempted', brand_id: 'B1', occurred_at: at('2024-03-14T11:00:00'), contact_id: 'K11', channel: 'phone', purpose: 'shipping' }),
        ev('t', 12, { type: 'contact_answered', brand_id: 'B1', occurred_at: at('2024-03-14T11:30:00'), contact_id: 'K11' }),
      ],
    ],
    [
      'claims',
      [
        ev('c', 10, { type: 'claim_opened', brand_id: 'B2', occurred_at: at('2024-03-14T10:00:00'), claim_id: 'C10', order_id: 'O-B2', claim_type: 'return', reason: 'size' }),
        ...(
          [
            ['requested', '2024-03-14T10:00:00'],
            ['collecting', '2024-03-14T12:00:00'],
            ['inspecting', '2024-03-15T12:00:00'],
            ['processing', '2024-03-18T12:00:00'],
            ['completed', '2024-03-18T15:00:00'],
          ] as const
        ).map(([stage, time], i) =>
          ev('c', 11 + i, { type: 'claim_stage_changed', brand_id: 'B2', occurred_at: at(time), claim_id: 'C10', order_id: 'O-B2', stage, handled_by: 'brand' }),
        ),
      ],
    ],
  ];
  for (const [stream, rows] of more) {
    const response = await postNdjson(server, `/api/ingest/${stream}?atomic=true`, toNdjson(rows));
    expect(response.status, `${stream}: ${await response.clone().text()}`).toBe(200);
  }
  await refresh(server.warehouse, { now: NOW, calendar: new BusinessCalendar(parseConfig({}).calendar) });
});
afterAll(async () => server.close());

const get = async <T>(path: string, token = server.tokens.merchandiser) => {
  const response = await fetch(`${server.url}${path}`, { headers: bearer(token) });
  return { status: response.status, body: (await response.json()) as T };
};

describe('GET /api/brands/:brand_id/evidence', () => {
  it('lists the late orders, overdue inquiries and failed contacts the scorecard counts, with their ids', async () => {
    const { status, body } = await get<BrandEvidence>('/api/brands/B1/evidence');
    expect(status).toBe(200);
    expect(body.window).toEqual({ from: '2024-02-21', to: '2024-03-20', as_of: '2024-03-19T15:00:00.000Z' });
    // O10 undispatched past its deadline, O11 dispatched after it; O1 was dispatched before its deadline. Same deadline: by id.
    expect(body.late_orders.items.map((order) => [order.order_id, order.dispatched_at])).toEqual([
      ['O10', null],
      ['O11', '2024-03-19T01:00:00.000Z'],
    ]);
    expect(body.overdue_inquiries.items.map((inquiry) => inquiry.inquiry_id)).toEqual(['Q10']);
    expect(body.failed_contacts.items.map((contact) => [contact.contact_id, contact.answered_at])).toEqual([['K10', null]]);
    const scorecard = (await get<Scorecard>('/api/brands/B1/scorecard')).body;
    expect(body.late_orders.total).toBe(scorecard.metrics.late_dispatch_rate.numerator);
    expect(body.overdue_inquiries.total).toBe(scorecard.metrics.overdue_unanswered.value);
    expect(body.failed_contacts.total).toBe(scorecard.metrics.contact_failure_rate.numerator);
    const limited = (await get<BrandEvidence>('/api/brands/B1/evidence?limit=1')).body;
    expect(limited.late_orders).toEqual({ total: 2, items: [body.late_orders.items[0]] });
  });

  it('gives the business hours claims spent in each stage', async () => {
    const { body } = await get<BrandEvidence>('/api/brands/B2/evidence');
    // C10, business hours 09–18: requested Thu 10:00 → collecting Thu 12:00 = 2; collecting Thu 12:00 → inspecting
    // Fri 12:00 = 6 + 3 = 9; inspecting Fri 12:00 → processing Mon 12:00 = 6 + 3 = 9 (the weekend is closed);
    // processing Mon 12:00 → completed Mon 15:00 = 3. One claim: p50 = p90 = that value.
    expect(body.claim_stage_durations).toEqual([
      { stage: 'requested', n: 1, p50: 2, p90: 2 },
      { stage: 'collecting', n: 1, p50: 9, p90: 9 },
      { stage: 'inspecting', n: 1, p50: 9, p90: 9 },
      { stage: 'processing', n: 1, p50: 3, p90: 3 },
    ]);
    // The seed's O-B2, placed Monday 03-11 10:00 with B2's 3 business days, is due Thursday 18:00 and never dispatched.
    expect(body.late_orders.items).toEqual([{ order_id: 'O-B2', placed_at: '2024-03-11T01:00:00.000Z', dispatch_deadline: '2024-03-14T09:00:00.000Z', dispatched_at: null }]);
  });

  it('keeps a brand token to its brand and 404s an unknown brand', async () => {
    expect((await get('/api/brands/B1/evidence', server.tokens.brand)).status).toBe(200);
    expect((await get('/api/brands/B2/evidence', server.tokens.brand)).status).toBe(403);
    expect((await get('/api/brands/NOPE/evidence')).status).toBe(404);
    expect((await get('/api/brands/B1/evidence?from=2024-03-10&to=2024-03-01')).status).toBe(400);
  });
});

describe('GET /api/brands/:brand_id/trend', () => {
  it('gives 7-day windows ending at the current business date, each judged like a scorecard of that week', async () => {
    const { status, body } = await get<BrandTrend>('/api/brands/B1/trend?weeks=3');
    expect(status).toBe(200);
    expect(body.weeks.map((week) => [week.from, week.to])).toEqual([
      ['2024-02-28', '2024-03-06'],
      ['2024-03-06', '2024-03-13'],
      ['2024-03-13', '2024-03-20'],
    ]);
    const week = await get<Scorecard>('/api/brands/B1/scorecard?from=2024-03-13&to=2024-03-20');
    expect(body.weeks[2]!.late_dispatch_rate).toEqual(week.body.metrics.late_dispatch_rate);
    expect(body.weeks[2]!.sla_rate).toEqual(week.body.metrics.sla_rate);
    // O10 and O11 (placed 03-14) are late, of the 2 orders of that week whose deadline passed or that were dispatched.
    expect(body.weeks[2]!.late_dispatch_rate.numerator).toBe(2);
    expect(body.weeks[2]!.late_dispatch_rate.denominator).toBe(2);
    // Nothing happened in the first week.
    expect(body.weeks[0]!.late_dispatch_rate).toMatchObject({ numerator: 0, denominator: 0, value: null });
    expect((await get('/api/brands/B1/trend?weeks=1')).status).toBe(400);
  });
});

describe('the brand page and GET /api/brands/:brand_id/evidence after closing', () => {
  it("both read the evidence in the stored scorecard's window, judged at its refresh, not later", async () => {
    // Refreshed Wednesday 03-20 at 19:00 (after closing: the window runs to Thursday 03-21, judged at 19:00);
    // read at 21:00, before the next refresh. O20's own dispatch deadline, 20:00, falls in between: as of the
    // stored figures O20 is not late yet, as of the reading it would be.
    const refreshedAt = new Date('2024-03-20T10:00:00Z');
    const later = await startServer({ now: () => new Date('2024-03-20T12:00:00Z') });
    try {
      await seed(later);
      const order = ev('o', 20, {
        type: 'order_placed', brand_id: 'B1', occurred_at: at('2024-03-20T10:00:00'), order_id: 'O20', amount: 1000, quantity: 1,
        dispatch_due_at: at('2024-03-20T20:00:00'),
      });
      expect((await postNdjson(later, '/api/ingest/orders?atomic=true', toNdjson([order]))).status).toBe(200);
      await refresh(later.warehouse, { now: refreshedAt, calendar: new BusinessCalendar(parseConfig({}).calendar) });

      const headers = bearer(later.tokens.merchandiser);
      const scorecard = (await (await fetch(`${later.url}/api/brands/B1/scorecard`, { headers })).json()) as Scorecard;
      expect(scorecard.window).toEqual({ from: '2024-02-22', to: '2024-03-21', as_of: refreshedAt.toISOString() });
      const evidence = (await (await fetch(`${later.url}/api/brands/B1/evidence`, { headers })).json()) as BrandEvidence;
      expect(evidence.window).toEqual(scorecard.window);
      expect(evidence.late_orders.items.map((o) => o.order_id)).not.toContain('O20');
      expect(evidence.late_orders.total).toBe(scorecard.metrics.late_dispatch_rate.numerator);
      const page = await (await fetch(`${later.url}/brands/B1`, { headers })).text();
      expect(page).toContain('late-orders');
      expect(page).not.toContain('O20');
    } finally {
      await later.close();
    }
  });
});
