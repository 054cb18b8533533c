import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { commandLine, fmt, log, machineLine, peakRssMiB, periodStartEndingYesterday, recordResults, table, watchMemory, writeSection } from './report.ts';

/**
 * The HTTP API on a large database: read throughput and latency at 50 concurrent connections (autocannon) with
 * the server otherwise idle and during an ingest (Arrow IPC batches posted back to back to the same server),
 * HTTP ingest in events per second for NDJSON and Arrow IPC, and the server process's peak resident memory in
 * each phase (the server is a child process of its own). The database is built with
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

/** n order_placed events with ids of their own (prefix), as columns. */
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
const pid = child.pid!;
try {
  const startupPeak = peakRssMiB(pid);
  const answer = (await (await fetch(`${url}/api/brands`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as unknown;
  const list = (Array.isArray(answer) ? answer : (answer as { brands: { brand_id: string }[] }).brands) as { brand_id: string }[];
  const brand = list[0]!.brand_id;
  const routes = [
    { key: 'brand_scorecard', label: '`GET /api/brands/:id/scorecard`', path: `/api/brands/${encodeURIComponent(brand)}/scorecard` },
    { key: 'scorecards_list', label: '`GET /api/scorecards` (a page of 100 brands)', path: '/api/scorecards' },
  ] as const;
  log(`server ${url} (pid ${pid}), ${list.length} brands; load for ${seconds} s per route at 50 connections`);

  type Load = Awaited<ReturnType<typeof load>> & { peakMiB: number };
  const idle: Record<string, Load> = {};
  for (const route of routes) {
    // A discarded warm-up second, so the figures are of a server that has served the route before.
    await autocannon({ url: `${url}${route.path}`, connections: 10, duration: 1, headers: { authorization: `Bearer ${TOKEN}` } });
    const memory = watchMemory(pid);
    const result = await load(url, route.path);
    idle[route.key] = { ...result, peakMiB: memory.stop() };
    log(`  ${route.key}, idle server: ${fmt(result.rps, 1)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, server peak ${fmt(idle[route.key]!.peakMiB)} MiB`);
  }

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
  let memory = watchMemory(pid);
  const ndjsonIngest = await post(url, ndjson, 'application/x-ndjson');
  const ndjsonPeak = memory.stop();
  memory = watchMemory(pid);
  const arrowIngest = await post(url, arrow, 'application/vnd.apache.arrow.stream');
  const arrowPeak = memory.stop();
  log(`  HTTP ingest: NDJSON ${fmt(n / ndjsonIngest.seconds)} ev/s, Arrow ${fmt(n / arrowIngest.seconds)} ev/s`);

  // The same reads while an ingest runs against the same server and database: Arrow batches posted back to back
  // (one client) for as long as autocannon loads the route.
  const batch = 20_000;
  const busy: Record<string, Load & { ingested: number; ingestSeconds: number }> = {};
  let round = 0;
  for (const route of routes) {
    memory = watchMemory(pid);
    let running = true;
    let ingested = 0;
    const ingestStarted = performance.now();
    const ingesting = (async () => {
      while (running) {
        const body = tableToIPC(tableFromArrays(orderEvents(batch, `busy-${route.key}-${round++}`)), 'stream');
        ingested += (await post(url, body, 'application/vnd.apache.arrow.stream')).accepted;
      }
    })();
    const result = await load(url, route.path);
    running = false;
    await ingesting;
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    busy[route.key] = { ...result, peakMiB: memory.stop(), ingested, ingestSeconds };
    log(`  ${route.key}, during ingest (${fmt(ingested / ingestSeconds)} ev/s): ${fmt(result.rps, 1)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, server peak ${fmt(busy[route.key]!.peakMiB)} MiB`);
  }

  const goal = (key: string, p99: number) => (key === 'brand_scorecard' ? `p99 ≤ 50 ms: ${p99 <= 50 ? 'met' : '**missed**'}` : '');
  const rows = routes.flatMap((route) => {
    const a = idle[route.key]!;
    const b = busy[route.key]!;
    return [
      [route.label, 'idle', fmt(a.requests), fmt(a.rps, 1), `${a.p50} ms`, `${a.p99} ms`, fmt(a.errors), fmt(a.peakMiB), goal(route.key, a.p99)],
      [route.label, `during ingest (${fmt(b.ingested / b.ingestSeconds)} ev/s)`, fmt(b.requests), fmt(b.rps, 1), `${b.p50} ms`, `${b.p99} ms`, fmt(b.errors), fmt(b.peakMiB), goal(route.key, b.p99)],
    ];
  });
  const peaks = [startupPeak, ndjsonPeak, arrowPeak, ...Object.values(idle).map((l) => l.peakMiB), ...Object.values(busy).map((l) => l.peakMiB)];
  const peak = Math.max(...peaks);
  const markdown = `## HTTP API under load

Command: \`${commandLine(`npm run bench:api -- ${values.db ? `--db ${values.db}` : `--orders ${values.orders}`} --seconds ${seconds}`)}\` · ${machineLine()}

A real \`brandscore serve\` process (a child process of its own) on ${values.db ? 'the database the pipeline benchmark built' : `a database of ${fmt(Number(values.orders))} generated orders`} (${fmt(list.length)} brands),
admin token, rate limits off; autocannon with 50 connections for ${seconds} s per route (after a discarded warm-up
second at 10 connections), first with the server otherwise idle, then during an ingest: batches of ${fmt(batch)} \`order_placed\` events as Arrow IPC posted back
to back to \`POST /api/ingest/orders\` of the same server and database for as long as the load lasts. Server
memory is the peak resident memory of the server process in that phase (its high-water mark reset at the phase's
start through /proc/PID/clear_refs, and VmRSS sampled every 50 ms).

${table(['route', 'server', 'requests', 'req/s', 'p50', 'p99', 'errors', 'server peak MiB', 'goal'], rows)}

HTTP ingest of ${fmt(n)} \`order_placed\` events in one request, server otherwise idle:

${table(['format', 'seconds', 'events/s', 'server peak MiB'], [
    ['NDJSON', fmt(ndjsonIngest.seconds, 2), fmt(n / ndjsonIngest.seconds), fmt(ndjsonPeak)],
    ['Arrow IPC stream', fmt(arrowIngest.seconds, 2), fmt(n / arrowIngest.seconds), fmt(arrowPeak)],
  ])}

Server start-up (opening the database, first request): peak ${fmt(startupPeak)} MiB. Peak resident memory of the
server process over the whole run: ${fmt(peak)} MiB.
`;
  recordResults('api', {
    brands: list.length,
    seconds,
    idle,
    during_ingest: busy,
    http_ingest: { events: n, ndjson_seconds: ndjsonIngest.seconds, arrow_seconds: arrowIngest.seconds, ndjson_peak_mib: ndjsonPeak, arrow_peak_mib: arrowPeak },
    startup_peak_mib: startupPeak,
    peak_mib: peak,
  });
  if (!values['dry-run']) writeSection('api', markdown);
  console.log(markdown);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  rmSync(work, { recursive: true, force: true });
}
