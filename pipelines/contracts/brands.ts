import { z } from 'zod';
import { count, date, id, oneOf, text } from './fields.ts';

export const BRAND_STATUSES = ['applicant', 'probation', 'active', 'suspended', 'delisted'] as const;

/** Brand reference data (DESIGN §3), upserted by brand_id. */
export const BrandSchema = z.object({
  brand_id: id(),
  name: text(200).min(1, 'must not be empty'),
  status: oneOf(BRAND_STATUSES),
  onboarded_at: date().nullish(),
  dispatch_days: count(0, 30).default(2),
  cs_phone: text(100).nullish(),
  cs_email: text(200).nullish(),
  return_address: text(500).nullish(),
  category: text(100).nullish(),
});

export type Brand = z.infer<typeof BrandSchema>;
