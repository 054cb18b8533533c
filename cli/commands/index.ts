import type { Command } from '../command.ts';
import { demoCommand } from './demo.ts';
import { digestCommand } from './digest.ts';
import { generateCommand } from './generate.ts';
import { importOlistCommand } from './import-olist.ts';
import { ingestCommand } from './ingest.ts';
import { onboardingCommand } from './onboarding.ts';
import { recommendCommand } from './recommend.ts';
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
  importOlistCommand,
  refreshCommand,
  scorecardCommand,
  recommendCommand,
  onboardingCommand,
  digestCommand,
  generateCommand,
  tokenCommand,
];
