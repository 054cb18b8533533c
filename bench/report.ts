import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'BENCHMARKS.md';

/** Progress of a bench script: on stderr, so that its stdout stays clean. */
export const log = (message: string) => process.stderr.write(`${message}\n`);

/** The machine a figure was measured on, printed beside every section. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/**
 * Replaces one section of BENCHMARKS.md (between `<!-- name:start -->` and `<!-- name:end -->`), so that each
 * benchmark rewrites only its own figures and no figure is typed by hand.
 */
export function writeSection(name: string, markdown: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmarks\n\nEvery figure below is written by the command named in its section.\n';
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  writeFileSync(FILE, pattern.test(current) ? current.replace(pattern, block) : `${current.trimEnd()}\n\n${block}\n`);
}

export function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * First day of a 180-day period ending yesterday in the business zone, so that today's trailing scorecard
 * windows are full and refresh and API work on real scorecards, as in production.
 */
export function periodStartEndingYesterday(days = 180): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date());
  return new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The command a section names: `npm run bench …` when the section was written by the single run (bench/run.ts
 * sets BENCH_COMMAND), else the script's own command.
 */
export function commandLine(own: string): string {
  return process.env.BENCH_COMMAND ?? own;
}

/**
 * Figures a benchmark hands to the run's summary (bench/run.ts sets BENCH_RESULTS to a folder): one JSON file
 * per benchmark, read back by readResults. Outside a run, nothing is recorded.
 */
export function recordResults(name: string, figures: unknown): void {
  const dir = process.env.BENCH_RESULTS;
  if (dir) writeFileSync(join(dir, `${name}.json`), JSON.stringify(figures, null, 2));
}

export function readResults<T>(dir: string, name: string): T | undefined {
  const file = join(dir, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** One kB figure of /proc/PID/status, in MiB; 0 when the process has gone. */
function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Peak resident memory so far of a process of ours (VmHWM), in MiB; 0 when it has gone. */
export const peakRssMiB = (pid: number) => statusMiB(pid, 'VmHWM');

/** Resident memory now of a process, in MiB; 0 when it has gone. */
const rssMiB = (pid: number) => statusMiB(pid, 'VmRSS');

/**
 * Measures one phase's peak resident memory of a process: resets the kernel's high-water mark (writing 5 to
 * /proc/PID/clear_refs, allowed for our own children) and also samples VmRSS every 50 ms, in case the reset is
 * not allowed; `stop()` returns the larger of the two.
 */
export function watchMemory(pid: number): { stop: () => number } {
  let resetOk = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    resetOk = false;
  }
  let sampled = rssMiB(pid);
  const timer = setInterval(() => (sampled = Math.max(sampled, rssMiB(pid))), 50);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(sampled, rssMiB(pid), resetOk ? peakRssMiB(pid) : 0);
    },
  };
}
