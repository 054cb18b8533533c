import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listDigests } from '../../metrics/digests/digests.ts';
import { countByStatus, listMessages, NotDeadError, retryDeadLetter, type OutboxMessage } from '../../pipelines/delivery/outbox.ts';
import { requireRole } from '../auth/authenticate.ts';
import { brandScope } from '../auth/roles.ts';
import { HttpProblem, notFound } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import {
  DeadLettersSchema,
  DeliveriesQuerySchema,
  DeliveriesSchema,
  DeliverySchema,
  DigestListSchema,
  DigestsQuerySchema,
  MessageIdParam,
  type Delivery,
} from '../schemas/digests.ts';
import type { Services } from '../services.ts';

function toDelivery(message: OutboxMessage): Delivery {
  return {
    message_id: message.message_id,
    kind: message.kind,
    brand_id: message.brand_id,
    digest_date: message.digest_date,
    status: message.status,
    attempts: message.attempts,
    next_attempt_at: message.status === 'pending' ? message.next_attempt_at : null,
    last_attempt_at: message.last_attempt_at,
    last_http_status: message.last_http_status,
    last_error: message.last_error,
    file_path: message.file_path,
    created_at: message.created_at,
    delivered_at: message.delivered_at,
    dead_at: message.dead_at,
  };
}

/** Morning digests and the delivery of the outbox (DESIGN §7, §8). A brand token sees its own digests only. */
export function registerDigestRoutes(app: FastifyInstance, services: Services): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { warehouse, pool } = services;

  api.get('/api/digests', {
    onRequest: requireRole('GET /api/digests'),
    schema: {
      summary: "The brands' morning digests of a business date, with their delivery status",
      tags: ['digests'],
      querystring: DigestsQuerySchema,
      response: { 200: DigestListSchema, ...problems(400, 401, 403, 429, 500) },
    },
    handler: async (request) => {
      const date = request.query.date ?? services.calendar.localDateOf(services.now());
      const { run, digests } = await pool.use((connection) => listDigests(warehouse, date, { only: brandScope(request.principal), connection }));
      return {
        date,
        business_day: services.calendar.isBusinessDay(date),
        run,
        digests: digests.map(({ digest, delivery }) => ({ digest, delivery: toDelivery(delivery) })),
      };
    },
  });

  api.get('/api/deliveries', {
    onRequest: requireRole('GET /api/deliveries'),
    schema: {
      summary: 'Outbox messages (digests and staff alerts) with their delivery status, newest first, and counts by status',
      tags: ['digests'],
      querystring: DeliveriesQuerySchema,
      response: { 200: DeliveriesSchema, ...problems(400, 401, 403, 429, 500) },
    },
    handler: async (request) =>
      pool.use(async (connection) => ({
        counts: await countByStatus(warehouse, connection),
        messages: (await listMessages(warehouse, request.query, connection)).map(toDelivery),
      })),
  });

  api.get('/api/deliveries/dead-letters', {
    onRequest: requireRole('GET /api/deliveries/dead-letters'),
    schema: {
      summary: 'Messages whose delivery failed for good, with their bodies; staff may retry them',
      tags: ['digests'],
      response: { 200: DeadLettersSchema, ...problems(401, 403, 429, 500) },
    },
    handler: async () =>
      pool.use(async (connection) => {
        const dead = await warehouse.all<OutboxMessage & { body: string }>(
          `SELECT * EXCLUDE (retry_base) FROM outbox WHERE status = 'dead' ORDER BY dead_at DESC, message_id LIMIT 1000`,
          undefined,
          connection,
        );
        return { dead_letters: dead.map((message) => ({ ...toDelivery(message), body: JSON.parse(message.body) as unknown })) };
      }),
  });

  api.post('/api/deliveries/:message_id/retry', {
    onRequest: requireRole('POST /api/deliveries/:message_id/retry'),
    schema: {
      summary: 'Put a dead letter back in the queue (same key, same body, a fresh budget of attempts); sent within a minute',
      tags: ['digests'],
      params: z.object({ message_id: MessageIdParam }),
      response: { 200: DeliverySchema, ...problems(400, 401, 403, 404, 409, 429, 500) },
    },
    handler: async (request) => {
      const id = request.params.message_id;
      try {
        const message = await retryDeadLetter(warehouse, id, { now: services.now() });
        if (!message) throw notFound(`no message '${id}' in the outbox`);
        return toDelivery(message);
      } catch (error) {
        if (error instanceof NotDeadError) throw new HttpProblem(409, error.message);
        throw error;
      }
    },
  });
}
