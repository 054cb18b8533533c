import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { recentJobRuns } from '../../pipelines/scheduler/job-runs.ts';
import { recentIngestedFiles, recentIngestRequests } from '../../pipelines/sources/ingest-history.ts';
import { requireRole } from '../auth/authenticate.ts';
import { problems } from '../schemas/common.ts';
import { JobsSchema } from '../schemas/jobs.ts';
import type { Services } from '../services.ts';

/** GET /api/jobs (DESIGN §8): what ran and what came in. */
export function registerJobRoutes(app: FastifyInstance, services: Services): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/jobs', {
    onRequest: requireRole('GET /api/jobs'),
    schema: {
      summary: 'Recent job runs, ingested files and ingest requests, with their counts',
      tags: ['jobs'],
      response: { 200: JobsSchema, ...problems(401, 403, 429, 500) },
    },
    handler: async () => {
      const { warehouse, pool } = services;
      const runs = await recentJobRuns(warehouse);
      return pool.use(async (connection) => ({
        job_runs: runs.map((run) => ({ ...run, details: run.details === null ? null : (JSON.parse(run.details) as unknown) })),
        ingested_files: await recentIngestedFiles(warehouse, 50, connection),
        ingest_requests: await recentIngestRequests(warehouse, 50, connection),
      }));
    },
  });
}
