import { archaicsHome, chaosTokenPath, envReader, readChaosToken, type Env } from '@archaics/runtime';
import { MissingChaosTokenError } from './stack-errors.ts';

/** The chaos token a client sends, and where it came from (for messages such as "the token came from CHAOS_TOKEN"). */
export interface ChaosCredential {
  /** Null: send none (a `CHAOS_OPEN=1` stack, or a caller that chose so). */
  readonly token: string | null;
  readonly source: string;
}

/**
 * The chaos token of a client of the stack: `CHAOS_TOKEN`, else the state folder's
 * `chaos-token` file (read with @archaics/runtime's `readChaosToken`, never created); with
 * neither, none when `CHAOS_OPEN=1`, else {@link MissingChaosTokenError}.
 */
export function chaosCredential(env: Env = process.env, home: string = archaicsHome(env)): ChaosCredential {
  const found = readChaosToken(env, home);
  if (found) return { token: found.value, source: found.source };
  if (envReader(env).bool('CHAOS_OPEN', false)) return { token: null, source: 'none (CHAOS_OPEN=1)' };
  throw new MissingChaosTokenError(chaosTokenPath(home));
}
