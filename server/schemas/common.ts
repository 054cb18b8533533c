import { z } from 'zod';

/** Shapes shared by every resource: dates in query strings and the problem document of every error. */

/** A local date in the business time zone. */
/**
 * A date in the years the calendar and the data can hold (the ingest refuses timestamps outside 1970–2099; 2100 is
 * allowed as an exclusive end). Years 0000–0099 are valid ISO dates that the calendar's arithmetic cannot read:
 * without the bound `?date=0001-01-01` was a 500.
 */
export const IsoDateParam = z.iso
  .date({ error: 'expected a YYYY-MM-DD date' })
  .refine((date) => date >= '1970-01-01' && date <= '2100-12-31', { error: 'expected a date in the years 1970–2100' });

export const WindowQuerySchema = z.object({
  from: IsoDateParam.optional().describe('First date of the window (business time zone); default: 28 days before `to`'),
  to: IsoDateParam.optional().describe('Exclusive end date; default: the current business date'),
});

/** Paging of long lists; the response says `total`, `offset` and `limit`. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('At most this many items (1–1000, default 100)'),
  offset: z.coerce.number().int().min(0).default(0).describe('Items to skip, in brand_id order'),
});

export const BrandIdParam = z.string().min(1).max(200).describe('A brand_id as in the brands reference data');

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    invalid_params: z
      .array(z.object({ in: z.string(), name: z.string(), reason: z.string() }))
      .optional()
      .describe('For validation errors: each parameter that was refused, and why'),
  })
  .describe('An error, as application/problem+json (RFC 9457)');

/** Response schemas for the error statuses a route can answer, for validation and the OpenAPI document. */
export function problems<const S extends number>(...statuses: S[]): Record<S, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, ProblemSchema])) as Record<S, typeof ProblemSchema>;
}
