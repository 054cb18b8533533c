import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardingChecklist, onboardingChecklists, verdictOf } from '../../metrics/onboarding/checklist.ts';
import { OnboardingChecklistSchema } from '../../metrics/onboarding/schema.ts';
import { refresh } from '../../metrics/refresh.ts';
import { parsePolicy } from '../../metrics/recommendations/policy.ts';
import { computeBrandMetrics, computeScorecard } from '../../metrics/scorecards/scorecards.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { at, defaultCalendar, insertRaw, kst, type RawEvent } from './raw-events.ts';

/**
 * The onboarding checklist of DESIGN §6. Brands onboarded Mon 4 March 2024; their probation window is
 * [4 March, 3 May) (60 days), judged at now = Wed 20 March 12:00 KST.
 */

const calendar = defaultCalendar();
const policy = parsePolicy({});
const NOW = at('2024-03-20T12:00:00');
let warehouse: Warehouse;

async function brand(row: Record<string, string | number | null>): Promise<void> {
  await warehouse.run(
    `INSERT INTO brands (brand_id, name, status, onboarded_at, dispatch_days, cs_phone, cs_email, return_address, ingest_batch, updated_at)
     VALUES ($brand_id, $name, 'probation', CAST($onboarded_at AS DATE), $dispatch_days, $cs_phone, $cs_email, $return_address, 1, now())`,
    { name: String(row.brand_id), onboarded_at: '2024-03-04', dispatch_days: 2, cs_phone: '02-123-4567', cs_email: null, return_address: 'Seoul', ...row },
  );
}

/** n inquiries opened at 10:00 on `day` (Tue 5 March unless given), answered by the brand at 11:00 (within the 2-business-day SLA). */
function answeredInquiries(brandId: string, n: number, day = '2024-03-05'): RawEvent[] {
  return Array.from({ length: n }, (_, i): RawEvent[] => [
    { type: 'inquiry_opened', brand_id: brandId, inquiry_id: `${brandId}-${day}-Q${i}`, occurred_at: kst(`${day}T10:00:00`), channel: 'chat', category: 'product' },
    { type: 'inquiry_answered', brand_id: brandId, inquiry_id: `${brandId}-${day}-Q${i}`, occurred_at: kst(`${day}T11:00:00`), responder: 'brand' },
  ]).flat();
}

beforeAll(async () => {
  warehouse = await Warehouse.open(':memory:');
  await brand({ brand_id: 'NEW' });
  await brand({ brand_id: 'NOADDR', return_address: null });
  await brand({ brand_id: 'SLOW', dispatch_days: 4, cs_phone: null, cs_email: 'cs@slow.example' });
  await brand({ brand_id: 'BAD' });
  await insertRaw(warehouse, 'raw_inquiries', 1, [
    ...answeredInquiries('NEW', 4),
    ...answeredInquiries('NOADDR', 4),
    // BAD: 10 inquiries opened Tue 5 March, 2 answered in time and 8 never: deadline Thu 7 March 18:00 < as_of.
    ...answeredInquiries('BAD', 2),
    ...Array.from({ length: 8 }, (_, i) => ({
      type: 'inquiry_opened',
      brand_id: 'BAD',
      inquiry_id: `BAD-open-${i}`,
      occurred_at: kst('2024-03-05T10:00:00'),
      channel: 'chat',
      category: 'partner_system',
    })),
  ]);
  await refresh(warehouse, { now: NOW, calendar });
});
afterAll(() => warehouse.close());

const checklist = async (brandId: string) => (await onboardingChecklist(warehouse, brandId, { now: NOW, calendar, policy }))!;

describe('onboarding checklist', () => {
  it('a new brand with 4 inquiries has insufficient_data for the SLA criterion, and extends probation', async () => {
    const list = await checklist('NEW');
    expect(OnboardingChecklistSchema.parse(list)).toEqual(list);
    expect(list.period).toMatchObject({ from: '2024-03-04', to: '2024-05-03', days: 60, days_elapsed: 16, start_source: 'onboarded_at' });
    const sla = list.performance.find((c) => c.criterion === 'sla_rate')!;
    // 4 answered by the brand within the deadline: 4 of 4, but 4 < the minimum of 10.
    expect(sla.metric).toMatchObject({ numerator: 4, denominator: 4, value: 1 });
    expect(sla.result).toBe('insufficient_data');
    expect(list.profile.every((c) => c.result === 'pass')).toBe(true);
    // No orders or contacts at all: every performance criterion lacks data.
    expect(list.performance.map((c) => c.result)).toEqual(['insufficient_data', 'insufficient_data', 'insufficient_data', 'insufficient_data']);
    expect(list.verdict).toBe('extend_probation');
  });

  it('a brand with a missing return address is profile_incomplete', async () => {
    const list = await checklist('NOADDR');
    expect(list.profile.find((c) => c.criterion === 'return_address')).toMatchObject({ result: 'fail', evidence: { return_address: null } });
    expect(list.verdict).toBe('profile_incomplete');
  });

  it('dispatch_days above 3 fails the profile; an email alone is a CS contact', async () => {
    const list = await checklist('SLOW');
    expect(list.profile.map((c) => [c.criterion, c.result])).toEqual([
      ['cs_contact', 'pass'],
      ['return_address', 'pass'],
      ['dispatch_days', 'fail'],
    ]);
    expect(list.verdict).toBe('profile_incomplete');
  });

  it('an SLA of 2 in 10 fails and recommends retraining', async () => {
    const list = await checklist('BAD');
    const sla = list.performance.find((c) => c.criterion === 'sla_rate')!;
    // 2 answered in time; 8 unanswered past Thu 7 March 18:00: 2 of 10 = 0.2 < 0.9, with 10 ≥ 10.
    expect(sla.metric).toMatchObject({ numerator: 2, denominator: 10, value: 0.2 });
    expect(sla.result).toBe('fail');
    expect(list.verdict).toBe('retraining_recommended');
  });

  it('unknown brands have no checklist', async () => {
    expect(await onboardingChecklist(warehouse, 'NOPE', { now: NOW, calendar, policy })).toBeUndefined();
  });

  it('refuses an as_of date that is not on the calendar as a bad as_of, not with the calendar\'s RangeError', async () => {
    for (const asOfDate of ['2024-02-30', '2023-02-29', '2024-13-01', '2024-3-20']) {
      await expect(onboardingChecklist(warehouse, 'NEW', { now: NOW, calendar, policy, asOfDate })).rejects.toThrow(
        `as_of: expected a YYYY-MM-DD date, got '${asOfDate}'`,
      );
    }
    expect(await onboardingChecklist(warehouse, 'NOPE', { now: NOW, calendar, policy, asOfDate: '2024-02-29' })).toBeUndefined();
  });

  it("of many brands at once, count each brand's own period only, as one at a time", async () => {
    // LATE is onboarded Sun 10 March: [10 March, 9 May). Its 2 inquiries of Tue 5 March fall in NEW's period,
    // not in its own; its 3 of Tue 12 March count: 3 of 3. FIRST has no onboarded_at: its period starts at its
    // first event, an inquiry on Fri 8 March: [8 March, 7 May), 1 of 1.
    await brand({ brand_id: 'LATE', onboarded_at: '2024-03-10' });
    await brand({ brand_id: 'FIRST', onboarded_at: null });
    await insertRaw(warehouse, 'raw_inquiries', 2, [
      ...answeredInquiries('LATE', 2),
      ...answeredInquiries('LATE', 3, '2024-03-12'),
      ...answeredInquiries('FIRST', 1, '2024-03-08'),
    ]);
    await refresh(warehouse, { now: NOW, calendar });
    const together = await onboardingChecklists(warehouse, ['LATE', 'NOPE', 'BAD', 'FIRST', 'NEW', 'LATE'], { now: NOW, calendar, policy });
    // In the order asked, each once, without the unknown brand.
    expect(together.map((list) => list.brand_id)).toEqual(['LATE', 'BAD', 'FIRST', 'NEW']);
    for (const list of together) expect(list, list.brand_id).toEqual(await checklist(list.brand_id));
    const sla = (list: (typeof together)[number]) => list.performance.find((c) => c.criterion === 'sla_rate')!.metric;
    const [late, bad, first, fresh] = together;
    expect(late!.period).toMatchObject({ from: '2024-03-10', to: '2024-05-09', days_elapsed: 10, start_source: 'onboarded_at' });
    expect(sla(late!)).toMatchObject({ numerator: 3, denominator: 3 });
    expect(first!.period).toMatchObject({ from: '2024-03-08', to: '2024-05-07', days_elapsed: 12, start_source: 'first_event' });
    expect(sla(first!)).toMatchObject({ numerator: 1, denominator: 1 });
    // Unchanged by the others: 2 of 10 and 4 of 4, as above.
    expect(sla(bad!)).toMatchObject({ numerator: 2, denominator: 10 });
    expect(sla(fresh!)).toMatchObject({ numerator: 4, denominator: 4 });
    // Every metric of each brand's own period, computed together (each brand joined with its own window; all of
    // them judged at NOW), equals that brand's scorecard of the same dates, computed the ordinary way.
    const periods = together.map((list) => ({ brandId: list.brand_id, dates: { from: list.period.from, to: list.period.to } }));
    const computed = await computeBrandMetrics(warehouse, periods, { now: NOW, calendar });
    for (const [index, { brandId, dates }] of periods.entries()) {
      expect(computed[index]!.metrics, brandId).toEqual((await computeScorecard(warehouse, brandId, dates, { now: NOW, calendar }))!.metrics);
    }
    // The state at as_of as well: BAD's 8 unanswered inquiries are open and past their deadline (Thu 7 March).
    expect(computed[1]!.metrics).toMatchObject({ open_unanswered: { value: 8 }, overdue_unanswered: { value: 8 } });
  });

  it('graduates only when every criterion passes', () => {
    const pass = { result: 'pass' } as never;
    expect(verdictOf([pass], [pass, pass]).verdict).toBe('ready_to_graduate');
  });
});
