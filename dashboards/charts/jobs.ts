import type { Labeller } from '../i18n.ts';
import { emptyChart, frame, type ChartSpec } from './spec.ts';

/** Charts of the jobs page: what each ingested batch brought in, and how job runs ended. */

export interface BatchRows {
  batch_id: number;
  stream: string | null;
  rows_accepted: number;
  rows_duplicate: number;
  rows_rejected: number;
}

export function ingestRowsChart(batches: readonly BatchRows[], t: Labeller, limit = 25): ChartSpec {
  const title = t('chart.ingest_rows_title');
  const recent = [...batches].sort((a, b) => b.batch_id - a.batch_id).slice(0, limit).reverse();
  const kinds = [
    ['rows_accepted', t('col.rows_accepted')],
    ['rows_duplicate', t('col.rows_duplicate')],
    ['rows_rejected', t('col.rows_rejected')],
  ] as const;
  const rows = recent.flatMap((batch) =>
    kinds
      .filter(([key]) => batch[key] > 0)
      .map(([key, kind]) => ({ batch: `#${batch.batch_id} ${batch.stream ?? ''}`.trim(), kind, rows: batch[key] })),
  );
  if (rows.length === 0) return emptyChart(title, t('jobs.none'));
  return frame(title, {
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'batch', type: 'nominal', title: t('chart.batch'), sort: null, axis: { labelAngle: -40 } },
      y: { field: 'rows', type: 'quantitative', title: t('chart.rows') },
      color: {
        field: 'kind',
        type: 'nominal',
        title: null,
        scale: { domain: kinds.map(([, kind]) => kind), range: ['#15803d', '#a3a3a3', '#b91c1c'] },
      },
      tooltip: [
        { field: 'batch', type: 'nominal', title: t('chart.batch') },
        { field: 'kind', type: 'nominal', title: t('chart.kind') },
        { field: 'rows', type: 'quantitative', title: t('chart.rows') },
      ],
    },
  });
}

export interface RunOutcome {
  job: string;
  outcome: string;
}

const OUTCOME_COLOURS: Record<string, string> = { ok: '#15803d', failed: '#b91c1c', skipped: '#a3a3a3', interrupted: '#d97706', running: '#1d4ed8' };

export function jobRunsChart(runs: readonly RunOutcome[], t: Labeller): ChartSpec {
  const title = t('chart.job_runs_title');
  const counts = new Map<string, { job: string; outcome: string; runs: number }>();
  for (const run of runs) {
    const key = `${run.job}\u0000${run.outcome}`;
    const entry = counts.get(key) ?? { job: run.job, outcome: run.outcome, runs: 0 };
    entry.runs += 1;
    counts.set(key, entry);
  }
  if (counts.size === 0) return emptyChart(title, t('jobs.no_runs'));
  const outcomes = Object.keys(OUTCOME_COLOURS);
  return frame(title, {
    height: { step: 22 },
    data: { values: [...counts.values()] },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'job', type: 'nominal', title: t('col.job') },
      x: { field: 'runs', type: 'quantitative', title: t('chart.runs'), axis: { tickMinStep: 1 } },
      color: { field: 'outcome', type: 'nominal', title: t('col.outcome'), scale: { domain: outcomes, range: outcomes.map((o) => OUTCOME_COLOURS[o]!) } },
      tooltip: [
        { field: 'job', type: 'nominal', title: t('col.job') },
        { field: 'outcome', type: 'nominal', title: t('col.outcome') },
        { field: 'runs', type: 'quantitative', title: t('chart.runs') },
      ],
    },
  });
}
