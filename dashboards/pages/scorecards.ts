import { z } from 'zod';
import { BRAND_STATUSES } from '../../pipelines/contracts/index.ts';
import type { MetricKey } from '../../metrics/scorecards/schema.ts';
import { loadScorecards, pickedWindow, windowParams, SCORECARD_PAGE_SIZE, WindowPickerQuery } from '../data.ts';
import type { LabelKey } from '../i18n.ts';
import { chartFigure, definePage } from './page.ts';
import { windowLine, windowPicker } from './components.ts';
import { html } from './html.ts';
import { showMetric } from './metric-cells.ts';

/** The columns of the scorecards table, each a metric of DESIGN §5. */
export const SCORECARD_COLUMNS = [
  ['orders_placed', 'col.orders'],
  ['late_dispatch_rate', 'col.late_dispatch_rate'],
  ['sla_rate', 'col.sla_rate'],
  ['contact_failure_rate', 'col.contact_failure_rate'],
  ['claim_rate', 'col.claim_rate'],
  ['avg_review_score', 'col.avg_review_score'],
] as const satisfies readonly (readonly [MetricKey, LabelKey])[];

/**
 * Scorecards: every brand the viewer may see, with status, key rates with intervals and trend arrows, sortable
 * and filterable in the browser, for a picked window, with a CSV export of the same window.
 */
export const scorecardsPage = definePage({
  path: '/scorecards',
  access: 'GET /api/scorecards',
  params: z.object({}),
  query: WindowPickerQuery.extend({ offset: z.coerce.number().int().min(0).default(0) }),
  nav: { label: 'nav.scorecards', description: 'home.scorecards', href: () => '/scorecards' },
  async render(input) {
    const { ctx, viewer, t, query, timeZone } = input;
    const picked = pickedWindow(ctx, query);
    const page = await loadScorecards(ctx, viewer, picked, { offset: query.offset });
    const first = page.scorecards[0];
    const dates = windowParams(picked);
    const csv = new URLSearchParams(picked.days === 'custom' ? { from: picked.from, to: picked.to } : { days: picked.days });
    const next = query.offset + page.scorecards.length < page.total ? new URLSearchParams({ ...dates, offset: String(query.offset + SCORECARD_PAGE_SIZE) }) : null;
    const rows = page.scorecards.map((card) => {
      const name = card.brand.name ?? '';
      return html`<tr data-status="${card.brand.status}" data-search="${`${card.brand_id} ${name}`.toLowerCase()}">
<td data-sort-value="${card.brand_id}"><a href="/brands/${encodeURIComponent(card.brand_id)}?${new URLSearchParams(dates).toString()}">${card.brand_id}</a> <span class="name">${name}</span></td>
<td data-sort-value="${card.brand.status}"><span class="badge status-${card.brand.status}">${t(`status.${card.brand.status}`)}</span></td>
${SCORECARD_COLUMNS.map(([key]) => {
  const shown = showMetric(t, card, key);
  return html`<td class="num" data-metric="${key}" data-sort-value="${shown.value ?? ''}">${shown.text} ${shown.trend}<small>${shown.compact}</small></td>`;
})}
</tr>`;
    });
    const chart = await chartFigure(input, 'scorecard-rates', { ...dates, metric: 'late_dispatch_rate' });
    return {
      title: t('scorecards.title'),
      body: html`<h1>${t('scorecards.title')}</h1>
${windowPicker(t, picked)}
${first ? windowLine(t, first.window, first.previous.window, timeZone) : ''}
<div class="toolbar">
<label>${t('scorecards.filter')} <input type="search" data-filter-text="scorecards" autocomplete="off"></label>
<select data-filter-status="scorecards" aria-label="${t('col.status')}">
<option value="">${t('scorecards.status_all')}</option>
${[...BRAND_STATUSES, 'unknown'].map((status) => html`<option value="${status}">${t(`status.${status}` as LabelKey)}</option>`)}
</select>
<span class="count" data-count-for="scorecards" data-template="${t('scorecards.count', { shown: '{shown}', total: '{total}' })}">${t('scorecards.count', { shown: page.scorecards.length, total: page.total })}</span>
<a class="button" href="/scorecards.csv?${csv.toString()}" download>${t('scorecards.csv')}</a>
</div>
<table class="sortable" id="scorecards" data-total="${page.total}">
<thead><tr>
<th data-sort="text" aria-sort="ascending"><button type="button">${t('col.brand')}</button></th>
<th data-sort="text"><button type="button">${t('col.status')}</button></th>
${SCORECARD_COLUMNS.map(([key, column]) => html`<th data-sort="number" data-metric="${key}"><button type="button">${t(column)}</button></th>`)}
</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="empty" data-empty-for="scorecards" hidden>${t('scorecards.none')}</p>
${next ? html`<p><a href="/scorecards?${next.toString()}">${t('scorecards.more', { n: SCORECARD_PAGE_SIZE })}</a></p>` : ''}
${chart}`,
    };
  },
});
