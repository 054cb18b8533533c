import { z } from 'zod';
import type { MetricKey, RankedKey } from '../../metrics/scorecards/schema.ts';
import { RANKED_KEYS } from '../../metrics/scorecards/schema.ts';
import { notFound } from '../../server/problem.ts';
import { loadEvidence, loadScorecard, pickedWindow, windowParams, WindowPickerQuery } from '../data.ts';
import type { LabelKey } from '../i18n.ts';
import { windowLine, windowPicker } from './components.ts';
import { formatInstant, html, type Html } from './html.ts';
import { showMetric } from './metric-cells.ts';
import { chartFigure, definePage } from './page.ts';

/** The metric cards of the brand page, in reading order. */
export const BRAND_CARDS = [
  'late_dispatch_rate',
  'dispatch_time_bh',
  'sla_rate',
  'answer_time_bh',
  'overdue_unanswered',
  'contact_failure_rate',
  'claim_rate',
  'defect_claim_rate',
  'on_time_delivery_rate',
  'brand_cancel_rate',
  'avg_review_score',
  'orders_placed',
] as const satisfies readonly MetricKey[];

/**
 * Brand detail: metric cards (value, interval, denominator, rank), weekly trends, claim stage durations and the
 * recent evidence with entity ids. A brand viewer may open its own brand only (403 otherwise).
 */
export const brandPage = definePage({
  path: '/brands/:brand_id',
  access: 'GET /api/brands/:brand_id/scorecard',
  params: z.object({ brand_id: z.string().min(1).max(200) }),
  query: WindowPickerQuery,
  nav: {
    label: 'nav.brand',
    description: 'home.brand',
    // Linked for brand viewers, who have exactly one brand; staff reach brands from the scorecards.
    href: (viewer) => (viewer.role === 'brand' && viewer.brandId ? `/brands/${encodeURIComponent(viewer.brandId)}` : null),
  },
  async render(input) {
    const { ctx, t, params, query, timeZone } = input;
    const brandId = params.brand_id;
    const picked = pickedWindow(ctx, query);
    const scorecard = await loadScorecard(ctx, brandId, picked);
    if (!scorecard) throw notFound(`no brand '${brandId}'`);
    // The evidence of the scorecard's own window, as GET /api/brands/:id/evidence gives it: a stored scorecard
    // keeps the as_of of its refresh, and examples judged at a later as_of could disagree with its figures.
    const { window } = scorecard;
    const evidence = await loadEvidence(ctx, brandId, window);
    const dates = windowParams(picked);

    const cards = BRAND_CARDS.map((key) => {
      const shown = showMetric(t, scorecard, key);
      const rank = (RANKED_KEYS as readonly string[]).includes(key) ? scorecard.percentile_ranks[key as RankedKey] : null;
      return html`<div class="card" data-metric="${key}">
<h3>${t(`metric.${key}` as LabelKey)}</h3>
<p class="value">${shown.text} ${shown.trend}</p>
<p class="detail">${shown.detail}</p>
${rank && rank.percentile !== null ? html`<p class="detail">${t('card.percentile', { p: rank.percentile, peers: rank.peers })}</p>` : ''}
</div>`;
    });
    const charts = await Promise.all([
      chartFigure(input, 'brand-late-dispatch', { brand_id: brandId }),
      chartFigure(input, 'brand-sla', { brand_id: brandId }),
      chartFigure(input, 'brand-answer-time', { brand_id: brandId }),
    ]);
    const stages = await chartFigure(input, 'brand-claim-stages', { brand_id: brandId, ...dates });
    const when = (iso: string | null) => (iso ? formatInstant(iso, timeZone) : t('not_yet'));
    const title = t('brand.title', { brand: scorecard.brand.name ? `${scorecard.brand.name} (${brandId})` : brandId });

    return {
      title,
      body: html`<h1>${title} <span class="badge status-${scorecard.brand.status}">${t(`status.${scorecard.brand.status}` as LabelKey)}</span></h1>
${windowPicker(t, picked)}
${windowLine(t, scorecard.window, scorecard.previous.window, timeZone)}
<section class="cards">${cards}</section>
<h2>${t('brand.trends')}</h2>
<section class="charts">${charts}</section>
<h2>${t('brand.claim_stages')}</h2>
<section class="charts">${stages}</section>
<h2>${t('brand.evidence')}</h2>
${evidenceTable(t, 'late-orders', t('brand.late_orders'), evidence.late_orders, ['col.order_id', 'col.placed_at', 'col.dispatch_deadline', 'col.dispatched_at'], (o) => [
  o.order_id,
  when(o.placed_at),
  when(o.dispatch_deadline),
  when(o.dispatched_at),
])}
${evidenceTable(t, 'overdue-inquiries', t('brand.overdue_inquiries'), evidence.overdue_inquiries, ['col.inquiry_id', 'col.opened_at', 'col.answer_deadline', 'col.channel', 'col.category', 'col.order_id'], (i) => [
  i.inquiry_id,
  when(i.opened_at),
  when(i.answer_deadline),
  i.channel ?? '',
  i.category ?? '',
  i.order_id ?? '',
])}
${evidenceTable(t, 'failed-contacts', t('brand.failed_contacts'), evidence.failed_contacts, ['col.contact_id', 'col.attempted_at', 'col.answer_deadline', 'col.answered_at', 'col.channel', 'col.purpose'], (c) => [
  c.contact_id,
  when(c.attempted_at),
  when(c.answer_deadline),
  when(c.answered_at),
  c.channel ?? '',
  c.purpose ?? '',
])}`,
    };
  },
});

function evidenceTable<T>(
  t: (key: LabelKey, values?: Record<string, string | number>) => string,
  id: string,
  heading: string,
  list: { total: number; items: T[] },
  columns: LabelKey[],
  cells: (item: T) => string[],
): Html {
  return html`<section class="evidence" id="${id}">
<h3>${heading} <small>${t('brand.showing', { shown: list.items.length, total: list.total })}</small></h3>
${
  list.items.length === 0
    ? html`<p class="empty">${t('brand.none')}</p>`
    : html`<table><thead><tr>${columns.map((column) => html`<th>${t(column)}</th>`)}</tr></thead>
<tbody>${list.items.map((item) => html`<tr>${cells(item).map((cell, i) => (i === 0 ? html`<td><code>${cell}</code></td>` : html`<td>${cell}</td>`))}</tr>\n`)}</tbody></table>`
}
</section>`;
}
