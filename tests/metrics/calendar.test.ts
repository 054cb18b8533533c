import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, calendarRangeFor } from '../../metrics/calendar/calendar.ts';

/** An instant written as Korean wall-clock time. */
const kst = (wall: string) => new Date(`${wall}+09:00`);

const seoul = BusinessCalendar.fromSettings({});

describe('business hours between two instants', () => {
  it('counts Friday 17:00 to Monday 10:00 KST as 1 h + 1 h', () => {
    expect(seoul.businessHoursBetween(kst('2024-03-08T17:00'), kst('2024-03-11T10:00'))).toBe(2);
  });

  it('counts nothing from Friday evening to Monday before opening, and from opening on', () => {
    expect(seoul.businessHoursBetween(kst('2024-03-08T18:30'), kst('2024-03-11T08:00'))).toBe(0);
    expect(seoul.businessHoursBetween(kst('2024-03-08T20:00'), kst('2024-03-11T09:30'))).toBe(0.5);
  });

  it('is 0 when b is not after a', () => {
    expect(seoul.businessHoursBetween(kst('2024-03-11T12:00'), kst('2024-03-11T10:00'))).toBe(0);
    expect(seoul.businessHoursBetween(kst('2024-03-11T12:00'), kst('2024-03-11T12:00'))).toBe(0);
  });

  it('counts a full week as 5 × 9 h', () => {
    expect(seoul.businessHoursBetween(kst('2024-03-04T00:00'), kst('2024-03-11T00:00'))).toBe(45);
  });

  it('gives seconds for comparison with SQL', () => {
    expect(seoul.businessSecondsBetween(kst('2024-03-11T08:00'), kst('2024-03-11T09:01:30'))).toBe(90);
  });
});

describe('a question opened on Saturday', () => {
  it('has Monday as business date and 2 business hours from Sat 11:00 to Mon 11:00', () => {
    expect(seoul.businessDateOf(kst('2024-03-09T11:00'))).toBe('2024-03-11');
    expect(seoul.businessHoursBetween(kst('2024-03-09T11:00'), kst('2024-03-11T11:00'))).toBe(2);
  });
});

describe('business date', () => {
  it('is the same day before opening and before closing, the next business day from closing on', () => {
    expect(seoul.businessDateOf(kst('2024-03-11T07:00'))).toBe('2024-03-11');
    expect(seoul.businessDateOf(kst('2024-03-11T17:59'))).toBe('2024-03-11');
    expect(seoul.businessDateOf(kst('2024-03-11T18:00'))).toBe('2024-03-12');
    expect(seoul.businessDateOf(kst('2024-03-08T20:00'))).toBe('2024-03-11');
  });

  it('reads dates in the business zone, not UTC (Mon 08:00 KST is Sun 23:00 UTC)', () => {
    expect(seoul.businessDateOf(new Date('2024-03-10T23:00:00Z'))).toBe('2024-03-11');
    expect(seoul.localDateOf(new Date('2024-03-10T23:00:00Z'))).toBe('2024-03-11');
  });
});

describe("DESIGN §4's deadline examples", () => {
  it('Monday 10:00 + 2 → Wednesday 18:00', () => {
    expect(seoul.deadlineAfter(kst('2024-03-04T10:00'), 2)).toEqual(kst('2024-03-06T18:00'));
  });

  it('Friday 20:00 + 2 → Wednesday 18:00 (its business date is Monday)', () => {
    expect(seoul.deadlineAfter(kst('2024-03-08T20:00'), 2)).toEqual(kst('2024-03-13T18:00'));
  });

  it('with Seollal on Mon–Wed (2026-02-16..18 in the package), Friday 10:00 + 1 → Thursday 18:00', () => {
    expect(seoul.deadlineAfter(kst('2026-02-13T10:00'), 1)).toEqual(kst('2026-02-19T18:00'));
  });

  it('n = 0 is the closing time of the business date itself', () => {
    expect(seoul.deadlineAfter(kst('2024-03-11T08:00'), 0)).toEqual(kst('2024-03-11T18:00'));
    expect(seoul.deadlineAfter(kst('2024-03-08T20:00'), 0)).toEqual(kst('2024-03-11T18:00'));
  });

  it('refuses a negative or fractional n', () => {
    expect(() => seoul.deadlineAfter(kst('2024-03-11T08:00'), -1)).toThrow(RangeError);
    expect(() => seoul.deadlineAfter(kst('2024-03-11T08:00'), 1.5)).toThrow(RangeError);
  });
});

describe('Korean public holidays', () => {
  it('closes Seollal 2024: Fri 9, Sat 10, Sun 11 and the substitute Mon 12 February', () => {
    for (const date of ['2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12']) {
      expect(seoul.isBusinessDay(date), date).toBe(false);
    }
    expect(seoul.isBusinessDay('2024-02-08')).toBe(true);
    expect(seoul.isBusinessDay('2024-02-13')).toBe(true);
    // Thu 17:00–18:00 and Tue 09:00–10:00.
    expect(seoul.businessHoursBetween(kst('2024-02-08T17:00'), kst('2024-02-13T10:00'))).toBe(2);
    expect(seoul.deadlineAfter(kst('2024-02-08T10:00'), 1)).toEqual(kst('2024-02-13T18:00'));
  });

  it('closes Chuseok 2025 and its neighbours: Oct 3, 6, 7, 8, 9 (Oct 5 is a Sunday anyway)', () => {
    // The package lists 10-03 개천절, 10-05 추석 전날, 10-06 추석, 10-07 추석 다음 날, 10-08 대체공휴일(추석),
    // 10-09 한글날; so Thursday Oct 2 is followed by business day Friday Oct 10.
    for (const date of ['2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08', '2025-10-09']) {
      expect(seoul.isBusinessDay(date), date).toBe(false);
    }
    expect(seoul.isBusinessDay('2025-10-10')).toBe(true);
    expect(seoul.nextBusinessDay('2025-10-02')).toBe('2025-10-10');
    expect(seoul.deadlineAfter(kst('2025-10-02T10:00'), 1)).toEqual(kst('2025-10-10T18:00'));
    expect(seoul.businessHoursBetween(kst('2025-10-02T17:00'), kst('2025-10-10T10:00'))).toBe(2);
  });

  it('closes election day 2024-04-10 (a Wednesday)', () => {
    expect(seoul.isBusinessDay('2024-04-10')).toBe(false);
    expect(seoul.deadlineAfter(kst('2024-04-09T10:00'), 1)).toEqual(kst('2024-04-11T18:00'));
    expect(seoul.businessHoursBetween(kst('2024-04-09T00:00'), kst('2024-04-12T00:00'))).toBe(18);
  });

  it('can be switched off', () => {
    const plain = BusinessCalendar.fromSettings({ koreanHolidays: false });
    expect(plain.isBusinessDay('2024-04-10')).toBe(true);
    expect(plain.warningsFor({ from: '2030-01-01', to: '2030-12-31' })).toEqual([]);
  });
});

describe('configured days and hours', () => {
  it('opens an extra working day with its weekday hours, and closes an extra holiday', () => {
    const calendar = BusinessCalendar.fromSettings({
      extraWorkingDays: ['2024-02-12', '2024-03-09'],
      extraHolidays: ['2024-03-06'],
    });
    // The Seollal substitute Monday, opened: Monday hours.
    expect(calendar.openingHoursOf('2024-02-12')).toEqual({ open: kst('2024-02-12T09:00'), close: kst('2024-02-12T18:00') });
    // A Saturday has no hours of its own: Monday's.
    expect(calendar.openingHoursOf('2024-03-09')).toEqual({ open: kst('2024-03-09T09:00'), close: kst('2024-03-09T18:00') });
    expect(calendar.isBusinessDay('2024-03-06')).toBe(false);
    // Mon 4 10:00 + 2 skips the extra holiday Wed 6: Tue 5, Thu 7.
    expect(calendar.deadlineAfter(kst('2024-03-04T10:00'), 2)).toEqual(kst('2024-03-07T18:00'));
    // Fri 8 17:00–18:00, Sat 9 09:00–18:00, Mon 11 09:00–10:00.
    expect(calendar.businessHoursBetween(kst('2024-03-08T17:00'), kst('2024-03-11T10:00'))).toBe(11);
  });

  it('uses 09:00–18:00 for an extra working day when neither its weekday nor Monday has hours', () => {
    const calendar = BusinessCalendar.fromSettings({
      hours: { '3': { open: '10:00', close: '16:00' } },
      extraWorkingDays: ['2024-03-09'],
    });
    expect(calendar.openingHoursOf('2024-03-09')).toEqual({ open: kst('2024-03-09T09:00'), close: kst('2024-03-09T18:00') });
    expect(calendar.openingHoursOf('2024-03-06')).toEqual({ open: kst('2024-03-06T10:00'), close: kst('2024-03-06T16:00') });
    expect(calendar.isBusinessDay('2024-03-04')).toBe(false);
  });

  it('switches Saturday hours on (09:00–15:00)', () => {
    const calendar = BusinessCalendar.fromSettings({
      hours: {
        '1': { open: '09:00', close: '18:00' },
        '2': { open: '09:00', close: '18:00' },
        '3': { open: '09:00', close: '18:00' },
        '4': { open: '09:00', close: '18:00' },
        '5': { open: '09:00', close: '18:00' },
        '6': { open: '09:00', close: '15:00' },
      },
    });
    expect(calendar.isBusinessDay('2024-03-09')).toBe(true);
    expect(calendar.isBusinessDay('2024-03-10')).toBe(false);
    // Fri 17:00–18:00 (1 h), Sat 09:00–15:00 (6 h), Mon 09:00–10:00 (1 h).
    expect(calendar.businessHoursBetween(kst('2024-03-08T17:00'), kst('2024-03-11T10:00'))).toBe(8);
    expect(calendar.businessDateOf(kst('2024-03-09T11:00'))).toBe('2024-03-09');
    expect(calendar.businessDateOf(kst('2024-03-09T15:00'))).toBe('2024-03-11');
    expect(calendar.deadlineAfter(kst('2024-03-08T10:00'), 1)).toEqual(kst('2024-03-09T15:00'));
    // Saturday holidays still close: Seollal's Saturday 2024-02-10.
    expect(calendar.isBusinessDay('2024-02-10')).toBe(false);
  });
});

describe('years without holiday data', () => {
  it('fall back to weekends only, with a warning once per year', () => {
    const messages: string[] = [];
    const calendar = BusinessCalendar.fromSettings({}, { onWarning: (message) => messages.push(message) });
    // 2030-01-01 is New Year's Day but a Tuesday: open without data. 2030-01-05 is a Saturday.
    expect(calendar.isBusinessDay('2030-01-01')).toBe(true);
    expect(calendar.isBusinessDay('2030-01-05')).toBe(false);
    expect(calendar.isBusinessDay('2030-06-03')).toBe(true);
    expect(calendar.deadlineAfter(kst('2030-01-04T10:00'), 1)).toEqual(kst('2030-01-07T18:00'));
    expect(calendar.isBusinessDay('2017-01-02')).toBe(true);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/2030.*2018–2027/);
    expect(messages[1]).toMatch(/2017/);
    expect(calendar.warnings).toEqual(messages);
  });

  it('are listed for a range before it is used', () => {
    expect(seoul.warningsFor({ from: '2027-06-01', to: '2029-01-31' })).toHaveLength(2);
    expect(seoul.warningsFor({ from: '2018-01-01', to: '2027-12-31' })).toEqual([]);
  });
});

describe('other time zones', () => {
  it('follows New York across the March 2024 DST change, whatever the machine zone', () => {
    const newYork = BusinessCalendar.fromSettings({ timeZone: 'America/New_York', koreanHolidays: false });
    // Fri 8 Mar is EST (UTC−5), Mon 11 Mar is EDT (UTC−4).
    expect(newYork.openingHoursOf('2024-03-11')).toEqual({
      open: new Date('2024-03-11T13:00:00Z'),
      close: new Date('2024-03-11T22:00:00Z'),
    });
    expect(newYork.businessHoursBetween(new Date('2024-03-08T22:00:00Z'), new Date('2024-03-11T14:00:00Z'))).toBe(2);
    expect(newYork.businessDateOf(new Date('2024-03-12T01:00:00Z'))).toBe('2024-03-12');
  });

  it('reads opening times in a DST gap after the gap, and in an overlap at their first occurrence', () => {
    const berlin = BusinessCalendar.fromSettings({
      timeZone: 'Europe/Berlin',
      koreanHolidays: false,
      hours: { '7': { open: '02:30', close: '04:00' } },
    });
    // 2024-03-31: 02:00 CET → 03:00 CEST, so 02:30 is read as 03:30 CEST; open 03:30–04:00.
    expect(berlin.businessHoursBetween(new Date('2024-03-30T00:00Z'), new Date('2024-04-01T00:00Z'))).toBe(0.5);
    // 2024-10-27: 03:00 CEST → 02:00 CET; 02:30 CEST (00:30Z) to 04:00 CET (03:00Z).
    expect(berlin.businessHoursBetween(new Date('2024-10-26T00:00Z'), new Date('2024-10-28T00:00Z'))).toBe(2.5);
  });

  it('refuses an unknown zone and an impossible date', () => {
    expect(() => BusinessCalendar.fromSettings({ timeZone: 'Mars/Olympus' })).toThrow(RangeError);
    expect(() => seoul.isBusinessDay('2024-02-30')).toThrow(RangeError);
  });
});

describe('calendarRangeFor', () => {
  it('pads 60 days before and 400 after', () => {
    expect(calendarRangeFor('2024-03-01', '2024-12-31')).toEqual({ from: '2024-01-01', to: '2026-02-04' });
  });
});

describe('properties', () => {
  // 2023–2026 in ms, so that runs touch holidays, weekends and both edges of open hours.
  const instant = fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2026, 11, 31) }).map((ms) => new Date(ms));
  const newYork = BusinessCalendar.fromSettings({ timeZone: 'America/New_York', koreanHolidays: false });

  for (const [name, calendar] of [
    ['Seoul', seoul],
    ['New York', newYork],
  ] as const) {
    it(`business hours add up over a ≤ b ≤ c and are never negative (${name})`, () => {
      fc.assert(
        fc.property(fc.tuple(instant, instant, instant), (triple) => {
          const [a, b, c] = [...triple].sort((x, y) => x.getTime() - y.getTime()) as [Date, Date, Date];
          const ab = calendar.businessHoursBetween(a, b);
          const bc = calendar.businessHoursBetween(b, c);
          expect(ab).toBeGreaterThanOrEqual(0);
          expect(bc).toBeGreaterThanOrEqual(0);
          expect(calendar.businessHoursBetween(c, a)).toBe(0);
          expect(ab + bc).toBeCloseTo(calendar.businessHoursBetween(a, c), 9);
        }),
        { numRuns: 300 },
      );
    });

    it(`deadlines never move backwards as t or n grows (${name})`, () => {
      fc.assert(
        fc.property(instant, instant, fc.nat(15), fc.nat(15), (t1, t2, n1, n2) => {
          const [early, late] = t1 <= t2 ? [t1, t2] : [t2, t1];
          const [small, big] = n1 <= n2 ? [n1, n2] : [n2, n1];
          expect(calendar.deadlineAfter(late, small).getTime()).toBeGreaterThanOrEqual(
            calendar.deadlineAfter(early, small).getTime(),
          );
          expect(calendar.deadlineAfter(early, big).getTime()).toBeGreaterThanOrEqual(
            calendar.deadlineAfter(early, small).getTime(),
          );
          // The deadline is never before t itself.
          expect(calendar.deadlineAfter(early, small).getTime()).toBeGreaterThan(early.getTime());
        }),
        { numRuns: 300 },
      );
    });
  }
});
