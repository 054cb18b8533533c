import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refresh } from '../../metrics/refresh.ts';
import { ScorecardSchema } from '../../metrics/scorecards/schema.ts';
import { computeScorecard, getScorecard, rateMetric } from '../../metrics/scorecards/scorecards.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { at, defaultCalendar, insertRaw, kst, upsertBrand } from './raw-events.ts';

/**
 * "No data" is not zero: an installation that has never received an inquiry, contact, claim, shipping issue or
 * review (an import of the Olist data, say) shows those metrics as no data — listed in `no_data`, rates with no
 * denominator and null value, durations n = 0, not ranked — instead of 0 inquiries or a perfect 0 % issue rate.
 */

const calendar = defaultCalendar();
const NOW = at('2024-03-20T12:00:00');
const WINDOW = { from: '2024-03-04', to: '2024-03-11' };
let warehouse: Warehouse;

beforeAll(async () => {
  warehouse = await Warehouse.open(':memory:');
  await upsertBrand(warehouse, 1, { brand_id: 'A', name: 'Brand A', status: 'active' });
  // Two orders placed Mon 2024-03-04, both dispatched on time (deadline Wed 18:00), nothing else.
  await insertRaw(warehouse, 'raw_orders', 1, [
    { type: 'order_placed', brand_id: 'A', order_id: 'o1', occurred_at: kst('2024-03-04T10:00:00'), amount: 1000, quantity: 1 },
    { type: 'order_placed', brand_id: 'A', order_id: 'o2', occurred_at: kst('2024-03-04T11:00:00'), amount: 1000, quantity: 1 },
  ]);
  await insertRaw(warehouse, 'raw_shipments', 1, [
    { type: 'dispatched', brand_id: 'A', order_id: 'o1', occurred_at: kst('2024-03-05T10:00:00'), carrier: 'c', tracking_no: 't1' },
    { type: 'dispatched', brand_id: 'A', order_id: 'o2', occurred_at: kst('2024-03-05T10:00:00'), carrier: 'c', tracking_no: 't2' },
  ]);
  await refresh(warehouse, { now: NOW, calendar });
});

afterAll(() => warehouse.close());

describe('metrics whose source never sent anything', () => {
  it('are listed in no_data and empty, not zero or perfect', async () => {
    const card = (await computeScorecard(warehouse, 'A', WINDOW, { now: NOW, calendar }))!;
    expect(ScorecardSchema.parse(card)).toEqual(card);
    expect(card.no_data).toEqual([
      'shipping_issue_rate',
      'inquiries_opened', 'sla_rate', 'answer_time_bh', 'open_unanswered', 'overdue_unanswered', 'takeover_rate',
      'contacts_attempted', 'contact_failure_rate', 'consecutive_contact_failures',
      'claims_opened', 'claim_rate', 'defect_claim_rate', 'claim_resolution_bh', 'overdue_claims', 'claim_takeover_rate',
      'reviews_count', 'avg_review_score', 'negative_review_rate',
    ]);
    // Without the marker these were 0/2 = 0 % (a perfect shipping record and no claims on 2 dispatched orders).
    expect(card.metrics.shipping_issue_rate).toEqual(rateMetric(0, 0));
    expect(card.metrics.claim_rate).toEqual(rateMetric(0, 0));
    expect(card.previous.metrics.claim_rate).toEqual(rateMetric(0, 0));
    expect(card.metrics.avg_review_score).toEqual({ value: null, n: 0 });
    expect(card.percentile_ranks.shipping_issue_rate.percentile).toBeNull();
    // What the data does feed is untouched: 0 late of 2 dispatched (both before Wed 2024-03-06 18:00).
    expect(card.metrics.late_dispatch_rate).toEqual(rateMetric(0, 2));
    expect(card.metrics.orders_placed).toEqual({ value: 2 });
  });

  it('leave no_data once their source sends its first event, and the stored copy says the same', async () => {
    await insertRaw(warehouse, 'raw_inquiries', 2, [
      { type: 'inquiry_opened', brand_id: 'B', inquiry_id: 'i1', occurred_at: kst('2024-03-04T10:00:00'), channel: 'chat', category: 'product' },
    ]);
    await refresh(warehouse, { now: NOW, calendar });
    const card = (await computeScorecard(warehouse, 'A', WINDOW, { now: NOW, calendar }))!;
    expect(card.no_data).not.toContain('inquiries_opened');
    expect(card.no_data).not.toContain('sla_rate');
    expect(card.no_data).toContain('contacts_attempted');
    // Brand A has no inquiry, but the installation receives them: A's 0 is a real 0.
    expect(card.metrics.inquiries_opened).toEqual({ value: 0 });
    const stored = (await getScorecard(warehouse, 'A', {}, { now: NOW, calendar }))!;
    expect(stored.no_data).toEqual(card.no_data);
  });
});
