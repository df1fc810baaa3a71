import { parseArgs } from 'node:util';
import { UsageError, type Command } from './command.ts';

/** `archaics help [command]`; gets the list lazily because it is part of it. */
export function createHelpCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'help',
    summary: 'show the commands, or the usage of one',
    usage: 'archaics help [command]',
    async run(argv, { stdout }) {
      const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
      if (values.help) {
        stdout.write('archaics help [command]\n\nLists the commands, or shows the options of one.\n');
        return 0;
      }
      const name = positionals[0];
      if (name) {
        const command = commands().find((c) => c.name === name);
        if (!command) throw new UsageError(`unknown command "${name}"`);
        stdout.write(`${command.usage}\n`);
        return 0;
      }
      stdout.write(overview(commands()));
      return 0;
    },
  };
}

export function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'archaics — a chaos-engineering lab that fails on purpose and heals itself',
    '',
    'usage: archaics <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'run `archaics help <command>` for the options of one.',
    '',
  ].join('\n');
}
