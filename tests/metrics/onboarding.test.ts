import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardingChecklist, verdictOf } from '../../metrics/onboarding/checklist.ts';
import { OnboardingChecklistSchema } from '../../metrics/onboarding/schema.ts';
import { refresh } from '../../metrics/refresh.ts';
import { parsePolicy } from '../../metrics/recommendations/policy.ts';
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
     VALUES ($brand_id, $name, 'probation', CAST('2024-03-04' AS DATE), $dispatch_days, $cs_phone, $cs_email, $return_address, 1, now())`,
    { name: String(row.brand_id), dispatch_days: 2, cs_phone: '02-123-4567', cs_email: null, return_address: 'Seoul', ...row },
  );
}

/** n inquiries opened Tue 5 March 10:00, answered by the brand at 11:00 (within the 2-business-day SLA). */
function answeredInquiries(brandId: string, n: number): RawEvent[] {
  return Array.from({ length: n }, (_, i): RawEvent[] => [
    { type: 'inquiry_opened', brand_id: brandId, inquiry_id: `${brandId}-Q${i}`, occurred_at: kst('2024-03-05T10:00:00'), channel: 'chat', category: 'product' },
    { type: 'inquiry_answered', brand_id: brandId, inquiry_id: `${brandId}-Q${i}`, occurred_at: kst('2024-03-05T11:00:00'), responder: 'brand' },
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

  it('graduates only when every criterion passes', () => {
    const pass = { result: 'pass' } as never;
    expect(verdictOf([pass], [pass, pass]).verdict).toBe('ready_to_graduate');
  });
});
