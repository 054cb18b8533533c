import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/event-files.ts';

const CLI = resolve('bin/brandscore.js');

describe('date options of the CLI', () => {
  it.each([
    ['digest', '--date', '2024-02-30'],
    ['recommend', '--as-of', '2023-02-29'],
    ['onboarding B0001', '--as-of', '2024-13-01'],
    ['digest', '--date', 'tomorrow'],
  ])('%s %s %s: refused in one line naming the option, before any refresh', (command, option, date) => {
    const db = join(tempDir(), 'never.duckdb');
    const run = spawnSync(process.execPath, [CLI, ...command.split(' '), option, date, '--db', db], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([`brandscore: ${option}: expected a YYYY-MM-DD date, got '${date}'`]);
    expect(run.stdout).toBe('');
    if (command === 'digest') expect(existsSync(db)).toBe(false);
  });
});
