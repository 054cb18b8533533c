import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signBody } from '../../pipelines/delivery/webhook.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { spawnCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/event-files.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';
import { insertRaw, kst, upsertBrand } from '../metrics/raw-events.ts';

/**
 * Secrets in logs during digest delivery: `brandscore digest` delivers to a loopback receiver whose URL carries
 * secrets the way hosted webhooks do (a secret path, a token in the query); the receiver refuses the first
 * attempt with 503 and drops the second connection, so the retry and error lines are logged too. Nothing the
 * process prints (stdout and stderr) may contain the signing secret, the URL's secret parts or a signature.
 */
const SECRET = 'delivery-log-test-secret-0123456789';
const PATH_SECRET = 'T0SECRETPATH/B0SECRETPATH/xoxSECRETPATH';
const QUERY_TOKEN = 'querytokensecret42';
let receiver: Receiver | undefined;
afterAll(async () => receiver?.close());

describe('digest delivery logs', () => {
  it('never show the webhook secret, the secret parts of its URL or a signature', async () => {
    const dir = tempDir('brandscore-delivery-logs-');
    const db = join(dir, 'brandscore.duckdb');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ delivery: { outboxDir: join(dir, 'outbox'), webhook: { timeoutMs: 5000, backoffBaseMs: 10, backoffMaxMs: 20 } } }));
    const seed = await Warehouse.open(db);
    for (const [i, brand] of ['B1', 'B2'].entries()) {
      await upsertBrand(seed, 1, { brand_id: brand, name: `Brand ${brand}`, status: 'active' });
      await insertRaw(seed, 'raw_orders', 1, [
        { type: 'order_placed', brand_id: brand, order_id: `O${i}`, occurred_at: kst('2024-03-18T10:00:00'), amount: 1000, quantity: 1 },
      ]);
    }
    seed.close();
    const signatures: string[] = [];
    receiver = await startReceiver((n, request, response) => {
      signatures.push(signBody(request.body, SECRET));
      if (n === 1) return 503;
      if (n === 2) {
        response.socket?.destroy();
        return 'handled';
      }
      return 200;
    });
    const url = `${receiver.url}/${PATH_SECRET}?token=${QUERY_TOKEN}`;
    const result = await spawnCli(['digest', '--date', '2024-03-20', '--db', db, '--config', config], {
      BRANDSCORE_WEBHOOK_URL: url,
      BRANDSCORE_WEBHOOK_SECRET: SECRET,
    });
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('2 delivered, 0 dead');
    expect(receiver.requests.length).toBeGreaterThanOrEqual(4);
    const secrets = [SECRET, PATH_SECRET, 'SECRETPATH', QUERY_TOKEN, ...signatures, ...signatures.map((s) => s.slice('sha256='.length))];
    for (const secret of secrets) expect(result.output, 'a secret in the log').not.toContain(secret);
    console.log(
      `[reliability] digest delivery log: ${result.output.split('\n').filter(Boolean).length} lines, ${receiver.requests.length} webhook requests ` +
        `(1 × 503, 1 dropped), ${secrets.length} secrets checked, found: 0`,
    );
  });
});
