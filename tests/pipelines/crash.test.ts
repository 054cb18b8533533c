import { DuckDBInstance } from '@duckdb/node-api';
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from '../helpers/event-files.ts';

const CLI = resolve('bin/brandscore.js');
const ROWS = 600_000;

async function writeLargeOrdersFile(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (
      SELECT 'e' || i AS event_id, 'order_placed' AS type, 'B' || (i % 50) AS brand_id,
             '2024-03-08T10:00:00+09:00' AS occurred_at, 'O' || i AS order_id, 1000 + i % 977 AS amount, 1 AS quantity
      FROM range(${ROWS}) t(i) ORDER BY i) TO '${path}' (FORMAT csv, HEADER)`);
  connection.closeSync();
  instance.closeSync();
}

/** Starts `brandscore ingest`, and kills it with SIGKILL `delayMs` after it announced the file. */
function ingestAndKill(file: string, db: string, delayMs: number): Promise<string> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [CLI, 'ingest', file, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => {
      if (!killed && chunk.toString().includes('[1/1]')) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('exit', (_code, signal) => resolvePromise(signal ?? 'exited'));
  });
}

describe('a crash in the middle of a file', () => {
  it('leaves the file either fully in or not at all, and a rerun ingests it exactly once', async () => {
    const dir = tempDir();
    const file = join(dir, 'orders-large.csv');
    await writeLargeOrdersFile(file);
    const outcomes: { delay: number; signal: string; rowsAfterCrash: number }[] = [];
    for (const delay of [50, 400, 900]) {
      const db = join(dir, `crash-${delay}.duckdb`);
      const signal = await ingestAndKill(file, db, delay);
      const afterCrash = await Warehouse.open(db);
      const rowsAfterCrash = Number((await afterCrash.one<{ n: number }>('SELECT count(*) AS n FROM raw_orders'))!.n);
      afterCrash.close();
      outcomes.push({ delay, signal, rowsAfterCrash });
      expect([0, ROWS]).toContain(rowsAfterCrash);

      const rerun = spawnSync(process.execPath, [CLI, 'ingest', file, '--db', db], { encoding: 'utf8' });
      expect(rerun.status, rerun.stderr).toBe(0);
      const warehouse = await Warehouse.open(db);
      expect(await warehouse.one('SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM raw_orders')).toEqual({ n: ROWS, ids: ROWS });
      expect(await warehouse.all(`SELECT outcome FROM ingested_files WHERE outcome = 'ingested'`)).toHaveLength(1);
      warehouse.close();
    }
    // At least one kill must have landed while the transaction was open, or the test proved nothing.
    expect(outcomes.filter((o) => o.signal === 'SIGKILL' && o.rowsAfterCrash === 0).length, JSON.stringify(outcomes)).toBeGreaterThan(0);
    // Three crashed and three full ingests of 600,000 rows in child processes: ~50 s on a quiet 2-core machine.
  }, 240_000);
});

describe('a second process on the same database', () => {
  it('fails with one line naming the problem', async () => {
    const dir = tempDir();
    const db = join(dir, 'owned.duckdb');
    const owner = await Warehouse.open(db);
    try {
      const second = spawnSync(process.execPath, [CLI, 'ingest', dir, '--db', db], { encoding: 'utf8' });
      expect(second.status).toBe(1);
      const lines = second.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^brandscore: database ${db} is in use by another process \\(PID \\d+`));
    } finally {
      owner.close();
    }
  });
});
