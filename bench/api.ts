import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { fmt, machineLine, periodStartEndingYesterday, table, writeSection } from './report.ts';

/**
 * The HTTP API on a large database: read throughput and latency at 50 concurrent connections (autocannon), HTTP
 * ingest in events per second for NDJSON and Arrow IPC, and the server's peak memory. The database is built with
 * the CLI (generate, ingest, refresh) unless --db names an existing one.
 * `npm run bench:api [-- --orders N | --db FILE] [--seconds 10]`, default 10,000,000 orders.
 */
const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '10000000' },
    db: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const log = (message: string) => process.stderr.write(`${message}\n`);
const cli = resolve('bin/brandscore.js');
const work = mkdtempSync(join(tmpdir(), 'brandscore-bench-api-'));
const seconds = Number(values.seconds);
const TOKEN = 'bench-admin-token';

function runCli(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`brandscore ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  return (performance.now() - started) / 1000;
}

let db = values.db;
if (!db) {
  db = join(work, 'api.duckdb');
  const out = join(work, 'generated');
  log(`building a database of ${fmt(Number(values.orders))} orders`);
  runCli(['generate', '--out', out, '--orders', String(values.orders), '--start', periodStartEndingYesterday()]);
  const streams = ['brands', 'orders', 'shipments', 'inquiries', 'claims', 'contacts', 'reviews'].map((stream) => join(out, stream));
  runCli(['ingest', ...streams, '--db', db]);
  runCli(['refresh', '--db', db]);
  rmSync(out, { recursive: true, force: true });
}

function startServer(database: string): Promise<{ child: ChildProcess; url: string }> {
  // An inbox of its own, so the benchmark's server never picks up files from the working copy's data/inbox.
  writeFileSync(join(work, 'config.json'), JSON.stringify({ inbox: join(work, 'inbox') }));
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--db', database, '--config', join(work, 'config.json')], {
    env: { ...process.env, BRANDSCORE_ADMIN_TOKEN: TOKEN, BRANDSCORE_RATE_LIMIT: '0', BRANDSCORE_INGEST_RATE_LIMIT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolveServer, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match) resolveServer({ child, url: match[1]! });
    });
    child.on('exit', () => reject(new Error(`serve exited: ${stderr}`)));
  });
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function load(url: string, path: string) {
  const result = await autocannon({ url: `${url}${path}`, connections: 50, duration: seconds, headers: { authorization: `Bearer ${TOKEN}` } });
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

function orderEvents(n: number, prefix: string) {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  return {
    event_id: ids,
    type: ids.map(() => 'order_placed'),
    brand_id: ids.map((_, i) => `BENCH${i % 100}`),
    occurred_at: ids.map(() => '2025-02-27T10:00:00+09:00'),
    order_id: ids.map((id) => `O-${id}`),
    amount: Int32Array.from(ids, (_, i) => 10_000 + (i % 5000)),
    quantity: Int32Array.from(ids, () => 1),
  };
}

async function post(url: string, body: Uint8Array | string, contentType: string) {
  const started = performance.now();
  const response = await fetch(`${url}/api/ingest/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
  const answer = (await response.json()) as { accepted: number };
  if (response.status !== 200) throw new Error(`ingest answered ${response.status}: ${JSON.stringify(answer)}`);
  return { seconds: (performance.now() - started) / 1000, accepted: answer.accepted };
}

const { child, url } = await startServer(db);
try {
  const answer = (await (await fetch(`${url}/api/brands`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as unknown;
  const list = (Array.isArray(answer) ? answer : (answer as { brands: { brand_id: string }[] }).brands) as { brand_id: string }[];
  const brand = list[0]!.brand_id;
  log(`server ${url}, ${list.length} brands; load for ${seconds} s per route at 50 connections`);
  const scorecard = await load(url, `/api/brands/${encodeURIComponent(brand)}/scorecard`);
  log(`  brand scorecard: ${fmt(scorecard.rps)} req/s, p99 ${scorecard.p99} ms`);
  const scorecards = await load(url, '/api/scorecards');
  log(`  scorecards list: ${fmt(scorecards.rps, 1)} req/s, p99 ${scorecards.p99} ms`);

  const n = 100_000;
  const arrow = tableToIPC(tableFromArrays(orderEvents(n, 'arrow')), 'stream');
  const ndjsonRows = orderEvents(n, 'ndjson');
  const ndjson = ndjsonRows.event_id
    .map((id, i) =>
      JSON.stringify({
        event_id: id,
        type: 'order_placed',
        brand_id: ndjsonRows.brand_id[i],
        occurred_at: ndjsonRows.occurred_at[i],
        order_id: ndjsonRows.order_id[i],
        amount: ndjsonRows.amount[i],
        quantity: 1,
      }),
    )
    .join('\n');
  const ndjsonIngest = await post(url, ndjson, 'application/x-ndjson');
  const arrowIngest = await post(url, arrow, 'application/vnd.apache.arrow.stream');
  log(`  HTTP ingest: NDJSON ${fmt(n / ndjsonIngest.seconds)} ev/s, Arrow ${fmt(n / arrowIngest.seconds)} ev/s`);
  const peak = peakRssMiB(child.pid!);

  const rows = [
    ['`GET /api/brands/:id/scorecard`', fmt(scorecard.requests), fmt(scorecard.rps), `${scorecard.p50} ms`, `${scorecard.p99} ms`, fmt(scorecard.errors), 'p99 ≤ 50 ms (issue 11)'],
    ['`GET /api/scorecards` (a page of 100 brands)', fmt(scorecards.requests), fmt(scorecards.rps, 1), `${scorecards.p50} ms`, `${scorecards.p99} ms`, fmt(scorecards.errors), ''],
  ];
  const markdown = `## HTTP API under load

Command: \`npm run bench:api -- ${values.db ? `--db ${values.db}` : `--orders ${values.orders}`} --seconds ${seconds}\` · ${machineLine()}

A real \`brandscore serve\` process on a database of ${values.db ? 'the given file' : `${fmt(Number(values.orders))} generated orders`} (${fmt(list.length)} brands),
admin token, rate limits off; autocannon with 50 connections for ${seconds} s per route, the server idle otherwise.

${table(['route', 'requests', 'req/s', 'p50', 'p99', 'errors', 'goal'], rows)}

HTTP ingest of ${fmt(n)} \`order_placed\` events in one request: NDJSON ${fmt(ndjsonIngest.seconds, 2)} s
(${fmt(n / ndjsonIngest.seconds)} events/s), Arrow IPC stream ${fmt(arrowIngest.seconds, 2)} s (${fmt(n / arrowIngest.seconds)} events/s).
Peak resident memory of the server process over the run: ${fmt(peak)} MiB.
`;
  if (!values['dry-run']) writeSection('api', markdown);
  console.log(markdown);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  rmSync(work, { recursive: true, force: true });
}
