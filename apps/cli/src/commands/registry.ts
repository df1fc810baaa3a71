import type { Command } from './command.ts';
import { createHelpCommand } from './help.command.ts';
import { upCommand } from './up.command.ts';

/** Every command of the CLI; add a new one here (one file per command). */
export const COMMANDS: readonly Command[] = [upCommand, createHelpCommand(() => COMMANDS)];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
