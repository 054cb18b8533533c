import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markInterruptedRuns, recentJobRuns } from '../../pipelines/scheduler/job-runs.ts';
import { Scheduler } from '../../pipelines/scheduler/scheduler.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from '../helpers/event-files.ts';

let warehouse: Warehouse;
const logs: string[] = [];
beforeEach(async () => {
  warehouse = await Warehouse.open(join(tempDir(), 'jobs.duckdb'));
  logs.length = 0;
});
afterEach(() => warehouse.close());

describe('the scheduler', () => {
  it('never runs a job over itself, and records every run with its counts', async () => {
    const scheduler = new Scheduler(warehouse, 'Asia/Seoul', { log: (m) => logs.push(m) });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const job = {
      name: 'slow',
      schedule: '* * * * *',
      run: async () => {
        started++;
        await gate;
        return { rowsIn: 10, accepted: 7, duplicate: 2, rejected: 1 };
      },
    };
    const first = scheduler.trigger(job, 'test');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(scheduler.isRunning('slow')).toBe(true);
    expect(await scheduler.trigger(job, 'test')).toBe('skipped');
    release();
    expect(await first).toBe('ran');
    expect(started).toBe(1);
    const runs = await recentJobRuns(warehouse);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ job: 'slow', trigger: 'test', outcome: 'ok', rows_in: 10, rows_accepted: 7, rows_duplicate: 2, rows_rejected: 1 });
    expect(runs[0]!.finished_at).not.toBeNull();
    await scheduler.stop();
  });

  it('records a failing job with its error and keeps going', async () => {
    const scheduler = new Scheduler(warehouse, 'Asia/Seoul', { log: (m) => logs.push(m) });
    const failing = { name: 'broken', schedule: '0 6 * * 1', run: async () => Promise.reject(new Error('disk on fire\nstack…')) };
    await scheduler.trigger(failing, 'test');
    await scheduler.trigger(failing, 'test');
    const runs = await recentJobRuns(warehouse);
    expect(runs.map((r) => [r.outcome, r.error])).toEqual([
      ['failed', 'disk on fire'],
      ['failed', 'disk on fire'],
    ]);
    expect(logs).toEqual(['job broken failed: disk on fire\nstack…', 'job broken failed: disk on fire\nstack…']);
    await scheduler.stop();
  });

  it('waits for a running job when stopped, and starts no new one', async () => {
    const scheduler = new Scheduler(warehouse, 'Asia/Seoul', { log: () => undefined });
    let finished = false;
    const job = { name: 'long', schedule: '* * * * *', run: async () => { await new Promise((r) => setTimeout(r, 200)); finished = true; return {}; } };
    void scheduler.trigger(job, 'test');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await scheduler.stop();
    expect(finished).toBe(true);
    expect(await scheduler.trigger(job, 'test')).toBe('skipped');
  });

  it('refuses an invalid cron expression', () => {
    const scheduler = new Scheduler(warehouse, 'Asia/Seoul', { log: () => undefined });
    expect(() => scheduler.register({ name: 'x', schedule: 'every minute', run: async () => ({}) })).toThrow(/invalid cron/);
  });

  it('marks runs left running by a killed process as interrupted', async () => {
    await warehouse.run(
      `INSERT INTO job_runs (run_id, job, trigger, started_at, outcome) VALUES (nextval('job_run_seq'), 'ingest-inbox', 'schedule', now(), 'running')`,
    );
    expect(await markInterruptedRuns(warehouse)).toBe(1);
    expect((await recentJobRuns(warehouse))[0]).toMatchObject({ outcome: 'interrupted' });
  });
});
