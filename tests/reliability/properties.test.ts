import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { OrderEventSchema } from '../../pipelines/contracts/index.ts';
import { ingestFile } from '../../pipelines/sources/file-ingest.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from '../helpers/event-files.ts';

/**
 * Property-based tests (fast-check) of the contracts and the calendar. Seeded, so a failure prints the seed and
 * path that reproduce it.
 */
const SEED = Number(process.env.BRANDSCORE_PROPERTY_SEED ?? 12);

// ---- contracts -------------------------------------------------------------------------------------------------

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const validInstant = fc
  .record({
    year: fc.integer({ min: 1970, max: 2099 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.option(fc.integer({ min: 0, max: 59 }), { nil: undefined }),
    separator: fc.constantFrom('T', ' '),
    offset: fc.constantFrom('', 'Z', '+09:00', '-05:00', '+0530', '+09'),
  })
  .map((t) => `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}${t.separator}${pad(t.hour)}:${pad(t.minute)}${t.second === undefined ? '' : `:${pad(t.second)}`}${t.offset}`);
const badInstant = fc.constantFrom(
  '2024-02-30T10:00:00Z',
  '2024-13-01T00:00:00Z',
  '2024-03-08T25:00:00Z',
  '2024-03-08',
  'yesterday',
  '9999-12-31T23:59:59Z',
  '1969-12-31T23:00:00Z',
  '2024-03-08T10:00:00+9',
  '',
);
const validId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0 && s.length <= 200),
  fc.constantFrom(' B1 ', '브랜드', '🎉'.repeat(200), 'x'.repeat(200)),
);
const badId = fc.constantFrom('', '   ', ' \t ', '\u00a0', 'x'.repeat(201), '🎉'.repeat(201));

type Field = { name: string; valid: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown>; optional?: boolean };
const ORDER_TYPES: Record<string, Field[]> = {
  order_placed: [
    { name: 'order_id', valid: validId, bad: badId },
    { name: 'amount', valid: fc.integer({ min: 0, max: 1_000_000_000 }), bad: fc.constantFrom(-1, -5, 1.5, 0.1) },
    { name: 'quantity', valid: fc.integer({ min: 1, max: 1000 }), bad: fc.constantFrom(0, -3, 2.5) },
    { name: 'dispatch_due_at', valid: validInstant, bad: badInstant.filter((s) => s !== ''), optional: true },
  ],
  order_paid: [{ name: 'order_id', valid: validId, bad: badId }],
  order_cancelled: [
    { name: 'order_id', valid: validId, bad: badId },
    { name: 'cancelled_by', valid: fc.constantFrom('customer', 'brand', 'platform'), bad: fc.constantFrom('cat', 'Customer', '') },
  ],
  address_changed: [
    { name: 'order_id', valid: validId, bad: badId },
    { name: 'changed_by', valid: fc.constantFrom('customer', 'platform'), bad: fc.constantFrom('brand', 'CUSTOMER') },
  ],
};
const COMMON: Field[] = [
  { name: 'brand_id', valid: validId, bad: badId },
  { name: 'occurred_at', valid: validInstant, bad: badInstant },
];

/** An order event and whether it is valid by construction: each field valid, or one of them broken or missing. */
const orderEvent = fc.constantFrom(...Object.keys(ORDER_TYPES)).chain((type) => {
  const fields = [...COMMON, ...ORDER_TYPES[type]!];
  return fc
    .record({
      values: fc.tuple(...fields.map((f) => f.valid)),
      broken: fc.option(fc.integer({ min: 0, max: fields.length - 1 }), { nil: undefined, freq: 2 }),
      how: fc.constantFrom('bad', 'missing', 'unknown type'),
      bad: fc.tuple(...fields.map((f) => f.bad)),
      dropOptional: fc.boolean(),
    })
    .map(({ values, broken, how, bad, dropOptional }) => {
      const row: Record<string, unknown> = { type };
      fields.forEach((field, i) => {
        if (field.optional && dropOptional && i !== broken) return;
        row[field.name] = values[i];
      });
      let valid = true;
      if (broken !== undefined) {
        const field = fields[broken]!;
        if (how === 'unknown type') row.type = 'order_shipped';
        else if (how === 'missing' && !field.optional) delete row[field.name];
        else row[field.name] = bad[broken];
        valid = false;
      }
      return { row, valid };
    });
});

describe('the order contract (zod)', () => {
  it('accepts exactly the rows that are valid by construction', () => {
    fc.assert(
      fc.property(orderEvent, ({ row, valid }) => {
        const parsed = OrderEventSchema.safeParse({ event_id: 'e1', ...row });
        expect(parsed.success, JSON.stringify(row)).toBe(valid);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('the validation SQL agrees with zod', () => {
  it('on random rows, through file ingest', async () => {
    const dir = tempDir('brandscore-properties-');
    const warehouse = await Warehouse.open(join(dir, 'properties.duckdb'));
    let rowsTried = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(orderEvent, { minLength: 20, maxLength: 80 }), async (events) => {
          const run = rowsTried;
          const rows = events.map(({ row }, i) => ({ event_id: `p${run + i}`, ...row }));
          rowsTried += rows.length;
          const zodAccepted = rows.filter((row) => OrderEventSchema.safeParse(row).success).map((row) => row.event_id);
          const path = join(dir, `orders-${run}.ndjson`);
          writeFileSync(path, rows.map((row) => JSON.stringify(row)).join('\n'));
          const result = await ingestFile(warehouse, path, { sourceTimeZone: 'Asia/Seoul' });
          const stored = await warehouse.all<{ event_id: string }>(
            `SELECT event_id FROM raw_orders WHERE ingest_batch = (SELECT max(batch_id) FROM ingested_files) ORDER BY event_id`,
          );
          const disagree = rows.filter((row) => zodAccepted.includes(row.event_id) !== stored.some((s) => s.event_id === row.event_id));
          expect(disagree, JSON.stringify(result.rejects)).toEqual([]);
          expect(result.accepted + result.rejected).toBe(rows.length);
        }),
        { seed: SEED, numRuns: 30 },
      );
      console.log(`[reliability] contract property: ${rowsTried} random order rows through zod and the validation SQL, 0 disagreements`);
    } finally {
      warehouse.close();
    }
  }, 120_000);
});

// ---- calendar --------------------------------------------------------------------------------------------------

const calendar = new BusinessCalendar(parseConfig({}).calendar);
// Instants from 2023 to 2026, where the holiday data is complete.
const FROM = Date.parse('2023-01-01T00:00:00Z');
const TO = Date.parse('2026-12-31T00:00:00Z');
const instant = fc.integer({ min: FROM / 60_000, max: TO / 60_000 }).map((minute) => new Date(minute * 60_000));
const ordered = (n: number) => fc.array(instant, { minLength: n, maxLength: n }).map((list) => list.sort((a, b) => a.getTime() - b.getTime()));

describe('the business calendar', () => {
  it('business hours are additive: a→b plus b→c is a→c', () => {
    fc.assert(
      fc.property(ordered(3), ([a, b, c]) => {
        const whole = calendar.businessHoursBetween(a!, c!);
        const parts = calendar.businessHoursBetween(a!, b!) + calendar.businessHoursBetween(b!, c!);
        expect(parts).toBeCloseTo(whole, 9);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('business hours are monotone and never more than wall-clock hours', () => {
    fc.assert(
      fc.property(ordered(3), ([a, b, c]) => {
        const ab = calendar.businessHoursBetween(a!, b!);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(calendar.businessHoursBetween(a!, c!)).toBeGreaterThanOrEqual(ab);
        expect(ab).toBeLessThanOrEqual((b!.getTime() - a!.getTime()) / 3_600_000 + 1e-9);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('a deadline N business days after t is consistent with the business hours and days in between', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 10 }), (t, days) => {
        const deadline = calendar.deadlineAfter(t, days);
        expect(deadline.getTime()).toBeGreaterThan(t.getTime());
        // Later deadlines for more days; the deadline is a closing time of a business day.
        expect(calendar.deadlineAfter(t, days + 1).getTime()).toBeGreaterThan(deadline.getTime());
        // Working hours between t and the deadline: the rest of t's business date (0–9 h of the default
        // 09:00–18:00) plus `days` full business days of 9 h each.
        const hours = calendar.businessHoursBetween(t, deadline);
        expect(hours).toBeGreaterThanOrEqual(days * 9 - 1e-9);
        expect(hours).toBeLessThanOrEqual((days + 1) * 9 + 1e-9);
        // Nothing is open between the deadline and a minute later if the deadline is a closing time.
        expect(calendar.businessHoursBetween(deadline, new Date(deadline.getTime() + 60_000))).toBe(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
