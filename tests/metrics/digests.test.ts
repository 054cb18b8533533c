import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDigests, digestAsOf, makeDigests } from '../../metrics/digests/digests.ts';
import { DigestSchema, type Digest } from '../../metrics/digests/schema.ts';
import { refresh } from '../../metrics/refresh.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { at, defaultCalendar, insertRaw, kst, upsertBrand } from './raw-events.ts';

/**
 * Digest of Wednesday 2024-03-20 at 08:00 KST (as_of = 2024-03-20T08:00+09:00; the date closes at 18:00, so
 * "due today" is a deadline in [08:00, 18:00] that day). Business days Mon–Fri 09:00–18:00; no holiday in March
 * 11–22. Deadlines (DESIGN §4): N business days after t = 18:00 of the N-th business day after t's business date.
 * Brand A's dispatch_days is 2; inquiries 2 business days, claims 3, contacts 1.
 */

const calendar = defaultCalendar();
const NOW = at('2024-03-20T12:00:00');
const DATE = '2024-03-20';
const A = 'brand-a';
const B = 'brand-b';
const C = 'brand-c';

let warehouse: Warehouse;
let digests: Digest[];

const ev = (brand: string, type: string, local: string, extra: Record<string, string | number>) => ({
  type,
  brand_id: brand,
  occurred_at: kst(local),
  ...extra,
});
const placed = (brand: string, id: string, local: string) => ev(brand, 'order_placed', local, { order_id: id, amount: 1000, quantity: 1 });
const opened = (brand: string, id: string, local: string) =>
  ev(brand, 'inquiry_opened', local, { inquiry_id: id, channel: 'chat', category: 'product' });
const claimOpened = (id: string, local: string) =>
  ev(A, 'claim_opened', local, { claim_id: id, order_id: `o-${id}`, claim_type: 'return', reason: 'size' });
const attempted = (brand: string, id: string, local: string) =>
  ev(brand, 'contact_attempted', local, { contact_id: id, channel: 'phone', purpose: 'claim' });

beforeAll(async () => {
  warehouse = await Warehouse.open(':memory:');
  await upsertBrand(warehouse, 1, { brand_id: A, name: 'Brand A', status: 'active', dispatch_days: 2 });
  await upsertBrand(warehouse, 1, { brand_id: B, name: 'Brand B', status: 'active', dispatch_days: 2 });
  await insertRaw(warehouse, 'raw_orders', 1, [
    placed(A, 'OA1', '2024-03-18T10:00:00'), // paid Mon 10:05 → deadline Wed 03-20 18:00: pending, due today
    ev(A, 'order_paid', '2024-03-18T10:05:00', { order_id: 'OA1' }),
    placed(A, 'OA2', '2024-03-14T10:00:00'), // Thu + 2 → Mon 03-18 18:00 < as_of: overdue; the oldest
    placed(A, 'OA3', '2024-03-15T11:00:00'), // dispatched Mon: not pending
    placed(A, 'OA4', '2024-03-19T09:00:00'), // cancelled: not pending
    ev(A, 'order_cancelled', '2024-03-19T12:00:00', { order_id: 'OA4', cancelled_by: 'customer' }),
    placed(A, 'OA5', '2024-03-19T14:00:00'), // Tue + 2 → Thu 03-21 18:00: pending, neither overdue nor due today
    placed(A, 'OA6', '2024-03-20T10:00:00'), // placed after as_of: not counted
    placed(A, 'OA7', '2024-03-18T11:00:00'), // dispatched Wed 09:00, after as_of: pending; deadline Wed 18:00, due today
    placed(B, 'OB1', '2024-03-18T10:00:00'), // dispatched: brand B has nothing pending
  ]);
  await insertRaw(warehouse, 'raw_shipments', 1, [
    ev(A, 'dispatched', '2024-03-18T15:00:00', { order_id: 'OA3', carrier: 'CJ', tracking_no: 't3' }),
    ev(A, 'dispatched', '2024-03-20T09:00:00', { order_id: 'OA7', carrier: 'CJ', tracking_no: 't7' }),
    ev(B, 'dispatched', '2024-03-19T10:00:00', { order_id: 'OB1', carrier: 'CJ', tracking_no: 'tb' }),
  ]);
  await insertRaw(warehouse, 'raw_inquiries', 1, [
    opened(A, 'QA1', '2024-03-15T10:00:00'), // Fri + 2 → Tue 03-19 18:00: overdue; the oldest
    opened(A, 'QA2', '2024-03-18T15:00:00'), // Mon + 2 → Wed 03-20 18:00: due today
    opened(A, 'QA3', '2024-03-19T20:00:00'), // after closing → business date Wed, + 2 → Fri 03-22 18:00: neither
    opened(A, 'QA4', '2024-03-18T09:30:00'), // answered by the platform: not pending
    ev(A, 'inquiry_answered', '2024-03-18T10:00:00', { inquiry_id: 'QA4', responder: 'platform' }),
    opened(A, 'QA5', '2024-03-19T10:00:00'), // closed without an answer: not pending
    ev(A, 'inquiry_closed', '2024-03-19T11:00:00', { inquiry_id: 'QA5' }),
    opened(A, 'QA6', '2024-03-19T10:00:00'), // answered Wed 09:00, after as_of: pending; Thu 18:00: neither
    ev(A, 'inquiry_answered', '2024-03-20T09:00:00', { inquiry_id: 'QA6', responder: 'brand' }),
    opened(B, 'QB1', '2024-03-18T10:00:00'),
    ev(B, 'inquiry_answered', '2024-03-18T11:00:00', { inquiry_id: 'QB1', responder: 'brand' }),
  ]);
  await insertRaw(warehouse, 'raw_claims', 1, [
    claimOpened('CA1', '2024-03-14T10:00:00'), // Thu + 3 → Tue 03-19 18:00: overdue; the oldest
    ev(A, 'claim_stage_changed', '2024-03-14T11:00:00', { claim_id: 'CA1', order_id: 'o-CA1', stage: 'requested', handled_by: 'brand' }),
    claimOpened('CA2', '2024-03-19T10:00:00'), // a stage handled by the platform: taken over, not the brand's
    ev(A, 'claim_stage_changed', '2024-03-19T11:00:00', { claim_id: 'CA2', order_id: 'o-CA2', stage: 'collecting', handled_by: 'platform' }),
    claimOpened('CA3', '2024-03-18T10:00:00'), // closed: not pending
    ev(A, 'claim_closed', '2024-03-19T10:00:00', { claim_id: 'CA3', order_id: 'o-CA3', outcome: 'completed' }),
    claimOpened('CA4', '2024-03-18T12:00:00'), // Mon + 3 → Thu 03-21 18:00: pending, not overdue
  ]);
  await insertRaw(warehouse, 'raw_contacts', 1, [
    attempted(A, 'KA1', '2024-03-18T10:00:00'), // Mon + 1 → Tue 03-19 18:00: overdue; the oldest
    attempted(A, 'KA2', '2024-03-19T10:00:00'), // Tue + 1 → Wed 03-20 18:00: due today
    attempted(A, 'KA3', '2024-03-19T11:00:00'), // answered: not pending
    ev(A, 'contact_answered', '2024-03-19T11:30:00', { contact_id: 'KA3' }),
    attempted(C, 'KC1', '2024-03-20T07:00:00'), // brand C (no reference row): Wed + 1 → Thu 03-21 18:00: neither
  ]);
  await refresh(warehouse, { now: NOW, calendar });
  const day = await computeDigests(warehouse, { date: DATE, now: NOW, calendar, digestTime: '08:00' });
  digests = day.digests;
});
afterAll(() => warehouse.close());

describe('the pending work in a morning digest', () => {
  it('goes to the brands with something pending, and only to them', () => {
    // A: orders, inquiries, claims and contacts pending; B: its order was dispatched and its inquiry answered;
    // C: one contact attempt unanswered.
    expect(digests.map((d) => d.brand_id)).toEqual([A, C]);
    for (const digest of digests) expect(DigestSchema.parse(digest)).toEqual(digest);
  });

  it('counts orders awaiting dispatch, past the deadline, due today, and the oldest', () => {
    const a = digests.find((d) => d.brand_id === A)!;
    expect(a.as_of).toBe(at('2024-03-20T08:00:00').toISOString());
    // Pending: OA1, OA2, OA5, OA7 = 4 (OA3 dispatched, OA4 cancelled, OA6 placed after as_of). Overdue: OA2
    // (deadline Mon 18:00) = 1. Due today: OA1 and OA7 (Wed 18:00) = 2. Oldest: OA2, placed Thu 03-14 10:00.
    expect(a.orders_awaiting_dispatch).toEqual({
      count: 4,
      overdue: 1,
      due_today: 2,
      oldest: { id: 'OA2', since: at('2024-03-14T10:00:00').toISOString(), deadline: at('2024-03-18T18:00:00').toISOString() },
    });
  });

  it('counts unanswered inquiries, overdue per the SLA and due today', () => {
    const a = digests.find((d) => d.brand_id === A)!;
    // Pending: QA1, QA2, QA3, QA6 = 4 (QA4 answered by the platform, QA5 closed). Overdue: QA1 (Tue 18:00) = 1.
    // Due today: QA2 (Wed 18:00) = 1. QA3 (Fri) and QA6 (Thu) neither.
    expect(a.unanswered_inquiries).toEqual({
      count: 4,
      overdue: 1,
      due_today: 1,
      oldest: { id: 'QA1', since: at('2024-03-15T10:00:00').toISOString(), deadline: at('2024-03-19T18:00:00').toISOString() },
    });
  });

  it('counts open claims waiting on the brand and contacts awaiting a reply', () => {
    const a = digests.find((d) => d.brand_id === A)!;
    // Claims: CA1 and CA4 = 2 (CA2 taken over by the platform, CA3 closed); overdue: CA1 (Tue 18:00) = 1;
    // due today: none (CA4's is Thu) = 0.
    expect(a.open_claims).toMatchObject({ count: 2, overdue: 1, due_today: 0, oldest: { id: 'CA1' } });
    // Contacts: KA1 and KA2 = 2 (KA3 answered); overdue: KA1 (Tue 18:00) = 1; due today: KA2 (Wed 18:00) = 1.
    expect(a.contacts_awaiting_reply).toMatchObject({ count: 2, overdue: 1, due_today: 1, oldest: { id: 'KA1' } });
    const c = digests.find((d) => d.brand_id === C)!;
    expect(c.brand_name).toBeNull();
    expect(c.orders_awaiting_dispatch).toEqual({ count: 0, overdue: 0, due_today: 0, oldest: null });
    expect(c.contacts_awaiting_reply).toMatchObject({ count: 1, overdue: 0, due_today: 0, oldest: { id: 'KC1' } });
  });

  it('says the same in Korean and English', () => {
    const a = digests.find((d) => d.brand_id === A)!;
    expect(a.text.en).toBe(
      [
        '[brandscore] Pending work for Brand A (brand-a) on 2024-03-20 (as of 2024-03-20 08:00)',
        '- Orders awaiting dispatch: 4 (1 past the dispatch deadline, 2 due today; oldest OA2, placed 2024-03-14 10:00)',
        '- Unanswered inquiries: 4 (1 overdue, 1 due today)',
        '- Open claims waiting on you: 2 (1 older than 3 business days)',
        '- Contacts awaiting your reply: 2 (1 past 1 business day)',
      ].join('\n'),
    );
    expect(a.text.ko).toBe(
      [
        '[brandscore] Brand A (brand-a) 2024-03-20 처리 대기 현황 (2024-03-20 08:00 기준)',
        '- 출고 대기 주문 4건 (출고 기한 경과 1건, 오늘 마감 2건; 가장 오래된 주문 OA2, 2024-03-14 10:00 주문)',
        '- 미답변 문의 4건 (답변 기한 경과 1건, 오늘 마감 1건)',
        '- 처리 대기 클레임 2건 (3영업일 경과 1건)',
        '- 회신 대기 연락 2건 (1영업일 경과 1건)',
      ].join('\n'),
    );
    const c = digests.find((d) => d.brand_id === C)!;
    expect(c.text.en.split('\n')).toEqual([
      '[brandscore] Pending work for brand-c on 2024-03-20 (as of 2024-03-20 08:00)',
      '- Contacts awaiting your reply: 1 (0 past 1 business day)',
    ]);
  });

  it('counts at now when the digest is made before its time, and refuses a future date', () => {
    const early = at('2024-03-20T07:30:00');
    expect(digestAsOf(DATE, calendar, '08:00', early)).toEqual(early);
    expect(() => digestAsOf('2024-03-21', calendar, '08:00', NOW)).toThrow(/2024-03-21 is in the future/);
  });
});

describe('the digests of a date', () => {
  it('are none on a Korean public holiday or a weekend', async () => {
    // Fri 2024-03-01 is Samiljeol (Independence Movement Day); Sat 2024-03-16 is a weekend day. Brand A had
    // pending work at both (e.g. OA2 would be pending on 03-16), but no digest goes out on a closed day.
    const now = at('2024-03-20T12:00:00');
    for (const date of ['2024-03-01', '2024-03-16']) {
      const day = await computeDigests(warehouse, { date, now, calendar, digestTime: '08:00' });
      expect(day).toMatchObject({ business_day: false, digests: [] });
      expect(await makeDigests(warehouse, { date, now, calendar, digestTime: '08:00' })).toMatchObject({ business_day: false, created: 0 });
    }
    expect(await warehouse.all(`SELECT * FROM digests WHERE digest_date IN ('2024-03-01', '2024-03-16')`)).toEqual([]);
    expect(await warehouse.all(`SELECT * FROM digest_runs`)).toEqual([]);
  });

  it('are made once: a second run keeps the keys and bodies of the first', async () => {
    const first = await makeDigests(warehouse, { date: DATE, now: NOW, calendar, digestTime: '08:00' });
    expect(first).toMatchObject({ business_day: true, brands: 2, created: 2 });
    const outbox = await warehouse.all(`SELECT message_id, body FROM outbox ORDER BY message_id`);
    expect(outbox.map((m) => m.message_id)).toEqual([`digest:${DATE}:${A}`, `digest:${DATE}:${C}`]);
    const again = await makeDigests(warehouse, { date: DATE, now: at('2024-03-20T15:00:00'), calendar, digestTime: '08:00' });
    expect(again).toMatchObject({ brands: 2, created: 0 });
    expect(await warehouse.all(`SELECT message_id, body FROM outbox ORDER BY message_id`)).toEqual(outbox);
  });
});
