import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ScorecardListSchema, ScorecardSchema } from '../../metrics/scorecards/schema.ts';

const ScorecardPageSchema = ScorecardListSchema.extend({
  total: z.int().describe('Scorecards in the window that this credential may see'),
  offset: z.int(),
  limit: z.int(),
});
import { cachedScorecard, findScorecard, listScorecards } from '../../metrics/scorecards/scorecards.ts';
import { assertBrandVisible, requireRole } from '../auth/authenticate.ts';
import { brandScope } from '../auth/roles.ts';
import { notFound } from '../problem.ts';
import { listBrands } from '../repositories/brands-repository.ts';
import { BrandListSchema } from '../schemas/brands.ts';
import { BrandIdParam, PageQuerySchema, problems, WindowQuerySchema } from '../schemas/common.ts';
import type { Services } from '../services.ts';

/** Brands and their scorecards (DESIGN §5, §7). A brand token sees its own brand only. */
export function registerBrandRoutes(app: FastifyInstance, services: Services): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { warehouse, pool } = services;

  api.get('/api/brands', {
    onRequest: requireRole('GET /api/brands'),
    schema: {
      summary: 'Brands with their status; a brand seen only in events has status unknown',
      tags: ['brands'],
      response: { 200: BrandListSchema, ...problems(401, 403, 429, 500) },
    },
    handler: async (request) => ({
      brands: await pool.use((connection) => listBrands(warehouse, { only: brandScope(request.principal), connection })),
    }),
  });

  api.get('/api/scorecards', {
    onRequest: requireRole('GET /api/scorecards'),
    schema: {
      summary: "Brands' scorecards for a window, a page at a time (default: the trailing 28 days, as materialised by the last refresh)",
      tags: ['scorecards'],
      querystring: WindowQuerySchema.extend(PageQuerySchema.shape),
      response: { 200: ScorecardPageSchema, ...problems(400, 401, 403, 429, 500) },
    },
    handler: async (request) => {
      const { limit, offset, ...dates } = request.query;
      // A page, not everything: at 20,000 brands the whole list is about 100 MB of JSON.
      const page = await pool.use((connection) =>
        listScorecards(
          warehouse,
          dates,
          { now: services.now(), calendar: services.calendar, connection },
          { limit, offset, only: brandScope(request.principal) },
        ),
      );
      return { ...page, offset, limit };
    },
  });

  api.get('/api/brands/:brand_id/scorecard', {
    onRequest: requireRole('GET /api/brands/:brand_id/scorecard'),
    schema: {
      summary: "One brand's scorecard for a window (default: the trailing 28 days)",
      tags: ['scorecards'],
      params: z.object({ brand_id: BrandIdParam }),
      querystring: WindowQuerySchema,
      response: { 200: ScorecardSchema, ...problems(400, 401, 403, 404, 429, 500) },
    },
    handler: async (request, reply) => {
      const brandId = request.params.brand_id;
      assertBrandVisible(request.principal, brandId);
      const options = { now: services.now(), calendar: services.calendar };
      // The common request, a standard window's stored scorecard, is sent as the JSON text the refresh stored
      // (built from the same typed Scorecard as a computed one); a cached copy needs not even a connection.
      const stored =
        cachedScorecard(warehouse, brandId, request.query, options) ??
        (await pool.use((connection) => findScorecard(warehouse, brandId, request.query, { ...options, connection })));
      if (!stored) throw notFound(`no brand '${brandId}': not in the brands reference data and in no event`);
      if (typeof stored === 'string') return sendJsonText(reply, stored);
      if ('stored' in stored) return sendJsonText(reply, stored.stored);
      return stored.computed;
    },
  });
}

/**
 * Sends JSON text as it is: fastify serialises only non-string payloads, so the response schema's serializer
 * (zod check and JSON.stringify) is skipped for text that is already the schema's JSON.
 */
function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}
