import type { Command } from '../command.ts';
import { ingestCommand } from './ingest.ts';
import { serveCommand } from './serve.ts';

/** Every command, in the order `brandscore --help` lists them. */
export const commands: Command[] = [serveCommand, ingestCommand];
