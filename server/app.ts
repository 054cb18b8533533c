import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import { policyOfConfig, type Policy } from '../metrics/recommendations/policy.ts';
import { parseConfig, type Config } from '../pipelines/config.ts';
import type { Warehouse } from '../pipelines/warehouse/database.ts';
import { installAuthentication } from './auth/authenticate.ts';
import { Credentials } from './auth/credentials.ts';
import { ConnectionPool } from './connection-pool.ts';
import { loggerOptions, type LogStream } from './logging.ts';
import { DEFAULT_RATE_LIMIT, registerPlugins, sendFrameworkError, type RateLimitOptions } from './plugins.ts';
import { installProblemHandlers } from './problem.ts';
import { registerBrandEvidenceRoutes } from './routes/brand-evidence.ts';
import { registerBrandRoutes } from './routes/brands.ts';
import { registerDigestRoutes } from './routes/digests.ts';
import { registerDashboardRoutes } from './routes/dashboards.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerIngestRoutes } from './routes/ingest.ts';
import { registerJobRoutes } from './routes/jobs.ts';
import { registerLoadRoutes } from './routes/load.ts';
import { registerPageRoutes } from './routes/pages.ts';
import { registerRecommendationRoutes } from './routes/recommendations.ts';
import type { Services } from './services.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Tokens, login codes and sessions; `serve` uses it to print the one-time login link. */
    credentials: Credentials;
  }
}

/** Default largest ingest body. */
export const DEFAULT_INGEST_BODY_LIMIT = 64 * 1024 * 1024;

export interface AppOptions {
  warehouse: Warehouse;
  /** Calendar and source time zone; default: the DESIGN defaults. */
  config?: Config;
  /** Delisting and onboarding policy; default: the file config.policy names, else ./brandscore.policy.json, else DESIGN §6. */
  policy?: Policy;
  /** The clock for scorecard windows, sessions and login codes. */
  now?: () => Date;
  /** BRANDSCORE_ADMIN_TOKEN: an extra admin token that is never stored. */
  adminToken?: string;
  /** Largest ingest body in bytes (413 beyond it). */
  ingestBodyLimit?: number;
  /** Per-credential request limits; false turns them off (benchmarks). */
  rateLimit?: Partial<RateLimitOptions> | false;
  /** Where server errors (5xx) are reported; their details never go to the client. */
  log?: (message: string) => void;
  /** Fastify's request log: stdout, or a stream (tests); secrets in URLs are redacted (logging.ts). */
  logger?: boolean | { stream: LogStream };
}

/**
 * The HTTP app (DESIGN §7): external plugins first, then the app's own services (authentication, problem
 * documents), then one file of routes per resource. Routes call services and metric modules, never SQL.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { warehouse } = options;
  const config = options.config ?? parseConfig({});
  const now = options.now ?? (() => new Date());
  const rateLimit = options.rateLimit === false ? false : { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };

  // A UUID per request: quarantined rows name their request (`http:<id>`), across restarts too.
  const app = Fastify({ logger: loggerOptions(options.logger), genReqId: () => randomUUID(), frameworkErrors: sendFrameworkError });
  const credentials = new Credentials(warehouse, { adminToken: options.adminToken, now });
  const pool = new ConnectionPool(warehouse);
  const services: Services = {
    warehouse,
    pool,
    credentials,
    calendar: new BusinessCalendar(config.calendar),
    now,
    sourceTimeZone: config.sourceTimeZone,
    ingestBodyLimit: options.ingestBodyLimit ?? DEFAULT_INGEST_BODY_LIMIT,
    ingestRateLimit: rateLimit ? { max: rateLimit.ingestMax, windowMs: rateLimit.windowMs } : null,
    peakLoad: config.peakLoad,
  };
  app.decorate('credentials', credentials);
  app.addHook('onClose', async () => pool.close());

  installProblemHandlers(app, options.log ?? ((message) => process.stderr.write(`${message}\n`)));
  await registerPlugins(app, { rateLimit });
  // After the cookie plugin (sessions) and, being an instance hook, before the routes' rate limit hooks, which
  // count per credential.
  installAuthentication(app, credentials);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerHealthRoutes(app, services);
  registerBrandRoutes(app, services);
  registerIngestRoutes(app, services);
  registerJobRoutes(app, services);
  const policy = options.policy ?? policyOfConfig(config);
  registerRecommendationRoutes(app, services, policy);
  registerLoadRoutes(app, services);
  registerDigestRoutes(app, services);
  registerPageRoutes(app, services);
  registerBrandEvidenceRoutes(app, services);
  registerDashboardRoutes(app, services, policy);
  return app;
}
