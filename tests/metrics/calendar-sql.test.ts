import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar, type DateRange } from '../../metrics/calendar/calendar.ts';
import { calendarRangeFor, installCalendar } from '../../metrics/calendar/install-calendar.ts';

const kst = (wall: string) => new Date(`${wall}+09:00`);
const sqlInstant = (date: Date) => `TIMESTAMPTZ '${date.toISOString()}'`;

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS();
}

/**
 * Random instants over 2023–2026, a third of them snapped to a local opening or closing time (or a minute
 * either side), where off-by-one mistakes live.
 */
function randomInstants(calendar: BusinessCalendar, count: number, seed: number): Date[] {
  const range = { min: Date.UTC(2023, 0, 1), max: Date.UTC(2026, 11, 31) };
  const instant = fc.oneof(
    { weight: 2, arbitrary: fc.integer(range).map((ms) => new Date(ms)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer(range), fc.boolean(), fc.constantFrom(-60_000, 0, 60_000))
        .map(([ms, atClose, shift]) => {
          const hours = calendar.openingHoursOf(calendar.localDateOf(new Date(ms)));
          if (!hours) return new Date(ms);
          return new Date((atClose ? hours.close : hours.open).getTime() + shift);
        }),
    },
  );
  return fc.sample(instant, { numRuns: count, seed });
}

interface Pair {
  key: number;
  a: Date;
  b: Date;
  n: number;
}

async function loadPairs(pairs: Pair[]): Promise<void> {
  const values = pairs.map(({ key, a, b, n }) => `(${key}, ${sqlInstant(a)}, ${sqlInstant(b)}, ${n})`).join(',\n');
  await connection.run(`CREATE OR REPLACE TABLE pairs AS SELECT * FROM (VALUES ${values}) v(key, a, b, n)`);
}

/** The recipe of business_time.sql written out, without the macros, as metric SQL may copy it. */
const RAW_RECIPE = `
  WITH at_a AS (
    SELECT p.key, p.n,
           c.open_seconds_before + CASE WHEN c.is_business_day
             THEN least(greatest(epoch(p.a) - epoch(c.open_at), 0), epoch(c.close_at) - epoch(c.open_at))
             ELSE 0 END AS seconds_a,
           CASE WHEN c.is_business_day AND p.a < c.close_at THEN c.business_day_ordinal
                WHEN c.is_business_day THEN c.business_day_ordinal + 1
                ELSE c.business_day_ordinal END AS ordinal_a
    FROM pairs p ASOF LEFT JOIN business_calendar c ON p.a >= c.day_start
  ), at_b AS (
    SELECT p.key,
           c.open_seconds_before + CASE WHEN c.is_business_day
             THEN least(greatest(epoch(p.b) - epoch(c.open_at), 0), epoch(c.close_at) - epoch(c.open_at))
             ELSE 0 END AS seconds_b
    FROM pairs p ASOF LEFT JOIN business_calendar c ON p.b >= c.day_start
  )
  SELECT at_a.key,
         greatest(0, seconds_b - seconds_a) / 3600 AS hours,
         bd.day::VARCHAR AS business_date,
         epoch_ms(dl.close_at) AS deadline_ms
  FROM at_a JOIN at_b USING (key)
  LEFT JOIN business_days bd ON bd.ordinal = at_a.ordinal_a
  LEFT JOIN business_days dl ON dl.ordinal = at_a.ordinal_a + at_a.n
  ORDER BY key`;

/** The same through the macros. */
const MACRO_RECIPE = `
  WITH a AS (SELECT key, a AS t, n FROM pairs),
       b AS (SELECT key, b AS t FROM pairs)
  SELECT a.key,
         business_hours_between(a.business_seconds, b.business_seconds) AS hours,
         a.business_date::VARCHAR AS business_date,
         epoch_ms(dl.close_at) AS deadline_ms
  FROM business_time_of(a) a
  JOIN business_time_of(b) b USING (key)
  LEFT JOIN business_days dl ON dl.ordinal = a.business_date_ordinal + a.n
  ORDER BY key`;

async function expectSqlAgreesWithJs(calendar: BusinessCalendar, range: DateRange, count: number, seed: number) {
  await installCalendar(connection, calendar, range);
  const instants = randomInstants(calendar, 2 * count, seed);
  const ns = fc.sample(fc.nat(10), { numRuns: count, seed });
  const pairs = ns.map((n, key) => ({ key, a: instants[2 * key]!, b: instants[2 * key + 1]!, n }));
  await loadPairs(pairs);

  const expected = pairs.map(({ a, b, n }) => ({
    hours: calendar.businessHoursBetween(a, b),
    businessDate: calendar.businessDateOf(a),
    deadline: calendar.deadlineAfter(a, n).getTime(),
  }));
  for (const sql of [RAW_RECIPE, MACRO_RECIPE]) {
    const result = await rows(sql);
    expect(result).toHaveLength(count);
    for (const [i, row] of result.entries()) {
      const { a, b, n } = pairs[i]!;
      const context = `pair ${i}: ${a.toISOString()} → ${b.toISOString()}, n = ${n}`;
      expect(row.hours as number, context).toBeCloseTo(expected[i]!.hours, 9);
      expect(row.business_date, context).toBe(expected[i]!.businessDate);
      expect(Number(row.deadline_ms), context).toBe(expected[i]!.deadline);
    }
  }
}

describe('business_calendar in DuckDB', () => {
  it('agrees with BusinessCalendar on 2,000 random pairs (Seoul, Korean holidays)', async () => {
    const seoul = BusinessCalendar.fromSettings({});
    await expectSqlAgreesWithJs(seoul, calendarRangeFor('2023-01-01', '2026-12-31'), 2_000, 42);
  });

  it('agrees across DST changes (New York, Saturday mornings open)', async () => {
    const newYork = BusinessCalendar.fromSettings({
      timeZone: 'America/New_York',
      koreanHolidays: false,
      hours: {
        '1': { open: '09:00', close: '18:00' },
        '2': { open: '09:00', close: '18:00' },
        '3': { open: '09:00', close: '18:00' },
        '4': { open: '09:00', close: '18:00' },
        '5': { open: '09:00', close: '18:00' },
        '6': { open: '09:00', close: '12:00' },
      },
    });
    await expectSqlAgreesWithJs(newYork, calendarRangeFor('2023-01-01', '2026-12-31'), 500, 7);
  });

  it('finds the same day through business_calendar_slots as through an ASOF join (Seoul, New York, Kolkata)', async () => {
    // The facts look days up by quarter-hour slot instead of an ASOF join; inside the installed range both must
    // pick the same business_calendar row for every instant, DST changes (New York) and a half-hour offset
    // (Kolkata) included. Outside the range the slots give no row.
    for (const [timeZone, seed] of [['Asia/Seoul', 1], ['America/New_York', 2], ['Asia/Kolkata', 3]] as const) {
      const calendar = BusinessCalendar.fromSettings({ timeZone, koreanHolidays: timeZone === 'Asia/Seoul' });
      const range = { from: '2023-01-01', to: '2026-12-31' };
      await installCalendar(connection, calendar, range);
      const instants = randomInstants(calendar, 1_000, seed);
      await connection.run(
        `CREATE OR REPLACE TABLE instants AS SELECT * FROM (VALUES ${instants.map((t, i) => `(${i}, ${sqlInstant(t)})`).join(',')}) v(i, t)`,
      );
      const differing = await rows(`
        SELECT count(*) AS n FROM (
          SELECT i.i, c.day AS asof_day FROM instants i ASOF LEFT JOIN business_calendar c ON i.t >= c.day_start
        ) a
        JOIN (
          SELECT i.i, s.day AS slot_day FROM instants i LEFT JOIN business_calendar_slots s ON s.slot = business_slot(i.t)
        ) b USING (i)
        WHERE a.asof_day IS DISTINCT FROM b.slot_day`);
      expect(Number(differing[0]!.n), timeZone).toBe(0);
      const outside = await rows(`
        SELECT count(s.day) AS n FROM (VALUES (TIMESTAMPTZ '2022-12-30 00:00:00+00'), (TIMESTAMPTZ '2027-01-02 00:00:00+00')) v(t)
        LEFT JOIN business_calendar_slots s ON s.slot = business_slot(v.t)`);
      expect(Number(outside[0]!.n), timeZone).toBe(0);
    }
  });

  it('stores Seollal 2024 as closed days carrying the next business day’s ordinal', async () => {
    const seoul = BusinessCalendar.fromSettings({});
    const installed = await installCalendar(connection, seoul, { from: '2024-02-07', to: '2024-02-14' });
    expect(installed).toEqual({ days: 8, businessDays: 4, warnings: [] });
    const days = await rows(`
      SELECT day::VARCHAR AS day, is_business_day, open_seconds_before, business_day_ordinal,
             epoch_ms(day_start) AS day_start_ms, epoch_ms(close_at) AS close_ms
      FROM business_calendar ORDER BY day`);
    const hour = 3600;
    expect(days.map(({ day, is_business_day, open_seconds_before, business_day_ordinal }) => [
      day,
      is_business_day,
      Number(open_seconds_before),
      Number(business_day_ordinal),
    ])).toEqual([
      ['2024-02-07', true, 0, 1],
      ['2024-02-08', true, 9 * hour, 2],
      ['2024-02-09', false, 18 * hour, 3],
      ['2024-02-10', false, 18 * hour, 3],
      ['2024-02-11', false, 18 * hour, 3],
      ['2024-02-12', false, 18 * hour, 3],
      ['2024-02-13', true, 18 * hour, 3],
      ['2024-02-14', true, 27 * hour, 4],
    ]);
    expect(Number(days[0]!.day_start_ms)).toBe(kst('2024-02-07T00:00').getTime());
    expect(Number(days[1]!.close_ms)).toBe(kst('2024-02-08T18:00').getTime());
    expect(await rows(`SELECT ordinal, day::VARCHAR AS day FROM business_days ORDER BY ordinal`)).toEqual([
      { ordinal: 1n, day: '2024-02-07' },
      { ordinal: 2n, day: '2024-02-08' },
      { ordinal: 3n, day: '2024-02-13' },
      { ordinal: 4n, day: '2024-02-14' },
    ]);
  });

  it('gives deadlines with business_deadlines_of, NULL beyond the range', async () => {
    const seoul = BusinessCalendar.fromSettings({});
    await installCalendar(connection, seoul, { from: '2024-03-01', to: '2024-03-31' });
    await connection.run(`
      CREATE OR REPLACE TABLE opened AS SELECT * FROM (VALUES
        ('monday', ${sqlInstant(kst('2024-03-04T10:00'))}),
        ('friday evening', ${sqlInstant(kst('2024-03-08T20:00'))}),
        ('last day', ${sqlInstant(kst('2024-03-29T10:00'))})
      ) v(key, t)`);
    const due = await rows(`SELECT key, epoch_ms(due_at) AS due_ms FROM business_deadlines_of(opened, 2) ORDER BY key`);
    expect(due).toEqual([
      { key: 'friday evening', due_ms: BigInt(kst('2024-03-13T18:00').getTime()) },
      { key: 'last day', due_ms: null },
      { key: 'monday', due_ms: BigInt(kst('2024-03-06T18:00').getTime()) },
    ]);
  });

  it('reports the years it had no holiday data for', async () => {
    const messages: string[] = [];
    const calendar = BusinessCalendar.fromSettings({}, { onWarning: (message) => messages.push(message) });
    const installed = await installCalendar(connection, calendar, { from: '2027-12-01', to: '2028-01-31' });
    expect(installed.warnings).toHaveLength(1);
    expect(messages).toEqual(installed.warnings);
  });
});
