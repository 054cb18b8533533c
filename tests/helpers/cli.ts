import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const CLI = resolve('bin/brandscore.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr as the process wrote them, interleaved. */
  output: string;
}

/**
 * Runs a CLI command in a child process without blocking this process's event loop, for commands that talk to a
 * server living in the test process (the webhook receiver); `env` is added to this process's environment.
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: CliRun = { status: null, stdout: '', stderr: '', output: '' };
    child.stdout.on('data', (chunk: Buffer) => {
      run.stdout += chunk.toString();
      run.output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      run.stderr += chunk.toString();
      run.output += chunk.toString();
    });
    child.on('exit', (status) => done({ ...run, status }));
  });
}
