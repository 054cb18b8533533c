import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { addDays } from '../../metrics/calendar/zoned-time.ts';
import { ForecastUnavailableError } from '../../metrics/forecast/forecast.ts';
import { computeLoad, LoadWindowError } from '../../metrics/load/load.ts';
import { computeStaffing, StaffingWindowError } from '../../metrics/staffing/staffing.ts';
import { requireRole } from '../auth/authenticate.ts';
import { HttpProblem } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { LoadQuerySchema, LoadSchema } from '../schemas/load.ts';
import { StaffingQuerySchema, StaffingSchema } from '../schemas/staffing.ts';
import type { Services } from '../services.ts';

/** Peak load and CS staffing (DESIGN §1, §7): marketplace-wide, so no brand scope. */
export function registerLoadRoutes(app: FastifyInstance, services: Services): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { warehouse, pool, calendar } = services;

  api.get('/api/load', {
    onRequest: requireRole('GET /api/load'),
    schema: {
      summary: 'CS load per day or hour (orders, inquiries by channel, claims, contacts, backlog, SLA), the busiest days and order surges',
      tags: ['load'],
      querystring: LoadQuerySchema,
      response: { 200: LoadSchema, ...problems(400, 401, 403, 429, 500) },
    },
    handler: async (request) => {
      const now = services.now();
      const to = request.query.to ?? addDays(calendar.localDateOf(now), 1);
      const from = request.query.from ?? addDays(to, -28);
      return asProblem(() =>
        pool.use((connection) =>
          computeLoad(
            warehouse,
            { from, to, grain: request.query.grain },
            { calendar, now, settings: services.peakLoad, connection },
          ),
        ),
      );
    },
  });

  api.get('/api/staffing', {
    onRequest: requireRole('GET /api/staffing'),
    schema: {
      summary: 'Forecast of orders and inquiries, CS agents needed per day and phone agents per hour (Erlang C) against the configured staff',
      tags: ['load'],
      querystring: StaffingQuerySchema,
      response: { 200: StaffingSchema, ...problems(400, 401, 403, 422, 429, 500) },
    },
    handler: async (request) => {
      const now = services.now();
      const from = request.query.from ?? calendar.localDateOf(now);
      const to = request.query.to ?? addDays(calendar.localDateOf(now), 28);
      return asProblem(() =>
        pool.use((connection) =>
          computeStaffing(warehouse, { from, to }, { calendar, now, settings: services.peakLoad, connection }),
        ),
      );
    },
  });
}

/** Window errors are the caller's (400); too little history to forecast is 422. */
async function asProblem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LoadWindowError || error instanceof StaffingWindowError) throw new HttpProblem(400, error.message);
    if (error instanceof ForecastUnavailableError) throw new HttpProblem(422, error.message);
    throw error;
  }
}
