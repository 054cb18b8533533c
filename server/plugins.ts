import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { HttpProblem, sendProblemForFrameworkError } from './problem.ts';
import { responseSerializerCompiler } from './response-serializer.ts';

/**
 * Third-party plugins, registered in one place (STYLE §3): zod validation and serialization, security headers,
 * cookies, the per-credential rate limit and the OpenAPI document with its interactive docs.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A body read as bytes: its media types and description, for the OpenAPI document. */
    rawBody?: { contentTypes: string[]; description: string };
  }
}

/** Security headers (helmet) of every answer: a CSP that allows only this server. */
const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    useDefaults: false,
    // Everything from this server and nothing else; data: images are the docs page's icons.
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      scriptSrcAttr: ["'none'"],
    },
  },
} satisfies HelmetOptions;

/**
 * Errors Fastify raises before routing (a URL that is not valid percent-encoding, a route parameter over the
 * length limit) skip the hooks, helmet's included: the same headers are set here, then the problem document.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  helmet(HELMET_OPTIONS)(request.raw, reply.raw, () => sendProblemForFrameworkError(error, reply));
}

export interface RateLimitOptions {
  /** Requests per window for each credential (or address, without one), over every route but health and ingest. */
  max: number;
  /** Ingest requests per window for each credential, counted apart: each one may carry a large body. */
  ingestMax: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 1200, ingestMax: 120, windowMs: 60_000 };

export async function registerPlugins(app: FastifyInstance, options: { rateLimit: RateLimitOptions | false }): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);

  await app.register(fastifyHelmet, HELMET_OPTIONS);
  await app.register(fastifyCookie);

  if (options.rateLimit) {
    const limit = options.rateLimit;
    // The rate limit appends its check to each route's own onRequest hooks, i.e. after requireRole: a wrong token
    // was answered 401 before it was counted, so guessing tokens was never limited. Its check is moved first.
    const ownHooks = new WeakMap<object, number>();
    app.addHook('onRoute', (route) => {
      ownHooks.set(route, Array.isArray(route.onRequest) ? route.onRequest.length : route.onRequest ? 1 : 0);
    });
    await app.register(fastifyRateLimit, {
      max: limit.max,
      timeWindow: limit.windowMs,
      // Per credential (the SHA-256 of the token or session), so one busy client does not starve the others.
      keyGenerator: (request) => (request.principal ? `credential:${request.principal.key}` : `address:${request.ip}`),
      errorResponseBuilder: (_request, context) =>
        new HttpProblem(429, `rate limit of ${context.max} requests per ${context.after} exceeded for this credential; see the retry-after header`),
    });
    app.addHook('onRoute', (route) => {
      const own = ownHooks.get(route) ?? 0;
      if (Array.isArray(route.onRequest) && route.onRequest.length > own) {
        route.onRequest = [...route.onRequest.slice(own), ...route.onRequest.slice(0, own)];
      }
    });
  }

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'brandscore',
        version: '0.1.0',
        description:
          'Brand scorecards, recommendations, onboarding, peak load and staffing, digests, ingest and jobs of a marketplace (shared/DESIGN.md §7). Authenticate with `Authorization: Bearer TOKEN`; dates are YYYY-MM-DD in the business time zone and `to` is exclusive.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: (input) => {
      const transformed = jsonSchemaTransform(input);
      const raw = input.route.config?.rawBody;
      if (!raw) return transformed;
      // Bodies that are not JSON (NDJSON, Arrow) are read as bytes, so they have no zod schema to document.
      return {
        ...transformed,
        schema: { ...transformed.schema, consumes: raw.contentTypes, body: { type: 'string', format: 'binary', description: raw.description } },
      };
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
}
