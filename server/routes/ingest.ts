import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Stream } from '../../pipelines/contracts/index.ts';
import { ingestRequest, UnreadableBodyError, type RequestFormat } from '../../pipelines/sources/request-ingest.ts';
import { requireRole } from '../auth/authenticate.ts';
import { HttpProblem } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { IngestParamsSchema, IngestQuerySchema, IngestResultSchema, type IngestResult } from '../schemas/ingest.ts';
import type { Services } from '../services.ts';

const MEDIA_TYPES: Record<string, RequestFormat> = {
  'application/x-ndjson': 'ndjson',
  'application/vnd.apache.arrow.stream': 'arrow',
};

/** POST /api/ingest/:stream (DESIGN §3, §7): one body, one batch, one transaction. */
export function registerIngestRoutes(app: FastifyInstance, services: Services): void {
  // Both are read whole as bytes, within the route's body limit (413 beyond it).
  app.addContentTypeParser(Object.keys(MEDIA_TYPES), { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.withTypeProvider<ZodTypeProvider>().post('/api/ingest/:stream', {
    onRequest: requireRole('POST /api/ingest/:stream'),
    bodyLimit: services.ingestBodyLimit,
    config: {
      rateLimit: services.ingestRateLimit ? { max: services.ingestRateLimit.max, timeWindow: services.ingestRateLimit.windowMs } : false,
      rawBody: {
        contentTypes: Object.keys(MEDIA_TYPES),
        description: 'NDJSON (one event per line) or an Arrow IPC stream, with the columns of the stream (DESIGN §3)',
      },
    },
    schema: {
      summary: 'Ingest events (or brands) of one stream: valid rows stored, invalid rows reported and quarantined',
      tags: ['ingest'],
      params: IngestParamsSchema,
      querystring: IngestQuerySchema,
      response: { 200: IngestResultSchema, 422: IngestResultSchema, ...problems(400, 401, 403, 413, 415, 429, 500) },
    },
    handler: async (request, reply) => {
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const format = MEDIA_TYPES[contentType];
      if (!format || !Buffer.isBuffer(request.body)) {
        throw new HttpProblem(415, `send application/x-ndjson or application/vnd.apache.arrow.stream, not ${contentType || 'no content type'}`);
      }
      const stream = request.params.stream as Stream;
      const atomic = request.query.atomic === 'true';
      try {
        const result = await ingestRequest(services.warehouse, {
          stream,
          format,
          body: request.body,
          requestId: request.id,
          atomic,
          timeZone: services.sourceTimeZone,
          contentType,
          sender: { role: request.principal!.role, brandId: request.principal!.brandId },
        });
        const response: IngestResult = {
          stream,
          batch_id: result.batch,
          outcome: result.outcome === 'rejected' ? 'rejected' : 'ingested',
          atomic,
          rows_read: result.rowsRead,
          accepted: result.accepted,
          duplicate: result.duplicate,
          rejected: result.rejected,
          rejects: result.rejects,
          rejects_not_listed: Math.max(0, result.rejected - result.rejects.length),
        };
        // 422: the request as a whole was refused; the body says which rows made it so.
        return reply.code(result.outcome === 'rejected' ? 422 : 200).send(response);
      } catch (error) {
        if (error instanceof UnreadableBodyError) throw new HttpProblem(400, error.message);
        throw error;
      }
    },
  });
}
