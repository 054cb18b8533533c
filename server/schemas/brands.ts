import { z } from 'zod';
import { BRAND_STATUSES } from '../../pipelines/contracts/index.ts';

/** A brand as the API lists it: its reference data, or only its id and status 'unknown' when seen only in events. */
export const BrandSummarySchema = z.object({
  brand_id: z.string(),
  name: z.string().nullable(),
  status: z.enum([...BRAND_STATUSES, 'unknown']),
  onboarded_at: z.iso.date().nullable(),
  dispatch_days: z.int().nullable(),
  cs_phone: z.string().nullable(),
  cs_email: z.string().nullable(),
  return_address: z.string().nullable(),
  category: z.string().nullable(),
});
export type BrandSummary = z.infer<typeof BrandSummarySchema>;

export const BrandListSchema = z.object({ brands: z.array(BrandSummarySchema) });
