import type { CommandEntry } from './command.ts';

/**
 * Every command of the CLI, in the order `archaics help` lists them; add a new one here (one
 * file per command). A command's module, and what it imports, is loaded only when it runs or
 * shows its usage: `archaics --help` loads none of them.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'up',
    summary: 'start the whole stack locally (what `npm start` runs)',
    load: async () => (await import('./up.command.ts')).upCommand,
  },
  {
    name: 'status',
    summary: 'health, faults, traffic and restarts of every service',
    load: async () => (await import('./status.command.ts')).statusCommand,
  },
  {
    name: 'inject',
    summary: 'inject a fault into a service, one route or one edge (timeout, error, latency, partition, ...)',
    load: async () => (await import('./inject.command.ts')).injectCommand,
  },
  {
    name: 'reset',
    summary: 'clear the faults of one service (or one scope of it), or of all of them (--all)',
    load: async () => (await import('./reset.command.ts')).resetCommand,
  },
  {
    name: 'load',
    summary: 'run a load scenario (normal, spike, endurance, stress) with the built-in runner',
    load: async () => (await import('./load.command.ts')).loadCommand,
  },
  {
    name: 'logs',
    summary: "show or follow the services' logs (by service, trace, level, time)",
    load: async () => (await import('./logs.command.ts')).logsCommand,
  },
  {
    name: 'trace',
    summary: 'show one trace as a waterfall of its spans',
    load: async () => (await import('./trace.command.ts')).traceCommand,
  },
  {
    name: 'experiment',
    summary: 'run chaos experiments (experiments/*.yaml) and the AIOps suite with its scorecard',
    load: async () => (await import('./experiment.command.ts')).experimentCommand,
  },
  {
    name: 'help',
    summary: 'show the commands, or the usage of one',
    load: async () => (await import('./help.command.ts')).createHelpCommand(() => COMMANDS),
  },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((command) => command.name === name);
}
