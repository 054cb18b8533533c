import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readAsset } from '../../dashboards/assets.ts';
import { chartDefinition, ChartQuerySchema, CHART_NAMES, isChartName } from '../../dashboards/charts/registry.ts';
import { scorecardsCsv } from '../../dashboards/csv.ts';
import { loadScorecard, pickedWindow, WindowPickerQuery, type DashboardContext, type Viewer } from '../../dashboards/data.ts';
import type { Policy } from '../../metrics/recommendations/policy.ts';
import { labeller, LANGUAGE_COOKIE, languageOf, LANGUAGES, type Language } from '../../dashboards/i18n.ts';
import { PAGES } from '../../dashboards/pages/index.ts';
import { errorBody, layout, type NavLink } from '../../dashboards/pages/layout.ts';
import type { PageDefinition } from '../../dashboards/pages/page.ts';
import { renderSvg } from '../../dashboards/render.ts';
import { ScorecardWindowError } from '../../metrics/scorecards/scorecards.ts';
import { assertBrandVisible, requireRole } from '../auth/authenticate.ts';
import { mayAccess, type Principal } from '../auth/roles.ts';
import { forbidden, HttpProblem, notFound } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import type { Services } from '../services.ts';

/**
 * The dashboards (DESIGN §7): their local assets, every page of dashboards/pages, the CSV export and the
 * server-rendered charts. Pages send a browser without a session to the login form and answer errors with an
 * HTML page when the client accepts HTML (else a problem document); charts and the CSV answer like the API.
 */
export function registerDashboardRoutes(app: FastifyInstance, services: Services, policy: Policy): void {
  const ctx: DashboardContext = { ...services, policy };
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get('/assets/:name', {
    schema: { hide: true, params: z.object({ name: z.string().max(100) }) },
    handler: async (request, reply) => {
      // A fixed list of names, never a path: nothing else on disk can be reached.
      const asset = readAsset(request.params.name);
      if (!asset) throw notFound(`no asset ${request.params.name}`);
      return reply.type(asset.contentType).header('cache-control', 'public, max-age=3600').send(asset.body);
    },
  });

  routes.get('/api/charts/:name.svg', {
    onRequest: requireRole('GET /api/charts/:name.svg'),
    schema: {
      summary: `A chart rendered to SVG on the server (for exports and digests); charts: ${CHART_NAMES.join(', ')}`,
      tags: ['charts'],
      params: z.object({ name: z.string().max(100).describe(`One of ${CHART_NAMES.join(', ')}`) }),
      querystring: ChartQuerySchema,
      response: { 200: z.string().describe('image/svg+xml'), ...problems(400, 401, 403, 404, 429, 500) },
    },
    handler: async (request, reply) => {
      const { name } = request.params;
      if (!isChartName(name)) throw notFound(`no chart '${name}'; charts: ${CHART_NAMES.join(', ')}`);
      const chart = chartDefinition(name);
      const principal = request.principal!;
      if (!mayAccess(chart.access, principal)) throw forbidden(`the ${principal.role} role may not see chart ${name}`);
      const parsed = chart.query.safeParse(request.query);
      if (!parsed.success) {
        const invalid = parsed.error.issues.map((issue) => ({
          in: 'querystring',
          name: issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'querystring'),
          reason: issue.message,
        }));
        throw new HttpProblem(400, `chart ${name}: ${invalid.map((p) => `${p.name}: ${p.reason}`).join('; ')}`, { title: 'Invalid request', invalidParams: invalid });
      }
      if (chart.brandOf) {
        const brandId = chart.brandOf(parsed.data);
        assertBrandVisible(principal, brandId);
        // The default window's stored scorecard: a lookup, and for an unknown brand a few EXISTS probes.
        if (!(await loadScorecard(services, brandId, {}))) throw notFound(`no brand '${brandId}'`);
      }
      const spec = await chart.build(ctx, principal, parsed.data, labeller(parsed.data.lang === 'ko' ? 'ko' : 'en'));
      return reply.type('image/svg+xml; charset=utf-8').send(await renderSvg(spec));
    },
  });

  routes.get('/scorecards.csv', {
    schema: { hide: true, querystring: WindowPickerQuery },
    onRequest: requireRole('GET /api/scorecards'),
    handler: async (request, reply) => {
      const picked = pickedWindow(services, request.query);
      const csv = await scorecardsCsv(services, request.principal!, picked);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="scorecards-${picked.from}-${picked.to}.csv"`)
        .send(csv);
    },
  });

  for (const page of PAGES) registerPage(app, ctx, page as PageDefinition<Record<string, string>, Record<string, unknown>>);
}

function registerPage(app: FastifyInstance, services: DashboardContext, page: PageDefinition<Record<string, string>, Record<string, unknown>>): void {
  app.get(page.path, {
    schema: { hide: true },
    handler: async (request, reply) => {
      const lang = rememberLanguage(request, reply);
      const t = labeller(lang);
      const principal = request.principal;
      if (!principal) return reply.redirect('/login', 302);
      const viewer: Viewer = principal;
      const send = (status: number, title: string, body: ReturnType<typeof errorBody>) =>
        reply
          .code(status)
          .type('text/html; charset=utf-8')
          .send(layout({ lang, title, body, nav: navLinks(principal, lang).map(({ href, label }) => ({ href, label })), viewer, url: request.url }));
      try {
        if (!mayAccess(page.access, principal)) throw forbidden(`the ${principal.role} role may not open ${page.path}`);
        const params = page.params.safeParse(request.params);
        const { lang: _lang, ...rest } = request.query as Record<string, unknown>;
        const query = page.query.safeParse(rest);
        if (!params.success || !query.success) {
          const issues = [...(params.error?.issues ?? []), ...(query.error?.issues ?? [])];
          throw new HttpProblem(400, issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`).join('; '));
        }
        if (typeof params.data.brand_id === 'string') assertBrandVisible(principal, params.data.brand_id);
        const content = await page.render({
          ctx: { ...services, memo: new Map() },
          viewer,
          params: params.data,
          query: query.data,
          lang,
          t,
          timeZone: services.calendar.timeZone,
          links: navLinks(principal, lang),
        });
        return send(200, content.title, content.body);
      } catch (error) {
        // A browser gets the error as a page in the layout; any other client the problem document, like the API.
        if (!/text\/html/.test(request.headers.accept ?? '')) throw error;
        if (error instanceof HttpProblem) return send(error.status, String(error.status), errorBody(error.status, error.detail));
        if (error instanceof ScorecardWindowError) return send(400, '400', errorBody(400, error.message));
        throw error;
      }
    },
  });
}

/** `?lang=` switches the language and is remembered in a cookie for the next pages. */
export function rememberLanguage(request: FastifyRequest, reply: FastifyReply): Language {
  const lang = languageOf(request.query, request.cookies);
  const asked = (request.query as Record<string, unknown> | undefined)?.lang;
  if (typeof asked === 'string' && (LANGUAGES as readonly string[]).includes(asked)) {
    reply.setCookie(LANGUAGE_COOKIE, lang, { path: '/', sameSite: 'strict', maxAge: 365 * 24 * 3600 });
  }
  return lang;
}

/** The pages this principal may open, with their labels in `lang`. */
function navLinks(principal: Principal, lang: Language): (NavLink & { description: string })[] {
  const t = labeller(lang);
  const links: (NavLink & { description: string })[] = [];
  for (const page of PAGES) {
    if (!page.nav || !mayAccess(page.access, principal)) continue;
    const href = page.nav.href(principal);
    if (href) links.push({ href, label: t(page.nav.label), description: t(page.nav.description) });
  }
  return links;
}
