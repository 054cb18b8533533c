import { DuckDBInstance } from '@duckdb/node-api';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Warehouse } from '../../../pipelines/warehouse/database.ts';
import { CLI, spawnCli } from '../../helpers/cli.ts';

/**
 * The pieces of the crash tests: child processes of the real CLI, a seeded RNG, the invariants read from the
 * database after a SIGKILL, and a snapshot of what a run produced (raw counts, facts, scorecards) to compare with
 * an uninterrupted run.
 */

export { CLI };
export const STREAMS = ['brands', 'orders', 'shipments', 'inquiries', 'claims', 'contacts', 'reviews'] as const;
const EVENT_STREAMS = STREAMS.filter((s) => s !== 'brands');

/** mulberry32: small, seeded, good enough to spread kill moments reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string; seconds: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`brandscore ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  return { stdout: result.stdout, stderr: result.stderr, seconds: (performance.now() - started) / 1000 };
}

/** Starts a CLI command and kills it with SIGKILL after `delayMs`; resolves with how it ended. */
export function runAndKill(args: string[], delayMs: number, env: NodeJS.ProcessEnv = {}): Promise<'killed' | 'finished'> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore', env: { ...process.env, ...env } });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolveRun(signal === 'SIGKILL' ? 'killed' : 'finished');
    });
  });
}

/**
 * runCli without blocking this process's event loop, for commands that talk to a server living in the test
 * process (the webhook receiver); rejects when the command fails.
 */
export async function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string; seconds: number }> {
  const started = performance.now();
  const { status, stdout, stderr } = await spawnCli(args, env);
  if (status !== 0) throw new Error(`brandscore ${args.join(' ')} exited ${status}: ${stderr.slice(-2000)}`);
  return { stdout, stderr, seconds: (performance.now() - started) / 1000 };
}

export interface Served {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

export const SERVE_TOKEN = 'crash-test-admin-token';

/** `brandscore serve` on port 0 with an inbox of its own; resolves once it listens. */
export function startServe(db: string, config: string): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', db, '--config', config], {
    env: { ...process.env, BRANDSCORE_ADMIN_TOKEN: SERVE_TOKEN, BRANDSCORE_RATE_LIMIT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  let stderr = '';
  return new Promise((resolveServe, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match) resolveServe({ child, url: match[1]!, exited });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code} before listening: ${stderr.slice(-2000)}`)));
  });
}

/** The input files of a generated data set, brands first, as (stream, path); brands.csv as NDJSON for HTTP. */
export async function inputFilesAsNdjson(dataDir: string, outDir: string): Promise<{ stream: string; path: string }[]> {
  const files = STREAMS.flatMap((stream) =>
    existsSync(join(dataDir, stream))
      ? readdirSync(join(dataDir, stream))
          .sort()
          .map((name) => ({ stream, path: join(dataDir, stream, name) }))
      : [],
  );
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const file of files) {
      if (!file.path.endsWith('.csv')) continue;
      const out = join(outDir, `${file.stream}.ndjson`);
      await connection.run(`COPY (SELECT * FROM read_csv('${file.path}')) TO '${out}' (FORMAT json)`);
      file.path = out;
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return files;
}

export async function postFile(url: string, file: { stream: string; path: string }): Promise<{ status: number; batchId: number | null }> {
  const response = await fetch(`${url}/api/ingest/${file.stream}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SERVE_TOKEN}`, 'content-type': 'application/x-ndjson' },
    body: readFileSync(file.path),
  });
  const answer = (await response.json()) as { batch_id?: number };
  return { status: response.status, batchId: answer.batch_id ?? null };
}

export function copyDatabase(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(`${from}.wal`)) copyFileSync(`${from}.wal`, `${to}.wal`);
}

/**
 * What must hold in the database after any crash: each committed file or request has exactly the raw and
 * quarantined rows it reports; no raw or quarantined row belongs to a batch that was not committed; no event
 * is stored twice. Returns the violations (empty when all hold).
 */
export async function invariantViolations(db: string): Promise<string[]> {
  const warehouse = await Warehouse.open(db);
  const violations: string[] = [];
  try {
    const stored = EVENT_STREAMS.map((s) => `SELECT ingest_batch AS batch FROM raw_${s}`).join(' UNION ALL ');
    const batches = `(SELECT batch_id, rows_accepted, rows_rejected, stream FROM ingested_files WHERE outcome = 'ingested'
                      UNION ALL SELECT batch_id, rows_accepted, rows_rejected, stream FROM ingest_requests WHERE outcome = 'ingested')`;
    const mismatched = await warehouse.all<{ batch_id: number; accepted: number; stored: number; rejected: number; quarantined: number }>(
      `WITH raw AS (SELECT batch, count(*) AS n FROM (${stored}) GROUP BY batch),
            q AS (SELECT batch_id AS batch, count(*) AS n FROM quarantine GROUP BY batch_id)
       SELECT b.batch_id, b.rows_accepted AS accepted, coalesce(raw.n, 0) AS stored, b.rows_rejected AS rejected, coalesce(q.n, 0) AS quarantined
       FROM ${batches} b LEFT JOIN raw ON raw.batch = b.batch_id LEFT JOIN q ON q.batch = b.batch_id
       WHERE b.stream <> 'brands' AND (coalesce(raw.n, 0) <> b.rows_accepted OR coalesce(q.n, 0) <> b.rows_rejected)`,
    );
    for (const m of mismatched) violations.push(`batch ${m.batch_id}: reports ${m.accepted} accepted / ${m.rejected} rejected, holds ${m.stored} / ${m.quarantined}`);
    const orphans = await warehouse.one<{ raw: number; quarantined: number }>(
      `SELECT (SELECT count(*) FROM (${stored}) WHERE batch NOT IN (SELECT batch_id FROM ${batches})) AS raw,
              (SELECT count(*) FROM quarantine WHERE batch_id NOT IN (SELECT batch_id FROM ${batches})) AS quarantined`,
    );
    if (Number(orphans!.raw) > 0 || Number(orphans!.quarantined) > 0) {
      violations.push(`rows of uncommitted batches: ${orphans!.raw} raw, ${orphans!.quarantined} quarantined`);
    }
    for (const stream of EVENT_STREAMS) {
      const twice = await warehouse.one<{ n: number }>(`SELECT count(*) - count(DISTINCT event_id) AS n FROM raw_${stream}`);
      if (Number(twice!.n) > 0) violations.push(`raw_${stream}: ${twice!.n} events stored twice`);
    }
  } finally {
    warehouse.close();
  }
  return violations;
}

export interface Snapshot {
  raw: Record<string, number>;
  brands: number;
  facts: Record<string, number>;
  scorecards: string[];
}

/** What a run produced, without the times at which it was computed. */
export async function snapshot(db: string): Promise<Snapshot> {
  const warehouse = await Warehouse.open(db);
  try {
    const raw: Record<string, number> = {};
    for (const stream of EVENT_STREAMS) raw[stream] = Number((await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM raw_${stream}`))!.n);
    const facts: Record<string, number> = {};
    for (const table of ['fct_orders', 'fct_inquiries', 'fct_claims', 'fct_contacts', 'fct_reviews']) {
      facts[table] = Number((await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).catch(() => ({ n: -1 })))!.n);
    }
    const brands = Number((await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM brands`))!.n);
    // After closing and on closed days a trailing window is judged at the clock (trailingWindow): its as_of is
    // when the refresh ran, which differs between any two runs; the previous window's as_of is a date's midnight.
    const scorecards = (
      await warehouse.all<{ line: string }>(
        `SELECT window_days || ' ' || window_from || ' ' || window_to || ' ' || brand_id || ' '
                || regexp_replace(figures, '("window":\\{[^}]*"as_of":)"[^"]*"', '\\1"(when refreshed)"') AS line
         FROM scorecards ORDER BY line`,
      )
    ).map((row) => row.line);
    return { raw, brands, facts, scorecards };
  } finally {
    warehouse.close();
  }
}

/**
 * What must hold in the digest tables after any crash: one outbox row per brand and date, every digest of the
 * date has its outbox row under the same key with the same body, and no outbox digest lacks its digest.
 */
export async function digestViolations(db: string, date: string): Promise<string[]> {
  const warehouse = await Warehouse.open(db);
  const violations: string[] = [];
  try {
    const doubled = await warehouse.all<{ brand_id: string; n: number }>(
      `SELECT brand_id, count(*) AS n FROM outbox WHERE kind = 'brand_digest' AND digest_date = $date::DATE GROUP BY brand_id HAVING count(*) > 1`,
      { date },
    );
    for (const row of doubled) violations.push(`outbox: ${row.n} rows for ${row.brand_id} on ${date}`);
    const unmatched = await warehouse.all<{ message_id: string; side: string }>(
      `SELECT coalesce(d.message_id, o.message_id) AS message_id,
              CASE WHEN o.message_id IS NULL THEN 'digest without outbox row'
                   WHEN d.message_id IS NULL THEN 'outbox row without digest'
                   ELSE 'bodies differ' END AS side
       FROM (SELECT * FROM digests WHERE digest_date = $date::DATE) d
       FULL JOIN (SELECT * FROM outbox WHERE kind = 'brand_digest' AND digest_date = $date::DATE) o ON o.message_id = d.message_id
       WHERE o.message_id IS NULL OR d.message_id IS NULL OR o.body <> d.body OR o.brand_id <> d.brand_id`,
      { date },
    );
    for (const row of unmatched) violations.push(`${row.message_id}: ${row.side}`);
  } finally {
    warehouse.close();
  }
  return violations;
}

/** Every stored evaluation holds exactly its brands (one recommendation row each); no row without its evaluation. */
export async function evaluationViolations(db: string): Promise<string[]> {
  const warehouse = await Warehouse.open(db);
  const violations: string[] = [];
  try {
    const partial = await warehouse.all<{ evaluation_id: number; brands_evaluated: number; n: number }>(
      `SELECT e.evaluation_id, e.brands_evaluated, count(r.recommendation_id) AS n
       FROM policy_evaluations e LEFT JOIN recommendations r USING (evaluation_id)
       GROUP BY e.evaluation_id, e.brands_evaluated HAVING count(r.recommendation_id) <> e.brands_evaluated`,
    );
    for (const row of partial) violations.push(`evaluation ${row.evaluation_id}: ${row.brands_evaluated} brands evaluated, ${row.n} stored`);
    const orphans = await warehouse.one<{ n: number }>(
      `SELECT count(*) AS n FROM recommendations WHERE evaluation_id NOT IN (SELECT evaluation_id FROM policy_evaluations)`,
    );
    if (Number(orphans!.n) > 0) violations.push(`${orphans!.n} recommendations without their evaluation`);
  } finally {
    warehouse.close();
  }
  return violations;
}

/**
 * The recommendations of the latest evaluation as of `date`, one line per brand, without the ids (the evidence
 * JSON names its evaluation and recommendation ids, which a second evaluation of the same date renumbers).
 */
export async function latestRecommendations(db: string, date: string): Promise<string[]> {
  const warehouse = await Warehouse.open(db);
  try {
    const rows = await warehouse.all<{ brand_id: string; action: string; delist_streak: number; detail: string }>(
      `SELECT brand_id, action, delist_streak, detail FROM recommendations
       WHERE evaluation_id = (SELECT max(evaluation_id) FROM policy_evaluations WHERE as_of_date = $date::DATE)
       ORDER BY brand_id`,
      { date },
    );
    return rows.map((row) => {
      const { evaluation_id: _evaluation, recommendation_id: _recommendation, ...evidence } = JSON.parse(row.detail) as Record<string, unknown>;
      return `${row.brand_id} ${row.action} ${row.delist_streak} ${JSON.stringify(evidence)}`;
    });
  } finally {
    warehouse.close();
  }
}
