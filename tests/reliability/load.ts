import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

/**
 * Load test (issue 12): concurrent API reads for --seconds (default 120) against a real `brandscore serve` on a
 * large database while HTTP ingest runs in a loop, files land in the inbox and the scheduler refreshes.
 * Reports every read request, errors (must be 0: non-2xx, socket errors and timeouts all count) and latency.
 *
 *   node bin/run-ts.js tests/reliability/load.ts --orders 1000000        # builds the database first
 *   node bin/run-ts.js tests/reliability/load.ts --db FILE [--seconds 120 --connections 20]
 *
 * --db is copied first: the run appends events to its copy, never to the file given.
 */
const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000000' },
    db: { type: 'string' },
    seconds: { type: 'string', default: '120' },
    connections: { type: 'string', default: '20' },
    'ingest-rows': { type: 'string', default: '20000' },
  },
});
const log = (message: string) => process.stderr.write(`${message}\n`);
const cli = resolve('bin/brandscore.js');
const work = mkdtempSync(join(tmpdir(), 'brandscore-load-'));
const seconds = Number(values.seconds);
const TOKEN = 'load-test-admin-token';
const HEADERS = { authorization: `Bearer ${TOKEN}` };

function runCli(args: string[]): void {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`brandscore ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
}

const db = join(work, 'load.duckdb');
if (values.db) copyFileSync(values.db, db);
else {
  const out = join(work, 'generated');
  const start = new Date(Date.now() - 180 * 86_400_000).toISOString().slice(0, 10);
  log(`building a database of ${values.orders} orders`);
  runCli(['generate', '--out', out, '--orders', values.orders, '--start', start]);
  runCli(['ingest', ...['brands', 'orders', 'shipments', 'inquiries', 'claims', 'contacts', 'reviews'].map((s) => join(out, s)), '--db', db]);
  runCli(['refresh', '--db', db]);
  rmSync(out, { recursive: true, force: true });
}
const inbox = join(work, 'inbox');
mkdirSync(join(inbox, 'orders'), { recursive: true });

function startServer(): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  writeFileSync(join(work, 'config.json'), JSON.stringify({ inbox }));
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--db', db, '--config', join(work, 'config.json')], {
    env: { ...process.env, BRANDSCORE_ADMIN_TOKEN: TOKEN, BRANDSCORE_RATE_LIMIT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolveServer, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match) resolveServer({ child, url: match[1]!, stderr: () => stderr });
    });
    child.on('exit', () => reject(new Error(`serve exited: ${stderr}`)));
  });
}

const isoNow = () => new Date().toISOString();
function orderLines(prefix: string, n: number, brands: string[]): string {
  const at = isoNow();
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      event_id: `${prefix}-${i}`,
      type: 'order_placed',
      brand_id: brands[i % brands.length],
      occurred_at: at,
      order_id: `${prefix}-O${i}`,
      amount: 10_000 + (i % 5000),
      quantity: 1,
    }),
  ).join('\n');
}

const { child, url, stderr } = await startServer();
const started = new Date();
try {
  const brandsAnswer = (await (await fetch(`${url}/api/brands`, { headers: HEADERS })).json()) as { brands?: { brand_id: string }[] } | { brand_id: string }[];
  const brands = (Array.isArray(brandsAnswer) ? brandsAnswer : brandsAnswer.brands!).map((b) => b.brand_id);
  log(`server ${url}, ${brands.length} brands; reads for ${seconds} s at ${values.connections} connections while ingest runs`);

  // Writers: HTTP ingest in a loop, and one inbox file a quarter of the way in (the scheduler ingests it at the
  // next minute, then refreshes).
  let writing = true;
  const ingest = { requests: 0, errors: 0, accepted: 0, slowest: 0 };
  const ingestLoop = (async () => {
    for (let i = 0; writing; i++) {
      const t = performance.now();
      const response = await fetch(`${url}/api/ingest/orders`, {
        method: 'POST',
        headers: { ...HEADERS, 'content-type': 'application/x-ndjson' },
        body: orderLines(`load-${i}`, Number(values['ingest-rows']), brands),
      }).catch(() => null);
      ingest.requests++;
      ingest.slowest = Math.max(ingest.slowest, (performance.now() - t) / 1000);
      if (response?.status !== 200) ingest.errors++;
      else ingest.accepted += ((await response.json()) as { accepted: number }).accepted;
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  setTimeout(() => writeFileSync(join(inbox, 'orders', 'load-inbox.ndjson'), orderLines('inbox', 100_000, brands)), (seconds * 1000) / 4);

  const paths = [
    ...brands.slice(0, 50).map((b) => `/api/brands/${encodeURIComponent(b)}/scorecard`),
    '/api/scorecards',
    '/api/scorecards?limit=1000',
    '/api/brands',
    '/api/jobs',
    '/api/health',
  ];
  const result = await autocannon({
    url,
    connections: Number(values.connections),
    duration: seconds,
    timeout: 30,
    headers: HEADERS,
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  writing = false;
  await ingestLoop;

  const jobs = (await (await fetch(`${url}/api/jobs`, { headers: HEADERS })).json()) as {
    job_runs: { job: string; outcome: string; started_at: string; finished_at: string | null }[];
  };
  const during = jobs.job_runs.filter((run) => Date.parse(run.started_at) >= started.getTime());
  const summary = {
    command: `node bin/run-ts.js tests/reliability/load.ts ${values.db ? `--db ${values.db}` : `--orders ${values.orders}`} --seconds ${seconds} --connections ${values.connections}`,
    seconds,
    connections: Number(values.connections),
    brands: brands.length,
    reads: {
      requests: result.requests.total,
      rps: result.requests.average,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    },
    ingest,
    jobs_during_run: during.map((run) => ({
      job: run.job,
      outcome: run.outcome,
      seconds: run.finished_at ? (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000 : null,
    })),
    server_peak_rss_mib: Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
  };
  console.log(JSON.stringify(summary, null, 2));
  const failed = result.non2xx + result.errors + result.timeouts + ingest.errors;
  if (failed > 0) {
    log(`load: ${failed} failed requests\n${stderr().slice(-3000)}`);
    process.exitCode = 1;
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  rmSync(work, { recursive: true, force: true });
}
