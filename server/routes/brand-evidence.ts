import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadEvidence, loadScorecard, loadTrend } from '../../dashboards/data.ts';
import { DEFAULT_EVIDENCE_LIMIT, DEFAULT_TREND_WEEKS } from '../../metrics/evidence/evidence.ts';
import { BrandEvidenceSchema, BrandTrendSchema } from '../../metrics/evidence/schema.ts';
import { assertBrandVisible, requireRole } from '../auth/authenticate.ts';
import { notFound } from '../problem.ts';
import { BrandIdParam, problems, WindowQuerySchema } from '../schemas/common.ts';
import type { Services } from '../services.ts';

/**
 * The evidence behind a brand's scorecard and its weekly trend (DESIGN §5, §6), as the brand page shows them.
 * A brand token sees its own brand only.
 */
export function registerBrandEvidenceRoutes(app: FastifyInstance, services: Services): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/api/brands/:brand_id/evidence', {
    onRequest: requireRole('GET /api/brands/:brand_id/evidence'),
    schema: {
      summary: "Example late orders, overdue inquiries and failed contacts (with ids) and claim stage durations for a brand's window (default: the trailing 28 days)",
      tags: ['scorecards'],
      params: z.object({ brand_id: BrandIdParam }),
      querystring: WindowQuerySchema.extend({
        limit: z.coerce.number().int().min(0).max(500).default(DEFAULT_EVIDENCE_LIMIT).describe('Examples of each kind (0–500, default 20)'),
      }),
      response: { 200: BrandEvidenceSchema, ...problems(400, 401, 403, 404, 429, 500) },
    },
    handler: async (request) => {
      const brandId = request.params.brand_id;
      assertBrandVisible(request.principal, brandId);
      const { limit, ...dates } = request.query;
      // The scorecard gives the window (default dates, as_of) and says whether the brand exists.
      const scorecard = await loadScorecard(services, brandId, dates);
      if (!scorecard) throw notFound(`no brand '${brandId}': not in the brands reference data and in no event`);
      return loadEvidence(services, brandId, scorecard.window, limit);
    },
  });

  api.get('/api/brands/:brand_id/trend', {
    onRequest: requireRole('GET /api/brands/:brand_id/trend'),
    schema: {
      summary: "A brand's weekly late dispatch rate, SLA rate and answer time, in 7-day windows ending at the current business date",
      tags: ['scorecards'],
      params: z.object({ brand_id: BrandIdParam }),
      querystring: z.object({
        weeks: z.coerce.number().int().min(2).max(52).default(DEFAULT_TREND_WEEKS).describe('Number of weeks (2–52, default 12)'),
      }),
      response: { 200: BrandTrendSchema, ...problems(400, 401, 403, 404, 429, 500) },
    },
    handler: async (request) => {
      const brandId = request.params.brand_id;
      assertBrandVisible(request.principal, brandId);
      if (!(await loadScorecard(services, brandId, {}))) throw notFound(`no brand '${brandId}': not in the brands reference data and in no event`);
      return loadTrend(services, brandId, request.query.weeks);
    },
  });
}
