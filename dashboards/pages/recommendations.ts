import { z } from 'zod';
import { EXAMPLE_KINDS, type Recommendation } from '../../metrics/recommendations/schema.ts';
import { loadRecommendations } from '../data.ts';
import type { Labeller } from '../i18n.ts';
import { formatInstant, formatRate, html, type Html } from './html.ts';
import { viewerMay } from './load.ts';
import { definePage } from './page.ts';

/**
 * The recommendations queue: the latest evaluation's delist, warn and retrain actions, most severe first, each with
 * the evidence it rests on (values, intervals, denominators, thresholds, evaluations breached, example entity ids),
 * the brand's decision history and, for merchandisers and admins, a form that posts a decision to
 * `POST /api/recommendations/:id/decision` (dashboard.js sends it with the session cookie). Brands on watch are
 * listed apart, collapsed: there can be hundreds and no action is asked for.
 */
export const recommendationsPage = definePage({
  path: '/recommendations',
  access: 'GET /api/recommendations',
  params: z.object({}),
  query: z.object({}),
  nav: { label: 'nav.recommendations', description: 'home.recommendations', href: () => '/recommendations' },
  async render({ ctx, t, viewer, timeZone }) {
    const { evaluation, recommendations } = await loadRecommendations(ctx);
    if (!evaluation) return { title: t('rec.title'), body: html`<h1>${t('rec.title')}</h1><p class="empty">${t('rec.none')}</p>` };
    const mayDecide = viewerMay('POST /api/recommendations/:id/decision', viewer);
    const actions = recommendations.filter((r) => r.action !== 'watch');
    const watch = recommendations.filter((r) => r.action === 'watch');
    const when = (iso: string | null) => formatInstant(iso, timeZone);
    return {
      title: t('rec.title'),
      body: html`<h1>${t('rec.title')}</h1>
<p class="window-line" data-evaluation-id="${evaluation.evaluation_id}">${t('rec.evaluation', {
        id: evaluation.evaluation_id,
        date: evaluation.as_of_date,
        from: evaluation.window.from,
        to: evaluation.window.to,
        policy: evaluation.policy_version,
        brands: evaluation.brands_evaluated,
        at: when(evaluation.evaluated_at),
        by: evaluation.triggered_by,
      })}</p>
<p class="counts">${t('rec.counts', evaluation.counts)}</p>
${mayDecide ? '' : html`<p class="note">${t('rec.read_only')}</p>`}
<h2>${t('rec.actions')}</h2>
${
  actions.length === 0
    ? html`<p class="empty">${t('rec.no_actions')}</p>`
    : html`<table id="actions" class="sortable"><thead><tr><th data-sort="text">${t('col.brand')}</th><th data-sort="text">${t('col.action')}</th><th data-sort="text">${t('col.status')}</th><th>${t('rec.reasons')}</th></tr></thead>
<tbody>${actions.map(
        (r) => html`<tr data-status="${r.status}"><td data-sort-value="${r.brand_id}"><a href="#rec-${r.recommendation_id}">${r.brand.name ? `${r.brand.name} (${r.brand_id})` : r.brand_id}</a></td><td data-sort-value="${r.action}"><span class="badge action-${r.action}">${r.action}</span></td><td data-sort-value="${r.status}"><span class="badge decision-${r.status}">${r.status}</span></td><td>${r.reasons[0] ?? ''}${r.reasons.length > 1 ? ' …' : ''}</td></tr>\n`,
      )}</tbody></table>
<p class="note">${t('rec.legend')}</p>
${actions.map((r) => recommendationCard(t, r, mayDecide, when))}`
}
<details id="watch" class="watch">
<summary>${t('rec.watch', { n: watch.length })}</summary>
<p class="note">${t('rec.watch_hint')}</p>
${
  watch.length === 0
    ? ''
    : html`<table class="sortable" id="watch-list"><thead><tr><th data-sort="text">${t('col.brand')}</th><th data-sort="text">${t('col.status')}</th><th>${t('rec.reasons')}</th></tr></thead>
<tbody>${watch.map(
        (r) => html`<tr data-status="${r.status}"><td data-sort-value="${r.brand_id}">${brandLink(r)}</td><td data-sort-value="${r.status}">${r.status}</td><td>${r.reasons.join('; ')}</td></tr>\n`,
      )}</tbody></table>`
}
</details>`,
    };
  },
});

const brandLink = (r: Pick<Recommendation, 'brand_id' | 'brand'>) =>
  html`<a href="/brands/${encodeURIComponent(r.brand_id)}">${r.brand.name ? `${r.brand.name} (${r.brand_id})` : r.brand_id}</a>`;

function recommendationCard(t: Labeller, r: Recommendation, mayDecide: boolean, when: (iso: string | null) => string): Html {
  const examples = EXAMPLE_KINDS.filter((kind) => r.examples[kind].length > 0);
  const judged = r.metrics.filter((m) => m.denominator > 0 || m.level !== 'none');
  return html`<article class="recommendation" id="rec-${r.recommendation_id}" data-recommendation-id="${r.recommendation_id}" data-action="${r.action}" data-status="${r.status}">
<header><h3>${brandLink(r)} <span class="badge action-${r.action}">${r.action}</span> <span class="badge decision-${r.status}">${r.status}</span> <span class="badge status-${r.brand.status}">${r.brand.status}</span></h3></header>
<h4>${t('rec.reasons')}</h4>
<ul class="reasons">${r.reasons.map((reason) => html`<li>${reason}</li>`)}</ul>
${r.suppressed_by ? html`<p class="note">${t('rec.suppressed', { at: when(r.suppressed_by.decided_at), id: r.suppressed_by.decision_id })}</p>` : ''}
<h4>${t('rec.metrics')}</h4>
<table class="evidence-metrics"><thead><tr><th>${t('col.rate')}</th><th>${t('col.value')}</th><th>${t('col.interval')}</th><th>${t('col.denominator')}</th><th>${t('col.thresholds')}</th><th>${t('col.min_denominator')}</th><th>${t('col.level')}</th><th>${t('rec.breached')}</th></tr></thead>
<tbody>${judged.map(
    (m) => html`<tr data-rate="${m.rate}" title="${m.explanation}"><td>${m.rate}</td><td>${formatRate(m.value)}</td><td>${m.wilson_low === null ? '–' : `${formatRate(m.wilson_low)} – ${formatRate(m.wilson_high)}`}</td><td>${m.numerator} / ${m.denominator}</td><td>${formatRate(m.warn)} / ${formatRate(m.delist)}</td><td>${m.min_denominator}${m.significant ? '' : ' ⚠'}</td><td><span class="badge level-${m.level}">${m.level}</span></td><td>${m.evaluations_breached.map((b) => `${b.as_of_date} (${b.level})`).join(', ')}</td></tr>\n`,
  )}</tbody></table>
${
  r.unreachable.unreachable
    ? html`<p class="unreachable">${t('rec.unreachable', {
        failures: r.unreachable.consecutive_contact_failures,
        min: r.unreachable.min_consecutive_contact_failures,
        days: r.unreachable.silent_business_days ?? '–',
        min_days: r.unreachable.min_silent_business_days,
        since: when(r.unreachable.silent_since),
      })}</p>`
    : ''
}
${r.retrain.signals.length > 0 ? html`<p class="retrain">${t('rec.retrain', { signals: r.retrain.signals.join(', ') })}</p>` : ''}
${
  examples.length > 0
    ? html`<h4>${t('rec.examples')}</h4><dl class="examples">${examples.map(
        (kind) => html`<dt>${kind.replace(/_/g, ' ')}</dt><dd>${r.examples[kind].map((id) => html`<a href="/brands/${encodeURIComponent(r.brand_id)}"><code>${id}</code></a> `)}</dd>`,
      )}</dl>`
    : ''
}
${mayDecide ? decisionForm(t, r) : ''}
<h4>${t('rec.history')}</h4>
${
  r.decisions.length === 0
    ? html`<p class="empty">${t('rec.no_history')}</p>`
    : html`<table class="decisions"><thead><tr><th>${t('col.decided_at')}</th><th>${t('col.action')}</th><th>${t('col.decision')}</th><th>${t('col.reason')}</th><th>${t('col.decided_by')}</th></tr></thead>
<tbody>${r.decisions.map(
        (d) => html`<tr data-decision-id="${d.decision_id}"><td>${when(d.decided_at)}</td><td>${d.action}</td><td>${d.decision}</td><td>${d.reason}</td><td>${d.decided_by} (${d.role})</td></tr>\n`,
      )}</tbody></table>`
}
</article>`;
}

function decisionForm(t: Labeller, r: Recommendation): Html {
  return html`<form class="decision-form" method="post" action="/api/recommendations/${r.recommendation_id}/decision" data-api-form data-done="${t('rec.saved')}">
<fieldset><legend>${t('rec.decide')}</legend>
<label>${t('rec.decision')} <select name="decision" required>
<option value="accept">${t('rec.accept')}</option><option value="dismiss">${t('rec.dismiss')}</option><option value="defer">${t('rec.defer')}</option>
</select></label>
<label>${t('rec.reason')} <input type="text" name="reason" required maxlength="2000"></label>
<label>${t('rec.decided_by')} <input type="text" name="decided_by" required maxlength="200" autocomplete="name"></label>
<button type="submit">${t('rec.submit')}</button>
<output class="form-status" aria-live="polite"></output>
</fieldset>
</form>`;
}
