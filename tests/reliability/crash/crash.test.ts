import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../../metrics/calendar/calendar.ts';
import { signBody } from '../../../pipelines/delivery/webhook.ts';
import { tempDir } from '../../helpers/event-files.ts';
import { startReceiver, type Receiver } from '../../helpers/webhook-receiver.ts';
import {
  CLI,
  copyDatabase,
  digestViolations,
  evaluationViolations,
  latestRecommendations,
  runCliAsync,
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
 *   BRANDSCORE_CRASH_ONLY=digest BRANDSCORE_CRASH_ROUNDS=10 npx vitest run tests/reliability/crash
 */
const ROUNDS = Number(process.env.BRANDSCORE_CRASH_ROUNDS ?? 1);
const SEED = Number(process.env.BRANDSCORE_CRASH_SEED ?? 12);
/** Only the crash points whose name contains this text (e.g. `digest`), to repeat one of them. */
const ONLY = process.env.BRANDSCORE_CRASH_ONLY ?? '';

let work: string;
let data: string;
/** Ingested, not refreshed: where the refresh crash rounds start. */
let ingestedDb: string;
/** Ingested and refreshed: where the digest and recommendation rounds start. */
let refreshedDb: string;
let reference: Snapshot;
let timing: { ingest: number; refresh: number; digest: number; recommend: number };
/** The last business day before today: the date of the digests and of the evaluation. */
let businessDate: string;
let referenceDigestKeys: string[];
let referenceRecommendations: string[];
/** Across all digest rounds: kills that landed while the receiver was being sent digests. */
let killedDuringDelivery = 0;
/** Across all evaluation rounds: kills after which the killed run's evaluation was stored (whole) / not at all. */
const evaluationKills = { stored: 0, absent: 0 };
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

const WEBHOOK_SECRET = 'crash-test-webhook-secret-0123456789';

/**
 * A loopback webhook receiver in this process: records every request's key and body, checks its signature
 * (401 when wrong, which the sender treats as final and the invariants count), and answers 200 after 150 ms so
 * that a delivery takes long enough for kills to land in it.
 */
interface Hook extends Receiver {
  badSignatures: number;
  accepted: { key: string; body: string }[];
  /** When set: on the n-th request, run `then` (a SIGKILL of the sender) and never answer. */
  hold?: { n: number; then: () => void };
}

async function startHook(): Promise<Hook> {
  const accepted: { key: string; body: string }[] = [];
  const state = { badSignatures: 0 };
  const hook: { current?: Hook } = {};
  const receiver = await startReceiver((n, request, response) => {
    const key = String(request.headers['idempotency-key']);
    const hold = hook.current?.hold;
    if (hold && hold.n === n) {
      hold.then();
      return 'hang';
    }
    if (request.headers['x-brandscore-signature'] !== signBody(request.body, WEBHOOK_SECRET)) {
      state.badSignatures++;
      response.writeHead(401).end();
      return 'handled';
    }
    setTimeout(() => {
      accepted.push({ key, body: request.body.toString('utf8') });
      response.writeHead(200).end('ok');
    }, 150);
    return 'handled';
  });
  hook.current = Object.assign(receiver, { accepted, get badSignatures() { return state.badSignatures; } });
  return hook.current;
}

function digestSetup(roundDir: string, db: string, url: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const config = join(roundDir, 'digest-config.json');
  writeFileSync(
    config,
    JSON.stringify({ delivery: { outboxDir: join(roundDir, 'outbox'), webhook: { timeoutMs: 5000, backoffBaseMs: 10, backoffMaxMs: 20 } } }),
  );
  return {
    args: ['digest', '--date', businessDate, '--db', db, '--config', config],
    env: { BRANDSCORE_WEBHOOK_URL: url, BRANDSCORE_WEBHOOK_SECRET: WEBHOOK_SECRET },
  };
}

/**
 * After delivery finished: every digest of the date is delivered and was accepted by the receiver at least once,
 * every key always came with the same body (the outbox's), one key per brand and date, no bad signature.
 */
async function deliveryViolations(db: string, hook: Hook): Promise<string[]> {
  const violations: string[] = [];
  if (hook.badSignatures > 0) violations.push(`${hook.badSignatures} requests with a bad signature`);
  const { Warehouse } = await import('../../../pipelines/warehouse/database.ts');
  const warehouse = await Warehouse.open(db);
  const outbox = await warehouse.all<{ message_id: string; status: string; body: string }>(
    `SELECT message_id, status, body FROM outbox WHERE kind = 'brand_digest' AND digest_date = $date::DATE`,
    { date: businessDate },
  );
  warehouse.close();
  const bodies = new Map(outbox.map((row) => [row.message_id, row.body]));
  for (const row of outbox) {
    if (row.status !== 'delivered') violations.push(`${row.message_id}: ${row.status}, not delivered`);
    if (!hook.accepted.some((a) => a.key === row.message_id)) violations.push(`${row.message_id}: never accepted by the receiver`);
  }
  const keysOfBrandDate = new Map<string, Set<string>>();
  for (const request of hook.requests) {
    const key = String(request.headers['idempotency-key']);
    const body = request.body.toString('utf8');
    if (!bodies.has(key)) violations.push(`${key}: received, not in the outbox`);
    else if (bodies.get(key) !== body) violations.push(`${key}: a body other than the outbox's`);
    const parsed = JSON.parse(body) as { brand_id: string; digest_date: string };
    const brandDate = `${parsed.brand_id} ${parsed.digest_date}`;
    keysOfBrandDate.set(brandDate, (keysOfBrandDate.get(brandDate) ?? new Set()).add(key));
  }
  for (const [brandDate, keys] of keysOfBrandDate) if (keys.size > 1) violations.push(`${brandDate}: ${keys.size} keys (${[...keys].join(', ')})`);
  return violations;
}

/**
 * One digest round: kill `brandscore digest` at `fraction` of its reference run time ('time'), or while the
 * receiver holds the k-th request, k = 1 + ⌊fraction × digests⌋, before it answers ('request'); then restart
 * it and let delivery finish.
 */
async function digestRound(db: string, fraction: number, roundDir: string, at: 'time' | 'request'): Promise<RoundOutcome> {
  copyDatabase(refreshedDb, db);
  const hook = await startHook();
  try {
    const { args, env } = digestSetup(roundDir, db, hook.url);
    let ended: 'killed' | 'finished';
    if (at === 'time') {
      ended = await runAndKill(args, fraction * timing.digest * 1000, env);
    } else {
      const k = 1 + Math.floor(fraction * referenceDigestKeys.length);
      const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore', env: { ...process.env, ...env } });
      hook.hold = { n: k, then: () => child.kill('SIGKILL') };
      ended = await new Promise((done) => child.on('exit', (_code, signal) => done(signal === 'SIGKILL' ? 'killed' : 'finished')));
      hook.hold = undefined;
    }
    if (ended === 'killed' && hook.requests.length > 0 && hook.accepted.length < referenceDigestKeys.length) killedDuringDelivery++;
    const violations = await digestViolations(db, businessDate);
    // Restart: the same command resumes the outbox and makes no second digest.
    await runCliAsync(args, env);
    violations.push(...(await digestViolations(db, businessDate)), ...(await deliveryViolations(db, hook)));
    const keys = [...new Set(hook.accepted.map((a) => a.key))].sort();
    if (keys.join() !== referenceDigestKeys.join()) violations.push(`digests delivered ${keys.join()} ≠ uninterrupted ${referenceDigestKeys.join()}`);
    return { ended, violations };
  } finally {
    await hook.close();
  }
}

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
  {
    name: 'digest delivery (brandscore digest to a loopback webhook)',
    round: (db, fraction, roundDir) => digestRound(db, fraction, roundDir, 'time'),
  },
  {
    name: 'digest delivery, killed during the sends (the k-th webhook request)',
    round: (db, fraction, roundDir) => digestRound(db, fraction, roundDir, 'request'),
  },
  {
    name: 'weekly recommendation evaluation (brandscore recommend --as-of)',
    async round(db, fraction) {
      copyDatabase(refreshedDb, db);
      const args = ['recommend', '--as-of', businessDate, '--db', db];
      const ended = await runAndKill(args, fraction * timing.recommend * 1000);
      const violations = await evaluationViolations(db);
      if ((await latestRecommendations(db, businessDate)).length > 0) evaluationKills.stored++;
      else evaluationKills.absent++;
      runCli(args);
      violations.push(...(await evaluationViolations(db)));
      const again = await latestRecommendations(db, businessDate);
      if (JSON.stringify(again) !== JSON.stringify(referenceRecommendations)) {
        violations.push(`re-run recommendations differ from an uninterrupted run's:\n${again.join('\n')}\n≠\n${referenceRecommendations.join('\n')}`);
      }
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
  refreshedDb = join(work, 'refreshed.duckdb');
  copyDatabase(referenceDb, refreshedDb);

  const calendar = BusinessCalendar.fromSettings({});
  businessDate = calendar.localDateOf(new Date(Date.now() - 86_400_000));
  while (!calendar.isBusinessDay(businessDate)) businessDate = new Date(Date.parse(`${businessDate}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  // Uninterrupted digest and evaluation: their timings bound the kill moments, their results are the reference.
  const digestDir = join(work, 'digest-reference');
  mkdirSync(digestDir);
  const digestDb = join(digestDir, 'digest.duckdb');
  copyDatabase(refreshedDb, digestDb);
  const hook = await startHook();
  const { args, env } = digestSetup(digestDir, digestDb, hook.url);
  const digest = await runCliAsync(args, env);
  await hook.close();
  referenceDigestKeys = [...new Set(hook.accepted.map((a) => a.key))].sort();
  expect(await deliveryViolations(digestDb, hook)).toEqual([]);
  expect(referenceDigestKeys.length).toBeGreaterThan(0);
  const recommendDb = join(work, 'recommend.duckdb');
  copyDatabase(refreshedDb, recommendDb);
  const recommend = runCli(['recommend', '--as-of', businessDate, '--db', recommendDb]);
  referenceRecommendations = await latestRecommendations(recommendDb, businessDate);
  expect(referenceRecommendations.length).toBeGreaterThan(0);
  timing = { ingest: ingest.seconds, refresh: refresh.seconds, digest: digest.seconds, recommend: recommend.seconds };
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
    it.skipIf(!point.name.includes(ONLY))(
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
      `[reliability] crash points tried: ${tried.length} (${CRASH_POINTS.filter((p) => p.name.includes(ONLY)).length} kinds x ${ROUNDS} rounds, seed ${SEED}); ` +
        `killed mid-run: ${killed} (digest kills during delivery: ${killedDuringDelivery}; evaluation after the kill: ${evaluationKills.stored} stored whole, ${evaluationKills.absent} absent); invariant violations: ${violationsFound}; ` +
        `${referenceDigestKeys.length} digests of ${businessDate}, ${referenceRecommendations.length} brands evaluated; reference: ${JSON.stringify(reference.raw)}, ${reference.scorecards.length} scorecards`,
    );
  });
});
