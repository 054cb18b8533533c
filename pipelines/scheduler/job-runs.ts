import type { Warehouse } from '../warehouse/database.ts';

export interface JobCounts {
  rowsIn?: number;
  accepted?: number;
  duplicate?: number;
  rejected?: number;
  details?: unknown;
}

export type JobOutcome = 'running' | 'ok' | 'failed' | 'skipped' | 'interrupted';

export interface JobRun {
  run_id: number;
  job: string;
  trigger: string;
  started_at: string;
  finished_at: string | null;
  outcome: JobOutcome;
  rows_in: number | null;
  rows_accepted: number | null;
  rows_duplicate: number | null;
  rows_rejected: number | null;
  error: string | null;
  details: string | null;
}

/**
 * Runs `work` as a recorded job: a `running` row first, then its outcome and counts. A run left `running` by a
 * killed process is marked `interrupted` the next time the warehouse is opened by the scheduler.
 */
export async function recordJobRun<T extends JobCounts>(
  warehouse: Warehouse,
  job: string,
  trigger: string,
  work: () => Promise<T>,
): Promise<{ runId: number; result?: T; error?: Error }> {
  const row = await warehouse.one<{ run_id: number }>(
    `INSERT INTO job_runs (run_id, job, trigger, started_at, outcome) VALUES (nextval('job_run_seq'), $job, $trigger, now(), 'running') RETURNING run_id`,
    { job, trigger },
  );
  const runId = row!.run_id;
  try {
    const result = await work();
    await finishJobRun(warehouse, runId, 'ok', result);
    return { runId, result };
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    await finishJobRun(warehouse, runId, 'failed', {}, failure.message.split('\n')[0]);
    return { runId, error: failure };
  }
}

async function finishJobRun(warehouse: Warehouse, runId: number, outcome: JobOutcome, counts: JobCounts, error?: string) {
  await warehouse.run(
    `UPDATE job_runs SET finished_at = now(), outcome = $outcome, rows_in = $rows_in, rows_accepted = $accepted,
       rows_duplicate = $duplicate, rows_rejected = $rejected, error = $error, details = $details WHERE run_id = $run_id`,
    {
      run_id: runId,
      outcome,
      rows_in: counts.rowsIn ?? null,
      accepted: counts.accepted ?? null,
      duplicate: counts.duplicate ?? null,
      rejected: counts.rejected ?? null,
      error: error ?? null,
      details: counts.details === undefined ? null : JSON.stringify(counts.details),
    },
  );
}

export async function markInterruptedRuns(warehouse: Warehouse): Promise<number> {
  const rows = await warehouse.all(
    `UPDATE job_runs SET outcome = 'interrupted', finished_at = now(), error = 'process stopped before the run finished'
     WHERE outcome = 'running' RETURNING run_id`,
  );
  return rows.length;
}

export async function recentJobRuns(warehouse: Warehouse, limit = 50): Promise<JobRun[]> {
  return warehouse.all<JobRun>(`SELECT * FROM job_runs ORDER BY run_id DESC LIMIT $limit`, { limit });
}
