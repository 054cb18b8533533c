import type { Command } from '../command.ts';
import { demoCommand } from './demo.ts';
import { digestCommand } from './digest.ts';
import { generateCommand } from './generate.ts';
import { ingestCommand } from './ingest.ts';
import { refreshCommand } from './refresh.ts';
import { scorecardCommand } from './scorecard.ts';
import { serveCommand, startCommand } from './serve.ts';
import { tokenCommand } from './token.ts';

/** Every command, in the order `brandscore --help` lists them. */
export const commands: Command[] = [
  startCommand,
  serveCommand,
  demoCommand,
  ingestCommand,
  refreshCommand,
  scorecardCommand,
  digestCommand,
  generateCommand,
  tokenCommand,
];
