import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `npm run bench [-- --orders N | --quick]`: every benchmark in one run on this machine, each writing its own
 * section of BENCHMARKS.md. --quick is the CI-sized smoke run (200,000 orders, 1,000,000 ingest events).
 */
const { values } = parseArgs({ options: { orders: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const orders = values.orders ?? (values.quick ? '200000' : '10000000');
const events = values.quick ? '1000000' : '5000000';

// The API is measured on the database the pipeline benchmark built, so the big database is made once.
const database = join(mkdtempSync(join(tmpdir(), 'brandscore-bench-')), 'bench.duckdb');
const steps: [string, string[]][] = [
  ['bench/ingest.ts', ['--events', events]],
  ['bench/pipeline.ts', ['--orders', orders, '--keep-db', database]],
  ['bench/api.ts', ['--db', database, '--seconds', values.quick ? '3' : '10']],
];
for (const [script, args] of steps) {
  process.stderr.write(`\n== ${script} ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, ['bin/run-ts.js', script, ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`brandscore bench: ${script} failed\n`);
    process.exit(1);
  }
}
rmSync(dirname(database), { recursive: true, force: true });
