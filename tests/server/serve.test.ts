import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/event-files.ts';

const CLI = resolve('bin/brandscore.js');

describe('brandscore serve', () => {
  it('answers /api/health on a real port and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ inbox: join(dir, 'inbox') }));
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', join(dir, 'db.duckdb'), '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BRANDSCORE_ADMIN_TOKEN: 'admin-from-env' },
    });
    let stderr = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /serving (http:\/\/\S+)/.exec(stderr);
        if (match && /\/login\?token=/.test(stderr)) resolveUrl(match[1]!);
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const response = await fetch(`${url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
    expect((await fetch(`${url}/api/jobs`, { headers: { authorization: 'Bearer admin-from-env' } })).status).toBe(200);

    // The one-time login link works once.
    const login = /(http:\/\/\S+\/login\?token=bs_[\w-]+)/.exec(stderr)![1]!;
    expect(login.startsWith(url)).toBe(true);
    const first = await fetch(login, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('set-cookie')).toMatch(/^brandscore_session=.*HttpOnly/);
    expect((await fetch(login, { redirect: 'manual' })).status).toBe(401);

    const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/SIGTERM: finishing running jobs/);
  });
});
