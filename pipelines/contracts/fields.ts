import { z } from 'zod';

/**
 * Field builders for the event contract. Each carries a `kind` in zod's metadata so that the same schema can
 * be turned into DuckDB column types and set-based validation SQL (see columns.ts): one definition serves
 * HTTP validation, TypeScript types, the OpenAPI document and the bulk file path.
 */
export type FieldKind = 'id' | 'text' | 'instant' | 'date' | 'int' | 'enum';

export interface FieldMeta {
  kind: FieldKind;
  [key: string]: unknown;
}

// An ISO 8601 date-time; the offset is optional because sources may send local time (read in the source's
// configured time zone at ingest).
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** Rejects what Date.parse would roll over (Feb 30, 24:30), as DuckDB's cast does. */
function isRealDateTime(value: string): boolean {
  // Read by position: splitting on separators took a '+0530' offset after HH:MM for 530 seconds.
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const parsed = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second ?? 0));
  return (
    parsed.getUTCFullYear() === year &&
    parsed.getUTCMonth() === month! - 1 &&
    parsed.getUTCDate() === day &&
    parsed.getUTCHours() === hour &&
    parsed.getUTCMinutes() === minute
  );
}

/**
 * Years an event's timestamps may fall in. A clock error such as 9999-12-31 is bad data, not a date to lay a
 * business calendar out to (it made every later refresh fail); the validation SQL applies the same bounds.
 */
export const INSTANT_YEARS = { min: 1970, max: 2099 } as const;
export const INSTANT_YEARS_MESSAGE = `year outside ${INSTANT_YEARS.min}–${INSTANT_YEARS.max}`;

function isYearInRange(value: string): boolean {
  const year = Number(value.slice(0, 4));
  return year >= INSTANT_YEARS.min && year <= INSTANT_YEARS.max;
}

export const id = () =>
  z.string().trim().min(1, 'must not be empty').max(200, 'longer than 200 characters').meta({ kind: 'id' });

export const text = (max = 1000) => z.string().max(max).meta({ kind: 'text' });

export const instant = () =>
  z
    .string()
    .regex(INSTANT_PATTERN, 'not an ISO 8601 timestamp')
    .refine(isRealDateTime, { message: 'not a valid date and time' })
    .refine(isYearInRange, { message: INSTANT_YEARS_MESSAGE })
    .meta({ kind: 'instant' });

export const date = () =>
  z.iso.date({ message: 'not a YYYY-MM-DD date' }).meta({ kind: 'date' });

export const count = (min: number, max?: number) => {
  const base = z.int(`must be a whole number`).min(min, `must be at least ${min}`);
  return (max === undefined ? base : base.max(max, `must be at most ${max}`)).meta({ kind: 'int' });
};

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values).meta({ kind: 'enum' });

export function fieldMeta(schema: z.ZodType): FieldMeta {
  const meta = z.globalRegistry.get(schema) as FieldMeta | undefined;
  if (!meta?.kind) throw new Error('contract field has no kind; build it with the helpers in fields.ts');
  return meta;
}
