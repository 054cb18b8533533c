import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';

/**
 * What the config and the policy files share: an absent optional file means "the defaults" ({}), a present one must
 * be JSON, and a schema error names the offending field by its path.
 */

/** The file's JSON, `{}` when an optional file is absent; `fail` makes the error of the caller's kind. */
export function readSettingsJson(file: string, options: { required: boolean; what: string; fail: (message: string) => Error }): unknown {
  if (!existsSync(file)) {
    if (options.required) throw options.fail(`${options.what} file ${file} not found`);
    return {};
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw options.fail(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

/** `source: path.to.field: message` of the first issue; an unknown key is named as part of the path. */
export function describeFirstIssue(error: z.ZodError, source: string): string {
  const issue = error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys] : issue.path;
  return `${source}: ${path.join('.') || '(root)'}: ${issue.message}`;
}
