import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy, PolicyError } from '../../metrics/recommendations/policy.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { recentJobRuns } from '../../pipelines/scheduler/job-runs.ts';
import { Scheduler } from '../../pipelines/scheduler/scheduler.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { defineJobs } from '../../server/jobs.ts';
import { tempDir } from '../helpers/event-files.ts';

describe('the weekly recommend job', () => {
  it('runs Mondays 06:00 and stores an evaluation of the 28 days up to Sunday', async () => {
    const dir = tempDir();
    const warehouse = await Warehouse.open(join(dir, 'jobs.duckdb'));
    try {
      // Monday 2024-03-25 06:00 KST.
      const now = new Date('2024-03-25T06:00:00+09:00');
      const config = parseConfig({ inbox: join(dir, 'inbox') });
      const job = defineJobs(warehouse, config, { now: () => now, log: () => undefined }).find((j) => j.name === 'recommend')!;
      expect(job.schedule).toBe('0 6 * * 1');
      const scheduler = new Scheduler(warehouse, 'Asia/Seoul', { log: () => undefined });
      expect(await scheduler.trigger(job, 'test')).toBe('ran');
      const [run] = await recentJobRuns(warehouse);
      expect(run).toMatchObject({ job: 'recommend', outcome: 'ok' });
      const evaluation = await warehouse.one<{ as_of_date: string; window_from: string; triggered_by: string; policy_version: string }>(
        'SELECT as_of_date, window_from, triggered_by, policy_version FROM policy_evaluations',
      );
      expect(evaluation).toEqual({ as_of_date: '2024-03-25', window_from: '2024-02-26', triggered_by: 'schedule', policy_version: 'design-6' });
    } finally {
      warehouse.close();
    }
  });
});

describe('the policy file', () => {
  it('is optional by default, required when named, and refused with the field when invalid', () => {
    const dir = tempDir();
    expect(loadPolicy(join(dir, 'absent.json')).version).toBe('design-6');
    expect(() => loadPolicy(join(dir, 'absent.json'), { required: true })).toThrow(/not found/);
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ version: 'strict-1', onboarding: { criteria: { sla_rate: { min: 0.95 } } } }));
    const policy = loadPolicy(file);
    expect([policy.version, policy.onboarding.criteria.sla_rate.min, policy.onboarding.criteria.sla_rate.min_denominator]).toEqual(['strict-1', 0.95, 10]);
    writeFileSync(file, JSON.stringify({ delisting: { unreachable: { silent_business_days: 0 } } }));
    expect(() => loadPolicy(file)).toThrow(PolicyError);
    expect(() => loadPolicy(file)).toThrow(`${file}: delisting.unreachable.silent_business_days: `);
    writeFileSync(file, '{ not json');
    expect(() => loadPolicy(file)).toThrow(/not valid JSON/);
  });
});
