import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/event-files.ts';
import {
  copyDatabase,
  inputFilesAsNdjson,
  invariantViolations,
  postFile,
  runAndKill,
  runCli,
  seededRandom,
  snapshot,
  startServe,
  STREAMS,
  type Snapshot,
} from './harness.ts';

/**
 * SIGKILL at random moments during file ingest, HTTP ingest and refresh; after each kill the invariants must hold
 * (harness.ts), and after finishing the work the database must equal an uninterrupted run's. A crash point is one
 * entry in CRASH_POINTS. Rounds per point: BRANDSCORE_CRASH_ROUNDS (default 1 per kind, to keep the suite quick; e.g. 200 for a manual run), kill
 * moments from BRANDSCORE_CRASH_SEED (default 12), so a failure is reproduced with the same seed.
 *
 *   BRANDSCORE_CRASH_ROUNDS=200 npx vitest run tests/reliability/crash
 */
const ROUNDS = Number(process.env.BRANDSCORE_CRASH_ROUNDS ?? 1);
const SEED = Number(process.env.BRANDSCORE_CRASH_SEED ?? 12);

let work: string;
let data: string;
/** Ingested, not refreshed: where the refresh crash rounds start. */
let ingestedDb: string;
let reference: Snapshot;
let timing: { ingest: number; refresh: number };
let files: { stream: string; path: string }[];

interface RoundOutcome {
  ended: 'killed' | 'finished';
  violations: string[];
}

interface CrashPoint {
  name: string;
  /** Runs one round with a kill `fraction` (0–1) of the way into the work; finishes the work; returns the result. */
  round(db: string, fraction: number, roundDir: string): Promise<RoundOutcome>;
}

const ingestArgs = (db: string) => ['ingest', ...STREAMS.map((s) => join(data, s)), '--db', db];

const CRASH_POINTS: CrashPoint[] = [
  {
    name: 'file ingest (brandscore ingest)',
    async round(db, fraction) {
      const ended = await runAndKill(ingestArgs(db), fraction * timing.ingest * 1000);
      const violations = await invariantViolations(db);
      runCli(ingestArgs(db));
      runCli(['refresh', '--db', db]);
      return { ended, violations };
    },
  },
  {
    name: 'HTTP ingest (POST /api/ingest/:stream to serve)',
    async round(db, fraction, roundDir) {
      const config = join(roundDir, 'config.json');
      writeFileSync(config, JSON.stringify({ inbox: join(roundDir, 'inbox') }));
      const first = await startServe(db, config);
      const answered: number[] = [];
      const started = performance.now();
      // Kill somewhere in the time it takes to post every file, measured on the reference run of this file set.
      const killAfter = fraction * timing.ingest * 1000;
      const killer = setTimeout(() => first.child.kill('SIGKILL'), killAfter);
      for (const file of files) {
        const answer = await postFile(first.url, file).catch(() => null);
        if (!answer) break;
        expect(answer.status).toBe(200);
        answered.push(answer.batchId!);
      }
      clearTimeout(killer);
      const ended = performance.now() - started >= killAfter ? 'killed' : 'finished';
      first.child.kill('SIGKILL');
      await first.exited;
      const violations = await invariantViolations(db);
      // Every request the client saw answered 200 must be in, whatever happened after.
      const { Warehouse } = await import('../../../pipelines/warehouse/database.ts');
      const warehouse = await Warehouse.open(db);
      const kept = await warehouse.all<{ batch_id: number }>(`SELECT batch_id FROM ingest_requests WHERE outcome = 'ingested'`);
      warehouse.close();
      const keptIds = new Set(kept.map((row) => Number(row.batch_id)));
      for (const id of answered) if (!keptIds.has(id)) violations.push(`request answered with batch ${id} is not stored`);

      // The client retries everything: duplicates are counted, not stored.
      const second = await startServe(db, config);
      for (const file of files) expect((await postFile(second.url, file)).status).toBe(200);
      second.child.kill('SIGTERM');
      await second.exited;
      runCli(['refresh', '--db', db]);
      return { ended, violations };
    },
  },
  {
    name: 'refresh (brandscore refresh)',
    async round(db, fraction) {
      copyDatabase(ingestedDb, db);
      const ended = await runAndKill(['refresh', '--db', db], fraction * timing.refresh * 1000);
      const violations = await invariantViolations(db);
      runCli(['refresh', '--db', db]);
      return { ended, violations };
    },
  },
];

beforeAll(async () => {
  work = tempDir('brandscore-crash-');
  data = join(work, 'data');
  const start = new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10);
  runCli(['generate', '--out', data, '--orders', '1000', '--brands', '12', '--start', start, '--seed', '5', '--dirty', '0.03', '--format', 'ndjson']);
  ingestedDb = join(work, 'ingested.duckdb');
  const ingest = runCli(ingestArgs(ingestedDb));
  const referenceDb = join(work, 'reference.duckdb');
  copyDatabase(ingestedDb, referenceDb);
  const refresh = runCli(['refresh', '--db', referenceDb]);
  timing = { ingest: ingest.seconds, refresh: refresh.seconds };
  files = await inputFilesAsNdjson(data, work);
  reference = await snapshot(referenceDb);
  expect(await invariantViolations(referenceDb)).toEqual([]);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('SIGKILL at random moments', () => {
  const tried: string[] = [];
  let killed = 0;
  let violationsFound = 0;
  for (const [index, point] of CRASH_POINTS.entries()) {
    it(
      `${point.name}: every batch fully in or not at all, and the finished work equals an uninterrupted run`,
      async () => {
        const random = seededRandom(SEED * 1000 + index);
        for (let round = 0; round < ROUNDS; round++) {
          const fraction = random();
          const roundDir = join(work, `round-${index}-${round}`);
          mkdirSync(roundDir, { recursive: true });
          const db = join(roundDir, 'crash.duckdb');
          const outcome = await point.round(db, fraction, roundDir);
          const where = `${point.name}, seed ${SEED}, round ${round}, kill at ${(fraction * 100).toFixed(1)} %`;
          tried.push(where);
          if (outcome.ended === 'killed') killed++;
          violationsFound += outcome.violations.length;
          expect(outcome.violations, where).toEqual([]);
          const after = await snapshot(db);
          expect(after.raw, where).toEqual(reference.raw);
          expect(after.brands, where).toBe(reference.brands);
          expect(after.facts, where).toEqual(reference.facts);
          expect(after.scorecards, where).toEqual(reference.scorecards);
          rmSync(roundDir, { recursive: true, force: true });
        }
      },
      60_000 + ROUNDS * 60_000,
    );
  }
  it('reports the crash points tried', () => {
    console.log(
      `[reliability] crash points tried: ${tried.length} (${CRASH_POINTS.length} kinds x ${ROUNDS} rounds, seed ${SEED}); ` +
        `killed mid-run: ${killed}; invariant violations: ${violationsFound}; reference: ${JSON.stringify(reference.raw)}, ${reference.scorecards.length} scorecards`,
    );
  });
});
