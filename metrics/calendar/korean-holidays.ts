import * as presets from '@hyunbinseo/holidays-kr/all';

/**
 * Korean public holidays (incl. lunar, substitute, election and temporary holidays) as the package publishes
 * them from the official gazette. The static presets are used rather than the package's async API so that the
 * calendar can answer synchronously inside tight loops.
 */

const holidays = new Map<string, readonly string[]>();
const years = new Set<number>();

for (const [name, preset] of Object.entries(presets)) {
  const year = /^y(\d{4})$/.exec(name)?.[1];
  if (!year) continue;
  years.add(Number(year));
  for (const [date, names] of Object.entries(preset as Record<string, readonly string[]>)) holidays.set(date, names);
}

/** Years the package has data for; read from its exports so that a package upgrade extends them. */
export const KOREAN_HOLIDAY_YEARS: readonly number[] = [...years].sort((a, b) => a - b);

export function hasKoreanHolidayData(year: number): boolean {
  return years.has(year);
}

/** Names of the holiday(s) on a date, or undefined when it is not a public holiday (or its year is unknown). */
export function koreanHolidayNames(date: string): readonly string[] | undefined {
  return holidays.get(date);
}
