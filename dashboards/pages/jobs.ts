import { z } from 'zod';
import type { OutboxMessage } from '../../pipelines/delivery/outbox.ts';
import { loadDeliveries, loadJobs, type JobsData } from '../data.ts';
import { viewerMay } from './load.ts';
import type { LabelKey } from '../i18n.ts';
import { formatInstant, html, type Html } from './html.ts';
import { chartFigure, definePage } from './page.ts';

/**
 * Jobs: recent job runs, ingested files and requests with their row counts and errors, quarantined rows, and the
 * delivery of digests and staff alerts (counts by status, the newest messages; dead letters with a retry button for
 * the roles that may retry them).
 */
export const jobsPage = definePage({
  path: '/jobs',
  access: 'GET /api/jobs',
  params: z.object({}),
  query: z.object({}),
  nav: { label: 'nav.jobs', description: 'home.jobs', href: () => '/jobs' },
  async render(input) {
    const { ctx, t, timeZone, viewer } = input;
    const jobs = await loadJobs(ctx);
    const deliveries = await loadDeliveries(ctx);
    const mayRetry = viewerMay('POST /api/deliveries/:message_id/retry', viewer);
    const when = (iso: string | null) => formatInstant(iso, timeZone);
    const num = (n: number | null) => (n === null ? '' : n.toLocaleString('en'));
    const charts = await Promise.all([chartFigure(input, 'jobs-runs', {}), chartFigure(input, 'jobs-ingest-rows', {})]);
    return {
      title: t('jobs.title'),
      body: html`<h1>${t('jobs.title')}</h1>
<section class="charts">${charts}</section>
<h2>${t('jobs.runs')}</h2>
${table(t, 'job-runs', ['col.job', 'col.trigger', 'col.started_at', 'col.finished_at', 'col.outcome', 'col.rows_in', 'col.rows_accepted', 'col.rows_duplicate', 'col.rows_rejected', 'col.error'], jobs.runs.map((run) => [
  run.job,
  run.trigger,
  when(run.started_at),
  when(run.finished_at),
  outcome(run.outcome),
  num(run.rows_in),
  num(run.rows_accepted),
  num(run.rows_duplicate),
  num(run.rows_rejected),
  run.error ?? '',
]), t('jobs.no_runs'))}
<h2>${t('jobs.deliveries')}</h2>
<p class="counts" id="delivery-counts">${Object.entries(deliveries.counts).map(([status, n]) => html`<span class="badge delivery-${status}" data-status="${status}">${status}: ${num(n)}</span> `)}</p>
${table(t, 'deliveries', DELIVERY_COLUMNS, deliveries.messages.map((message) => deliveryRow(message, when)), t('jobs.none'))}
<h2>${t('jobs.dead_letters')}</h2>
${table(t, 'dead-letters', [...DELIVERY_COLUMNS, ...(mayRetry ? (['jobs.retry'] as const) : [])], deliveries.dead.map((message) => [
  ...deliveryRow(message, when),
  ...(mayRetry
    ? [html`<form method="post" action="/api/deliveries/${encodeURIComponent(message.message_id)}/retry" data-api-form data-done="${t('jobs.retried')}"><button type="submit">${t('jobs.retry')}</button> <output class="form-status" aria-live="polite"></output></form>`]
    : []),
]), t('jobs.none'))}
<h2>${t('jobs.files')}</h2>
${table(t, 'ingested-files', ['col.path', ...BATCH_COLUMNS], jobs.files.map((file) => [file.path, ...batchCells(file, when, num)]), t('jobs.none'))}
<h2>${t('jobs.requests')}</h2>
${table(t, 'ingest-requests', ['col.request_id', ...BATCH_COLUMNS], jobs.requests.map((request) => [request.request_id, ...batchCells(request, when, num)]), t('jobs.none'))}
<h2>${t('jobs.quarantine')}</h2>
${table(t, 'quarantine', ['col.stream', 'col.field', 'col.reason', 'col.count', 'col.finished_at', 'col.source', 'col.example'], jobs.quarantine.map((group) => [
  group.stream,
  group.field,
  group.reason,
  num(group.count),
  when(group.last_at),
  group.example_line === null ? group.example_source : `${group.example_source}:${group.example_line}`,
  html`<code>${group.example_raw ?? ''}</code>`,
]), t('jobs.none'))}`,
    };
  },
});

/** The columns that ingested files and ingest requests share, after the file's path or the request's id. */
const BATCH_COLUMNS = ['col.stream', 'col.finished_at', 'col.outcome', 'col.rows_accepted', 'col.rows_duplicate', 'col.rows_rejected', 'col.quarantined', 'col.error'] as const;

function batchCells(
  batch: JobsData['files'][number] | JobsData['requests'][number],
  when: (iso: string | null) => string,
  num: (n: number | null) => string,
): (string | Html)[] {
  return [
    batch.stream ?? '',
    when(batch.finished_at),
    outcome(batch.outcome),
    num(batch.rows_accepted),
    num(batch.rows_duplicate),
    num(batch.rows_rejected),
    num(batch.quarantined),
    batch.error ?? '',
  ];
}

const DELIVERY_COLUMNS = ['col.message_id', 'col.kind', 'col.brand', 'col.status', 'col.attempts', 'col.created_at', 'col.delivered_at', 'col.error'] as const;

function deliveryRow(message: OutboxMessage, when: (iso: string | null) => string): (string | Html)[] {
  return [
    html`<code>${message.message_id}</code>`,
    message.kind,
    message.brand_id ?? '',
    html`<span class="badge delivery-${message.status}">${message.status}</span>`,
    String(message.attempts),
    when(message.created_at),
    when(message.delivered_at ?? message.dead_at),
    [message.last_http_status === null ? '' : `HTTP ${message.last_http_status}`, message.last_error ?? ''].filter(Boolean).join(' '),
  ];
}

const outcome = (value: string) => html`<span class="badge outcome-${value}">${value}</span>`;

function table(t: (key: LabelKey) => string, id: string, columns: readonly LabelKey[], rows: (string | Html)[][], empty: string): Html {
  if (rows.length === 0) return html`<p class="empty" id="${id}">${empty}</p>`;
  return html`<table id="${id}"><thead><tr>${columns.map((column) => html`<th>${t(column)}</th>`)}</tr></thead>
<tbody>${rows.map((cells) => html`<tr>${cells.map((cell) => html`<td>${cell}</td>`)}</tr>\n`)}</tbody></table>`;
}
