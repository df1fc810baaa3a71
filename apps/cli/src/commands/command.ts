import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type Env } from '@archaics/runtime';

export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface CommandContext {
  readonly env: Env;
  readonly cwd: string;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

/** One `archaics <name>` command; each lives in its own `<name>.command.ts`, loaded by `registry.ts` when it runs. */
export interface Command {
  readonly name: string;
  /** Shown by `archaics help <name>` and `archaics <name> --help`. */
  readonly usage: string;
  /** Parses its own arguments and returns the exit code. */
  run(argv: readonly string[], context: CommandContext): Promise<number>;
}

/** A command as the registry lists it: name and summary at hand, the module loaded only to run it or show its usage. */
export interface CommandEntry {
  readonly name: string;
  /** One line for `archaics help`. */
  readonly summary: string;
  load(): Promise<Command>;
}

/** The options of a command, as node:util parseArgs takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs makes of a command's arguments with these options. */
export type ParsedArguments<O extends CommandOptions> = Pick<
  ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>>,
  'values' | 'positionals'
>;

/** A command whose arguments are parsed (strictly: an unknown option is a usage error) before `run` gets them. */
export function defineCommand<O extends CommandOptions>(spec: {
  readonly name: string;
  readonly usage: string;
  readonly options: O;
  readonly run: (args: ParsedArguments<O>, context: CommandContext) => Promise<number>;
}): Command {
  return {
    name: spec.name,
    usage: spec.usage,
    run: (argv, context) => spec.run(parseArgs({ args: [...argv], options: spec.options, allowPositionals: true }), context),
  };
}

/** A wrong argument: reported with a hint to the command's usage, exit code 2 (the one class, shared with load's CLI). */
export { UsageError };

/** A failure the user can act on (a service not answering, a refused request): its message on stderr, exit code 1. */
export class CommandError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CommandError';
  }
}

/** Fails when more positionals were given than the command takes. */
export function noMorePositionals(positionals: readonly string[], expected: number): void {
  if (positionals.length > expected) throw new UsageError(`unexpected argument "${positionals[expected]}"`);
}
