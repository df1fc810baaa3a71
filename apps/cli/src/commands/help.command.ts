import { defineCommand, noMorePositionals, UsageError, type Command, type CommandEntry } from './command.ts';

/** `archaics help [command]`; gets the list lazily because it is part of it. */
export function createHelpCommand(commands: () => readonly CommandEntry[]): Command {
  return defineCommand({
    name: 'help',
    usage: 'archaics help [command]\n\nLists the commands, or shows the options of one.\n',
    options: {},
    async run({ positionals }, { stdout }) {
      noMorePositionals(positionals, 1);
      const name = positionals[0];
      if (name === undefined) {
        stdout.write(overview(commands()));
        return 0;
      }
      const entry = commands().find((c) => c.name === name);
      if (!entry) throw new UsageError(`unknown command "${name}"`);
      stdout.write((await entry.load()).usage);
      return 0;
    },
  });
}

/** `archaics help`: every command with its summary. */
export function overview(commands: readonly CommandEntry[]): string {
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
