import type { Viewer } from '../data.ts';
import { labeller, type Labeller, type Language } from '../i18n.ts';
import { html, type Html } from './html.ts';

/** The shell of every page: navigation, language switch, the local scripts and styles. */

export interface NavLink {
  href: string;
  label: string;
}

/** Scripts in load order; all served from /assets (no CDN). dashboard.js draws the charts with the CSP-safe interpreter. */
const SCRIPTS = ['vega.min.js', 'vega-lite.min.js', 'vega-embed.min.js', 'vega-interpreter.js', 'dashboard.js'];

export function layout(options: {
  lang: Language;
  title: string;
  body: Html;
  nav: NavLink[];
  viewer: Viewer | null;
  /** The current path and query, for the language switch. */
  url: string;
}): string {
  const t = labeller(options.lang);
  const other: Language = options.lang === 'en' ? 'ko' : 'en';
  const switchUrl = new URL(options.url, 'http://page');
  switchUrl.searchParams.set('lang', other);
  const who = options.viewer ? (options.viewer.role === 'brand' ? `brand ${options.viewer.brandId}` : options.viewer.role) : null;
  return html`<!doctype html>
<html lang="${options.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · brandscore</title>
<link rel="stylesheet" href="/assets/dashboard.css">
<link rel="icon" href="data:,">
${SCRIPTS.map((file) => html`<script src="/assets/${file}" defer></script>\n`)}</head>
<body>
<header class="top">
<a class="brandmark" href="/">brandscore</a>
<nav>${options.nav.map((link) => html`<a href="${link.href}">${link.label}</a>`)}</nav>
<span class="who">${who ?? ''}</span>
<a class="lang" href="${switchUrl.pathname + switchUrl.search}" hreflang="${other}" data-lang-switch>${t('nav.language')}</a>
</header>
<main>
${options.body}
</main>
</body></html>
`.value;
}

export function loginBody(t: Labeller, message?: string): Html {
  return html`<h1>${t('login.title')}</h1>
<p>${t('login.intro')}</p>
${message ? html`<p role="alert" class="alert">${message}</p>` : ''}
<form method="get" action="/login">
<label>${t('login.field')} <input name="token" type="password" autocomplete="off" required></label>
<button type="submit">${t('login.submit')}</button>
</form>`;
}

export function errorBody(status: number, detail: string): Html {
  return html`<h1>${status}</h1><p role="alert" class="alert">${detail}</p><p><a href="/">brandscore</a></p>`;
}
