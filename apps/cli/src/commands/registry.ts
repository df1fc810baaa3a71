import type { Command } from './command.ts';
import { experimentCommand } from './experiment.command.ts';
import { createHelpCommand } from './help.command.ts';
import { injectCommand } from './inject.command.ts';
import { loadCommand } from './load.command.ts';
import { logsCommand } from './logs.command.ts';
import { resetCommand } from './reset.command.ts';
import { statusCommand } from './status.command.ts';
import { traceCommand } from './trace.command.ts';
import { upCommand } from './up.command.ts';

/** Every command of the CLI; add a new one here (one file per command). */
export const COMMANDS: readonly Command[] = [
  upCommand,
  statusCommand,
  injectCommand,
  resetCommand,
  loadCommand,
  logsCommand,
  traceCommand,
  experimentCommand,
  createHelpCommand(() => COMMANDS),
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
