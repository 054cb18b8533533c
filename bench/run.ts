import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

/**
 * `npm run bench [-- --orders N | --quick]`: every benchmark in one run on this machine, each writing its own
 * section of BENCHMARKS.md. --quick is the CI-sized smoke run (200,000 orders, 1,000,000 ingest events).
 */
const { values } = parseArgs({ options: { orders: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const orders = values.orders ?? (values.quick ? '200000' : '10000000');
const events = values.quick ? '1000000' : '5000000';

const steps: [string, string[]][] = [
  ['bench/ingest.ts', ['--events', events]],
  ['bench/pipeline.ts', ['--orders', orders]],
];
for (const [script, args] of steps) {
  process.stderr.write(`\n== ${script} ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, ['bin/run-ts.js', script, ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`brandscore bench: ${script} failed\n`);
    process.exit(1);
  }
}
