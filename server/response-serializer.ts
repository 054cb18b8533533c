import type { FastifySerializerCompiler } from 'fastify';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Responses are checked against their zod schema before they are sent, as fastify-type-provider-zod does, but
 * with `safeParse` instead of its `safeEncode`: our response schemas have no transforms, so both give the same
 * object, and encode skips zod's compiled fast path: 30 ms instead of 5 for the 1 MB list of 200 scorecards.
 */
export const responseSerializerCompiler: FastifySerializerCompiler<z.ZodType | { properties: z.ZodType }> = ({ schema, method, url }) => {
  const zodSchema = schema instanceof z.ZodType ? schema : schema.properties;
  return (data) => {
    const result = zodSchema.safeParse(data);
    if (!result.success) throw new ResponseSerializationError(method, url, { cause: result.error });
    return JSON.stringify(result.data);
  };
};
