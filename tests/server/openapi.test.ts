import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS } from '../../server/auth/roles.ts';
import { ACCESS_MATRIX } from './access-matrix.ts';
import { startServer, type TestServer } from './test-server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server.close());

/** `GET /api/brands/:brand_id/scorecard` as OpenAPI writes it: `GET /api/brands/{brand_id}/scorecard`. */
const asOpenApi = (route: string) => route.replace(/:(\w+)/g, '{$1}');

describe('the OpenAPI document', () => {
  it('is valid OpenAPI and lists every API route, each of which the access matrix covers', async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as OpenAPI.Document & { openapi: string; paths: Record<string, Record<string, unknown>> };
    // validate() dereferences in place; keep the original for the route list.
    await SwaggerParser.validate(structuredClone(document));
    expect(document.openapi).toBe('3.1.0');

    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const apiRoutes = Object.keys(ACCESS)
      .filter((route) => route.split(' ')[1]!.startsWith('/api/'))
      .map(asOpenApi);
    expect(documented.sort()).toEqual(apiRoutes.sort());
    const tested = new Set(ACCESS_MATRIX.map((row) => row.route));
    for (const route of documented) expect(tested.has(route), route).toBe(true);
  });

  it('documents the scorecard with every metric, the ingest body types and the problem responses', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: Record<string, unknown> }> }>; requestBody?: { content: Record<string, unknown> }; parameters?: { name: string; in: string }[] }>>;
    };
    const scorecard = document.paths['/api/brands/{brand_id}/scorecard']!.get!;
    const schema = scorecard.responses['200']!.content['application/json']!.schema as { properties: { metrics: { properties: Record<string, unknown> } } };
    expect(Object.keys(schema.properties.metrics.properties)).toContain('sla_rate');
    expect(Object.keys(scorecard.responses).sort()).toEqual(['200', '400', '401', '403', '404', '429', '500']);
    expect(scorecard.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['path:brand_id', 'query:from', 'query:to']);
    const ingest = document.paths['/api/ingest/{stream}']!.post!;
    expect(Object.keys(ingest.requestBody!.content).sort()).toEqual(['application/vnd.apache.arrow.stream', 'application/x-ndjson']);
  });

  it('serves the interactive docs from this server only, under a self-only CSP', async () => {
    const page = await fetch(`${server.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) expect(asset, asset).not.toMatch(/^(https?:)?\/\//);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:|unsafe/);
    const bundle = await fetch(`${server.url}/docs/static/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
