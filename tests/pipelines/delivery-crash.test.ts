import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signBody } from '../../pipelines/delivery/webhook.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { CLI, spawnCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/event-files.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';
import { insertRaw, kst, upsertBrand } from '../metrics/raw-events.ts';

const SECRET = 'crash-test-secret-0123456789';
const DATE = '2024-03-20';

let receiver: Receiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('a process killed between sending a digest and recording the answer', () => {
  it('resends it on restart under the same key, and never makes a second key', async () => {
    const dir = tempDir('brandscore-delivery-crash-');
    const db = join(dir, 'brandscore.duckdb');
    const config = join(dir, 'brandscore.config.json');
    writeFileSync(config, JSON.stringify({ delivery: { outboxDir: join(dir, 'outbox'), webhook: { timeoutMs: 5000, backoffBaseMs: 10, backoffMaxMs: 20 } } }));
    const seed = await Warehouse.open(db);
    await upsertBrand(seed, 1, { brand_id: 'B1', name: 'Brand One', status: 'active' });
    await insertRaw(seed, 'raw_orders', 1, [
      { type: 'order_placed', brand_id: 'B1', order_id: 'O1', occurred_at: kst('2024-03-18T10:00:00'), amount: 1000, quantity: 1 },
    ]);
    seed.close();

    // The receiver takes the request and, before answering, the sender dies with SIGKILL: the digest reached the
    // receiver, but the sender never learnt it.
    const sender: { child?: ChildProcess } = {};
    receiver = await startReceiver((n) => {
      if (n === 1) {
        sender.child!.kill('SIGKILL');
        return 'hang';
      }
      return 200;
    });
    const env = { ...process.env, BRANDSCORE_WEBHOOK_URL: receiver.url, BRANDSCORE_WEBHOOK_SECRET: SECRET };
    const child = spawn(process.execPath, [CLI, 'digest', '--date', DATE, '--db', db, '--config', config], { env, stdio: 'ignore' });
    sender.child = child;
    const signal = await new Promise((done) => child.on('exit', (_code, sig) => done(sig)));
    expect(signal).toBe('SIGKILL');
    expect(receiver.requests).toHaveLength(1);

    const afterCrash = await Warehouse.open(db);
    expect(await afterCrash.all(`SELECT message_id, status, attempts FROM outbox`)).toEqual([
      { message_id: `digest:${DATE}:B1`, status: 'pending', attempts: 1 },
    ]);
    // The attempt was logged before the send, and its answer never recorded.
    expect(await afterCrash.all(`SELECT attempt, finished_at FROM delivery_attempts`)).toEqual([{ attempt: 1, finished_at: null }]);
    afterCrash.close();

    // Restart: the same command again. It makes no new digest for the date and resumes the pending delivery.
    // Not spawnSync: the receiver lives in this process and must keep answering.
    const rerun = await spawnCli(['digest', '--date', DATE, '--db', db, '--config', config], env);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`digests of ${DATE}`);
    expect(rerun.stdout).toContain('1 brand(s), 0 new');
    expect(rerun.stdout).toContain('1 delivered, 0 dead, 0 still pending');

    expect(receiver.requests).toHaveLength(2);
    const [first, second] = receiver.requests;
    expect(new Set(receiver.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set([`digest:${DATE}:B1`]));
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(second!.headers['x-brandscore-signature']).toBe(signBody(second!.body, SECRET));
    expect(second!.headers['x-brandscore-attempt']).toBe('2');

    const after = await Warehouse.open(db);
    expect(await after.all(`SELECT message_id, status, attempts FROM outbox`)).toEqual([
      { message_id: `digest:${DATE}:B1`, status: 'delivered', attempts: 2 },
    ]);
    expect(await after.all(`SELECT count(*) AS n FROM digests`)).toEqual([{ n: 1 }]);
    after.close();
  });

  it('makes no digest on a Korean public holiday', () => {
    const dir = tempDir('brandscore-digest-holiday-');
    // 2024-03-01, Samiljeol.
    const run = spawnSync(process.execPath, [CLI, 'digest', '--date', '2024-03-01', '--db', join(dir, 'b.duckdb')], {
      encoding: 'utf8',
      env: { ...process.env, BRANDSCORE_WEBHOOK_URL: '', BRANDSCORE_WEBHOOK_SECRET: '' },
      cwd: dir,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('2024-03-01 is not a business day: no digests');
  });
});
