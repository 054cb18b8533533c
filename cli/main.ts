import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, type Command } from './command.ts';
import { commands } from './commands/index.ts';

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'usage: brandscore COMMAND [options]   (every command takes --db PATH and --config FILE)',
    '',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'brandscore COMMAND --help shows the options of one command.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command: Command | undefined = commands.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`brandscore: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    console.error(`brandscore ${name}: ${(error as Error).message}\nusage: ${command.usage}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(`usage: ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  return command.run({ values: parsed.values, positionals: parsed.positionals });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // One line, no stack: the reason is what a user needs. BRANDSCORE_DEBUG=1 shows the stack.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`brandscore: ${message.split('\n')[0]}`);
  if (process.env.BRANDSCORE_DEBUG) console.error(error);
  process.exitCode = 1;
}
