import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: one temp folder per test run, under which tempDir() makes every test's folders, removed
 * when the run ends. The test files run in forked processes, which inherit the variable. Without it a run left
 * some 120 folders (half a GiB of databases and event files) in the system temp folder.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'brandscore-tests-'));
  // Passable by other users, as the system temp folder is: the PostgreSQL baseline test opens its CSV files as the
  // postgres user from a folder it made readable. Every other test's folder stays private (mkdtemp's 0700).
  chmodSync(root, 0o755);
  process.env.BRANDSCORE_TEST_TMP = root;
  return () => {
    try {
      // A process a timed-out test left behind may still be writing in it: retried, and a failure only reported.
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      console.warn(`could not remove the tests' temp folder ${root}: ${String(error)}`);
    }
  };
}
