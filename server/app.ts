import Fastify, { type FastifyInstance } from 'fastify';
import type { Warehouse } from '../pipelines/warehouse/database.ts';

export interface AppOptions {
  warehouse: Warehouse;
  logger?: boolean;
}

/** The HTTP app. Routes stay thin: they call the warehouse and metric modules, never build SQL themselves. */
export async function buildApp({ warehouse, logger = false }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger });
  app.get('/api/health', async () => {
    const migrations = await warehouse.one<{ version: number }>('SELECT max(version) AS version FROM schema_migrations');
    return { status: 'ok', database: warehouse.path, schema_version: migrations?.version ?? 0 };
  });
  return app;
}
