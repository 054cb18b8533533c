import type { z } from 'zod';
import type { RouteKey } from '../../server/auth/roles.ts';
import { chartDefinition, type ChartName } from '../charts/registry.ts';
import type { DashboardContext, Viewer } from '../data.ts';
import type { Labeller, LabelKey, Language } from '../i18n.ts';
import { html, jsonForScript, type Html } from './html.ts';

/**
 * A dashboard page: one file that says where it lives, who may see it, what it accepts and how it renders. The
 * server registers every page of PAGES (pages/index.ts) with the same login redirect, language switch, access
 * check, layout and error page; see dashboards/README.md.
 */
export interface PageDefinition<P, Q> {
  /** Fastify path, e.g. '/brands/:brand_id'. */
  path: string;
  /** The row of the access table (server/auth/roles.ts) whose roles may open this page. */
  access: RouteKey;
  /** Path parameters and query string; a request that does not match gets a 400 page. */
  params: z.ZodType<P>;
  query: z.ZodType<Q>;
  /** Where the navigation bar and the home page link to this page for this viewer; null: not linked. */
  nav?: { label: LabelKey; description: LabelKey; href: (viewer: Viewer) => string | null };
  render(input: PageInput<P, Q>): Promise<PageContent>;
}

export interface PageInput<P, Q> {
  ctx: DashboardContext;
  viewer: Viewer;
  params: P;
  query: Q;
  lang: Language;
  t: Labeller;
  /** The business time zone, for showing instants. */
  timeZone: string;
  /** The pages this viewer may open, as the navigation bar links them. */
  links: { href: string; label: string; description: string }[];
}

export interface PageContent {
  title: string;
  body: Html;
}

export function definePage<P, Q>(page: PageDefinition<P, Q>): PageDefinition<P, Q> {
  return page;
}

/**
 * A chart of the registry on a page: its spec inline (vega-embed draws it in the browser) and a link to the same
 * chart as server-rendered SVG.
 */
export async function chartFigure(
  input: Pick<PageInput<unknown, unknown>, 'ctx' | 'viewer' | 'lang' | 't'>,
  name: ChartName,
  query: Record<string, string | number | undefined>,
): Promise<Html> {
  const definition = chartDefinition(name);
  const parsed = definition.query.parse({ ...query, lang: input.lang });
  const spec = await definition.build(input.ctx, input.viewer, parsed, input.t);
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, lang: input.lang })) if (value !== undefined) search.set(key, String(value));
  return html`<figure class="chart" data-chart="${name}">
<div class="chart-view"></div>
<script type="application/json" class="chart-spec">${jsonForScript(spec)}</script>
<figcaption><a href="/api/charts/${name}.svg?${search.toString()}" download="${name}.svg">${input.t('chart.svg')}</a></figcaption>
</figure>`;
}
