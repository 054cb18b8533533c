import type { ParseArgsConfig } from 'node:util';
import { checkIsoDate } from '../metrics/calendar/zoned-time.ts';
import { DEFAULT_DB_PATH, Warehouse } from '../pipelines/warehouse/database.ts';

/** One CLI command. `run` returns the exit code; errors it throws become one line on stderr and exit 1. */
export interface Command {
  name: string;
  usage: string;
  summary: string;
  options?: ParseArgsConfig['options'];
  /** Whether the command takes positional arguments (paths, a brand id). */
  positionals?: boolean;
  run(args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }): Promise<number>;
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  db: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Progress goes to stderr so that stdout stays clean for --json and pipes. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The warehouse at --db, or at the default path. */
export function openWarehouse(values: { db?: string | boolean | string[] }): Promise<Warehouse> {
  return Warehouse.open((values.db as string | undefined) ?? DEFAULT_DB_PATH);
}

/**
 * A YYYY-MM-DD date option, checked before any work starts: a date that does not exist (February 30) is refused
 * with the option's name, instead of deep in the calendar after a refresh.
 */
export function dateOption(name: string, value: string | boolean | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  checkIsoDate(String(value), (message) => new Error(`--${name}: ${message}`));
  return String(value);
}
