import { z } from 'zod';
import { html } from './html.ts';
import { definePage } from './page.ts';

/** `/`: a link to every page this viewer may open, and to the API. */
export const homePage = definePage({
  path: '/',
  access: 'GET /',
  params: z.object({}),
  query: z.object({}),
  async render({ t, viewer, links }) {
    const who = viewer.role === 'brand' ? `brand ${viewer.brandId}` : viewer.role;
    const api: [string, string][] = [
      ['/docs', t('nav.api_docs')],
      ['/openapi.json', 'OpenAPI'],
      ['/api/health', 'Health'],
    ];
    return {
      title: t('app.title'),
      body: html`<h1>brandscore</h1>
<p>${t('home.signed_in_as')} ${who}.</p>
<h2>${t('home.pages')}</h2>
<ul class="page-links">
${links.map((link) => html`<li><a href="${link.href}">${link.label}</a> — ${link.description}</li>\n`)}${
        // Staff reach a brand's page from the scorecards; a brand viewer has its own in the list.
        viewer.role !== 'brand' && links.some((link) => link.href === '/scorecards')
          ? html`<li>${t('home.brand_detail')} <a href="/scorecards">${t('nav.scorecards')}</a></li>\n`
          : ''
      }</ul>
<h2>${t('home.api')}</h2>
<ul>
${api.map(([href, text]) => html`<li><a href="${href}">${text}</a> <code>${href}</code></li>\n`)}</ul>`,
    };
  },
});
