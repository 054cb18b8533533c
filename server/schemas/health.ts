import { z } from 'zod';

export const HealthSchema = z.object({
  status: z.literal('ok'),
  database: z.string(),
  schema_version: z.int(),
});
