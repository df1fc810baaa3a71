import type { Env } from '@archaics/runtime';

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

/** One `archaics <name>` command; each lives in its own `<name>.command.ts` and is listed in `registry.ts`. */
export interface Command {
  readonly name: string;
  /** One line for `archaics help`. */
  readonly summary: string;
  /** Shown by `archaics help <name>` and `archaics <name> --help`. */
  readonly usage: string;
  /** Parses its own arguments (node:util parseArgs) and returns the exit code. */
  run(argv: readonly string[], context: CommandContext): Promise<number>;
}

/** A wrong argument: reported with a hint to the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the user can act on (a service not answering, a refused request): its message on stderr, exit code 1. */
export class CommandError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CommandError';
  }
}
