import { z } from 'zod';
import { loadProbationChecklists } from '../data.ts';
import { formatRate, html } from './html.ts';
import { definePage } from './page.ts';

/** The summary table's columns: the profile criteria, then the performance ones. */
const CRITERIA = ['cs_contact', 'return_address', 'dispatch_days', 'sla_rate', 'late_dispatch_rate', 'contact_failure_rate', 'shipping_issue_rate'] as const;

/**
 * The onboarding checklist of every brand in probation (as `GET /api/onboarding/:brand_id`): the profile and
 * performance criteria over the first days of probation, each pass, fail or insufficient_data, and the verdict
 * with its reasons. A brand viewer sees its own brand only, as the API allows.
 */
export const onboardingPage = definePage({
  path: '/onboarding',
  access: 'GET /api/onboarding/:brand_id',
  params: z.object({}),
  query: z.object({}),
  nav: { label: 'nav.onboarding', description: 'home.onboarding', href: () => '/onboarding' },
  async render({ ctx, t, viewer }) {
    const checklists = await loadProbationChecklists(ctx, viewer);
    const result = (value: string) => html`<span class="badge result-${value}">${value.replace(/_/g, ' ')}</span>`;
    const metricValue = (metric: { value: number | null; numerator: number; denominator: number }) =>
      `${formatRate(metric.value)} (${metric.numerator} / ${metric.denominator})`;
    return {
      title: t('onb.title'),
      body: html`<h1>${t('onb.title')}</h1>
${
  checklists.length === 0
    ? html`<p class="empty">${t('onb.none')}</p>`
    : html`<table id="onboarding-summary" class="sortable"><thead><tr><th data-sort="text">${t('col.brand')}</th><th data-sort="text">${t('col.verdict')}</th>${CRITERIA.map((c) => html`<th data-sort="text">${c.replace(/_/g, ' ')}</th>`)}</tr></thead>
<tbody>${checklists.map(
        (c) => html`<tr data-brand-id="${c.brand_id}"><td data-sort-value="${c.brand_id}"><a href="#onb-${c.brand_id}">${c.brand.name ? `${c.brand.name} (${c.brand_id})` : c.brand_id}</a></td><td data-sort-value="${c.verdict}">${result(c.verdict)}</td>${CRITERIA.map((name) => {
          const criterion = [...c.profile, ...c.performance].find((each) => each.criterion === name);
          return criterion ? html`<td data-sort-value="${criterion.result}">${result(criterion.result)}</td>` : html`<td></td>`;
        })}</tr>\n`,
      )}</tbody></table>
${checklists.map(
  (c) => html`<article class="checklist" id="onb-${c.brand_id}" data-brand-id="${c.brand_id}" data-verdict="${c.verdict}">
<h2><a href="/brands/${encodeURIComponent(c.brand_id)}">${c.brand.name ? `${c.brand.name} (${c.brand_id})` : c.brand_id}</a> ${result(c.verdict)}</h2>
<p>${t('onb.period', { from: c.period.from, to: c.period.to, elapsed: c.period.days_elapsed, days: c.period.days })}</p>
<ul class="reasons">${c.reasons.map((reason) => html`<li>${reason}</li>`)}</ul>
<h3>${t('onb.profile')}</h3>
<table class="criteria"><thead><tr><th>${t('col.criterion')}</th><th>${t('col.result')}</th><th>${t('col.requirement')}</th><th>${t('col.evidence')}</th></tr></thead>
<tbody>${c.profile.map(
    (p) => html`<tr data-criterion="${p.criterion}" data-result="${p.result}"><td>${p.criterion}</td><td>${result(p.result)}</td><td>${p.requirement}</td><td>${Object.entries(p.evidence)
      .map(([key, value]) => `${key}: ${value ?? '–'}`)
      .join('; ')}</td></tr>\n`,
  )}</tbody></table>
<h3>${t('onb.performance')}</h3>
<table class="criteria"><thead><tr><th>${t('col.criterion')}</th><th>${t('col.result')}</th><th>${t('col.requirement')}</th><th>${t('col.value')}</th><th>${t('col.interval')}</th><th>${t('col.thresholds')}</th><th>${t('col.min_denominator')}</th></tr></thead>
<tbody>${c.performance.map(
    (p) => html`<tr data-criterion="${p.criterion}" data-result="${p.result}"><td>${p.criterion}</td><td>${result(p.result)}</td><td>${p.requirement}</td><td>${metricValue(p.metric)}</td><td>${p.metric.wilson_low === null ? '–' : `${formatRate(p.metric.wilson_low)} – ${formatRate(p.metric.wilson_high)}`}</td><td>${p.bound} ${formatRate(p.threshold)}</td><td>${p.min_denominator}</td></tr>\n`,
  )}</tbody></table>
</article>`,
)}`
}`,
    };
  },
});
