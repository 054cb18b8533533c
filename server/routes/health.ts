import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireRole } from '../auth/authenticate.ts';
import { problems } from '../schemas/common.ts';
import { HealthSchema } from '../schemas/health.ts';
import type { Services } from '../services.ts';
import { schemaVersion } from '../repositories/health-repository.ts';

export function registerHealthRoutes(app: FastifyInstance, services: Services): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/health', {
    onRequest: requireRole('GET /api/health'),
    config: { rateLimit: false },
    schema: {
      summary: 'Whether the server and its database answer',
      tags: ['health'],
      security: [],
      response: { 200: HealthSchema, ...problems(500) },
    },
    handler: async () => ({
      status: 'ok' as const,
      database: services.warehouse.path,
      schema_version: await services.pool.use((connection) => schemaVersion(services.warehouse, connection)),
    }),
  });
}
