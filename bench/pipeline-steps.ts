import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EVENT_STREAMS } from '../pipelines/contracts/index.ts';

/** The steps the pipeline benchmarks share: the CLI as a timed process, and a generated period split in two. */

const cli = resolve('bin/brandscore.js');

export interface Phase {
  seconds: number;
  peakMiB: number;
  stdout: string;
}

/** Runs `brandscore ARGS…` as its own process, timed by /usr/bin/time: wall seconds, peak RSS and its stdout. */
export function runCli(args: string[]): Phase {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'PEAK_KB=%M', process.execPath, cli, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`brandscore ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  const peak = Number(/PEAK_KB=(\d+)/.exec(result.stderr)?.[1] ?? 0);
  return { seconds, peakMiB: peak / 1024, stdout: result.stdout };
}

/** Splits the generated files into the history (before the last day, local time) and the last day. */
export async function splitLastDay(generated: string, history: string, lastDay: string): Promise<{ day: string; history: number; day_events: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'Asia/Seoul'`);
  const lastRow = (await connection.runAndReadAll(
    `SELECT CAST(max(CAST(occurred_at AS TIMESTAMPTZ)) AS DATE)::VARCHAR AS day FROM read_parquet('${generated}/orders/*.parquet')`,
  )).getRowObjectsJS()[0]!;
  const day = String(lastRow.day);
  let historyEvents = 0;
  let dayEvents = 0;
  for (const stream of [...EVENT_STREAMS, 'brands']) {
    const files = readdirSync(join(generated, stream)).filter((f) => f.endsWith('.parquet') || f.endsWith('.csv'));
    if (files.length === 0) continue;
    mkdirSync(join(history, stream), { recursive: true });
    if (stream === 'brands') {
      for (const file of files) spawnSync('cp', [join(generated, stream, file), join(history, stream, file)]);
      continue;
    }
    mkdirSync(join(lastDay, stream), { recursive: true });
    const source = `read_parquet('${generated}/${stream}/*.parquet')`;
    const isLast = `CAST(CAST(occurred_at AS TIMESTAMPTZ) AS DATE) >= DATE '${day}'`;
    await connection.run(`COPY (SELECT * FROM ${source} WHERE NOT (${isLast})) TO '${history}/${stream}/${stream}.parquet' (FORMAT parquet)`);
    await connection.run(`COPY (SELECT * FROM ${source} WHERE ${isLast}) TO '${lastDay}/${stream}/${stream}.parquet' (FORMAT parquet)`);
    const counts = (await connection.runAndReadAll(
      `SELECT count(*) FILTER (WHERE NOT (${isLast})) AS h, count(*) FILTER (WHERE ${isLast}) AS d FROM ${source}`,
    )).getRowObjectsJS()[0]!;
    historyEvents += Number(counts.h);
    dayEvents += Number(counts.d);
  }
  connection.closeSync();
  instance.closeSync();
  return { day, history: historyEvents, day_events: dayEvents };
}

/** The refresh's own timing: the `took 7.1 s` line of `brandscore refresh`. */
export const tookSeconds = (out: string) => Number(/took ([\d.]+) s/.exec(out)?.[1] ?? NaN);

/** The refresh's own profile: the `phases (s): calendar 0.10, facts 1.20, …` line of `brandscore refresh`. */
export const phasesOf = (out: string): Record<string, number> =>
  Object.fromEntries(
    (/phases \(s\): (.*)/.exec(out)?.[1] ?? '')
      .split(', ')
      .filter(Boolean)
      .map((entry) => {
        const [phase, seconds] = entry.split(' ');
        return [phase!, Number(seconds)];
      }),
  );
