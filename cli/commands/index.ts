import type { Command } from '../command.ts';

/** Every command, in the order `brandscore --help` lists them. */
export const commands: Command[] = [];
