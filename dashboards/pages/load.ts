import { z } from 'zod';
import { mayAccess, type Principal } from '../../server/auth/roles.ts';
import { loadLoad, pickedWindow, windowParams, WindowPickerQuery, type Viewer } from '../data.ts';
import { windowPicker } from './components.ts';
import { html } from './html.ts';
import { chartFigure, definePage } from './page.ts';

/** Whether this viewer may open a route of the access table (pages show a part only to the roles of its API). */
export const viewerMay = (route: Parameters<typeof mayAccess>[0], viewer: Viewer) => mayAccess(route, viewer as Principal);

/**
 * Peak load and staffing: daily and hourly volumes with the order surges, inquiries by channel, the backlog and
 * SLA, self-service versus CS (as `GET /api/load`), and for admin and manager the forecast with its band, agents
 * needed against the configured staff and phone agents per hour (as `GET /api/staffing`).
 */
export const loadPage = definePage({
  path: '/load',
  access: 'GET /api/load',
  params: z.object({}),
  query: WindowPickerQuery,
  nav: { label: 'nav.load', description: 'home.load', href: () => '/load' },
  async render(input) {
    const { t, ctx, query, viewer } = input;
    const picked = pickedWindow(ctx, query);
    const params = windowParams(picked);
    const load = await loadLoad(ctx, picked, 'day');
    const staffing = viewerMay('GET /api/staffing', viewer);
    const volumes = await Promise.all(
      (['load-orders', 'load-inquiries', 'load-hourly', 'load-channels', 'load-backlog', 'load-self-service'] as const).map((name) =>
        chartFigure(input, name, params),
      ),
    );
    const planning = staffing
      ? await Promise.all([
          chartFigure(input, 'forecast-orders', params),
          chartFigure(input, 'forecast-inquiries', params),
          chartFigure(input, 'staffing-agents', {}),
          chartFigure(input, 'staffing-phone', {}),
        ])
      : [];
    const num = (n: number) => n.toLocaleString('en');
    return {
      title: t('load.title'),
      body: html`<h1>${t('load.title')}</h1>
${windowPicker(t, picked)}
<p class="window-line" data-window-from="${picked.from}" data-window-to="${picked.to}">${t('load.window', { from: picked.from, to: picked.to, zone: load.window.time_zone })}</p>
<h2>${t('load.peaks')}</h2>
${
  load.peaks.length === 0
    ? html`<p class="empty">${t('load.no_orders')}</p>`
    : html`<table id="peaks"><thead><tr><th>${t('col.date')}</th><th>${t('col.orders')}</th><th>${t('col.inquiries')}</th><th>${t('col.claims_opened')}</th></tr></thead>
<tbody>${load.peaks.map((p) => html`<tr><td>${p.date}</td><td>${num(p.orders_placed)}</td><td>${num(p.inquiries_opened)}</td><td>${num(p.claims_opened)}</td></tr>\n`)}</tbody></table>`
}
<h2>${t('load.surges')}</h2>
${
  load.surges.length === 0
    ? html`<p class="empty">${t('load.no_surges')}</p>`
    : html`<ul id="surges">${load.surges.map(
        (s) => html`<li>${t('load.surge', { start: s.start, end: s.end ?? t('load.ongoing'), peak: s.peak, orders: num(s.peak_orders), factor: s.factor.toFixed(2) })}</li>\n`,
      )}</ul>`
}
<h2>${t('load.volumes')}</h2>
<section class="charts wide">${volumes}</section>
${staffing ? html`<h2>${t('load.staffing')}</h2><section class="charts wide">${planning}</section>` : ''}`,
    };
  },
});
