import { StackClient, StackRefusedError, type SupervisorClient } from '@archaics/client';
import type { Env } from '@archaics/runtime';

export interface ControlClientOptions {
  /** The state folder holding supervisor.json and the chaos token. Default: `ARCHAICS_HOME` or `.archaics/`. */
  readonly home?: string;
  readonly env?: Env;
  /** Default: `CHAOS_TOKEN`, else the state folder's token. */
  readonly token?: string;
  /** Default: `control_url` of `<home>/supervisor.json`. */
  readonly controlUrl?: string;
  readonly timeoutMs?: number;
}

/** The supervisor's control interface as @archaics/client calls it: `listServices()`, `restartService(name)`. */
export type ControlClient = SupervisorClient;

/** The control interface answered with an error status (401, 403, 404, ...): @archaics/client's `StackRefusedError`. */
export const ControlRequestError = StackRefusedError;
export type ControlRequestError = StackRefusedError;

/** The local supervisor's control interface, found through `<home>/supervisor.json` (the `supervisor` of a {@link StackClient}). */
export function createControlClient(options: ControlClientOptions = {}): ControlClient {
  const { controlUrl, ...rest } = options;
  return new StackClient({ ...rest, targets: controlUrl === undefined ? {} : { supervisor: controlUrl } }).supervisor;
}
