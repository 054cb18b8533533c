import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { onboardingChecklist } from '../../metrics/onboarding/checklist.ts';
import {
  DecisionConflictError,
  listRecommendations,
  recordDecision,
  RecommendationNotFoundError,
} from '../../metrics/recommendations/decisions.ts';
import type { Policy } from '../../metrics/recommendations/policy.ts';
import { assertBrandVisible, requireRole } from '../auth/authenticate.ts';
import { HttpProblem, notFound } from '../problem.ts';
import { BrandIdParam, problems } from '../schemas/common.ts';
import {
  DecisionRequestSchema,
  DecisionResultSchema,
  OnboardingChecklistSchema,
  OnboardingQuerySchema,
  RecommendationIdParam,
  RecommendationListSchema,
  RecommendationQuerySchema,
} from '../schemas/recommendations.ts';
import type { Services } from '../services.ts';

/** Delisting recommendations, merchandisers' decisions and the onboarding checklist (DESIGN §6, §7). */
export function registerRecommendationRoutes(app: FastifyInstance, services: Services, policy: Policy): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { warehouse, pool } = services;

  api.get('/api/recommendations', {
    onRequest: requireRole('GET /api/recommendations'),
    schema: {
      summary: 'Recommendations of the latest weekly evaluation (or the latest of the date as_of), with evidence and decision history',
      tags: ['recommendations'],
      querystring: RecommendationQuerySchema,
      response: { 200: RecommendationListSchema, ...problems(400, 401, 403, 429, 500) },
    },
    handler: async (request) =>
      pool.use((connection) => listRecommendations(warehouse, { asOfDate: request.query.as_of, connection })),
  });

  api.post('/api/recommendations/:id/decision', {
    onRequest: requireRole('POST /api/recommendations/:id/decision'),
    schema: {
      summary: 'Record a decision (accept, dismiss, defer) on a recommendation; decisions are appended, never overwritten',
      tags: ['recommendations'],
      params: RecommendationIdParam,
      body: DecisionRequestSchema,
      response: { 201: DecisionResultSchema, ...problems(400, 401, 403, 404, 409, 429, 500) },
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      try {
        const result = await recordDecision(warehouse, request.params.id, request.body, {
          role: principal.role,
          credential: principal.key.slice(0, 12),
          now: services.now(),
        });
        return reply.code(201).send(result);
      } catch (error) {
        if (error instanceof RecommendationNotFoundError) throw notFound(error.message);
        if (error instanceof DecisionConflictError) throw new HttpProblem(409, error.message);
        throw error;
      }
    },
  });

  api.get('/api/onboarding/:brand_id', {
    onRequest: requireRole('GET /api/onboarding/:brand_id'),
    schema: {
      summary: "A brand's onboarding CS checklist over its first 60 days: profile and performance criteria and the verdict",
      tags: ['onboarding'],
      params: z.object({ brand_id: BrandIdParam }),
      querystring: OnboardingQuerySchema,
      response: { 200: OnboardingChecklistSchema, ...problems(400, 401, 403, 404, 429, 500) },
    },
    handler: async (request) => {
      const brandId = request.params.brand_id;
      assertBrandVisible(request.principal, brandId);
      const checklist = await onboardingChecklist(warehouse, brandId, {
        now: services.now(),
        calendar: services.calendar,
        policy,
        asOfDate: request.query.as_of,
      });
      if (!checklist) throw notFound(`no brand '${brandId}' in the brands reference data`);
      return checklist;
    },
  });
}
