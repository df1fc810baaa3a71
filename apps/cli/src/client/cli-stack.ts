import {
  MissingChaosTokenError,
  StackCallError,
  StackClient,
  StackUnreachableError,
  SupervisorNotFoundError,
  type ChaosCredential,
} from '@archaics/client';
import type { Env } from '@archaics/runtime';
import { CommandError } from '../commands/command.ts';
import type { CliConfig } from './cli.config.ts';

/** The stack as the CLI's commands reach it: the business services of the config, the supervisor of its state folder. */
export function cliStack(
  config: CliConfig,
  env: Env,
  options: { readonly timeoutMs?: number; readonly token?: string | null } = {},
): StackClient {
  return new StackClient({ env, home: config.home, targets: { services: config.services }, ...options });
}

/** The chaos token the commands send and where it came from; a CommandError (exit code 1) says where it should be when there is none. */
export function cliCredential(stack: StackClient): ChaosCredential {
  try {
    return stack.credential();
  } catch (error) {
    throw commandErrorOf(error);
  }
}

/** A client error in the CLI's words (its message on stderr, exit code 1); anything else as it is. */
export function commandErrorOf(error: unknown): unknown {
  if (error instanceof StackUnreachableError)
    return new CommandError(`${error.message}; is the stack running (\`npm start\`)?`, { cause: error });
  if (error instanceof StackCallError || error instanceof MissingChaosTokenError || error instanceof SupervisorNotFoundError)
    return new CommandError(error.message, { cause: error });
  return error;
}
