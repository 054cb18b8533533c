import cron, { type ScheduledTask } from 'node-cron';
import type { Warehouse } from '../warehouse/database.ts';
import { recordJobRun, type JobCounts } from './job-runs.ts';

/** A scheduled job (DESIGN §8). `run` does the work; the scheduler records it and never overlaps it. */
export interface JobDefinition {
  name: string;
  /** node-cron expression, read in the business time zone. */
  schedule: string;
  run: () => Promise<JobCounts>;
  /** Checked at each tick; a false answer skips the tick without a job_runs row (e.g. an empty inbox). */
  shouldRun?: () => Promise<boolean>;
}

export interface SchedulerEffects {
  log: (message: string) => void;
}

/**
 * Owns the cron tasks of one process. A job that is still running when its next tick comes is skipped (and the
 * skip is not recorded, to keep job_runs readable at a one-minute cadence). `stop()` waits for running jobs,
 * so SIGTERM never cuts a transaction in half.
 */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Map<string, Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly timeZone: string,
    private readonly effects: SchedulerEffects,
  ) {}

  register(job: JobDefinition): void {
    if (!cron.validate(job.schedule)) throw new Error(`job ${job.name}: invalid cron expression '${job.schedule}'`);
    const task = cron.schedule(job.schedule, () => void this.trigger(job, 'schedule'), {
      timezone: this.timeZone,
      name: job.name,
    });
    this.tasks.push(task);
  }

  /** Runs a job now unless it is already running; resolves when it is done. */
  async trigger(job: JobDefinition, trigger: string): Promise<'ran' | 'skipped'> {
    if (this.stopping || this.running.has(job.name)) return 'skipped';
    let resolveRun!: () => void;
    // Claimed before the shouldRun check so that a slow check cannot let two ticks through.
    this.running.set(job.name, new Promise<void>((resolve) => (resolveRun = resolve)));
    try {
      if (job.shouldRun && !(await job.shouldRun())) return 'skipped';
      await recordJobRun(this.warehouse, job.name, trigger, job.run).then(({ error }) => {
        if (error) this.effects.log(`job ${job.name} failed: ${error.message}`);
      });
      return 'ran';
    } finally {
      this.running.delete(job.name);
      resolveRun();
    }
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const task of this.tasks) await task.stop();
    await Promise.allSettled(this.running.values());
  }
}
