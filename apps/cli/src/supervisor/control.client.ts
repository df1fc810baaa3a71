import { readFileSync } from 'node:fs';
import { type Env, archaicsHome, chaosTokenPath } from '@archaics/runtime';
import type { RestartAccepted, ServiceStatus } from './control.types.ts';
import { readSupervisorFile } from './supervisor-file.ts';

export interface ControlClientOptions {
  /** The state folder holding supervisor.json and the chaos token. Default: `ARCHAICS_HOME` or `.archaics/`. */
  readonly home?: string;
  readonly env?: Env;
  /** Default: `CHAOS_TOKEN`, else `<home>/chaos-token`. */
  readonly token?: string;
  /** Default: `control_url` of `<home>/supervisor.json`. */
  readonly controlUrl?: string;
  readonly timeoutMs?: number;
}

export interface ControlClient {
  listServices(): Promise<ServiceStatus[]>;
  restartService(name: string): Promise<RestartAccepted>;
}

/** No supervisor runs for this state folder (no supervisor.json). */
export class SupervisorNotRunningError extends Error {
  constructor(readonly home: string) {
    super(`no supervisor is running for ${home} (no supervisor.json); start one with \`npm start\``);
    this.name = 'SupervisorNotRunningError';
  }
}

/** The control interface answered with an error status (401, 403, 404, ...). */
export class ControlRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'ControlRequestError';
  }
}

/** A client of the local supervisor's control interface, found through `<home>/supervisor.json`. */
export function createControlClient(options: ControlClientOptions = {}): ControlClient {
  const env = options.env ?? process.env;
  const home = options.home ?? archaicsHome(env);
  const timeoutMs = options.timeoutMs ?? 5000;

  const target = (): { url: string; token: string } => {
    const url = options.controlUrl ?? readSupervisorFile(home)?.control_url;
    if (!url) throw new SupervisorNotRunningError(home);
    return { url: url.replace(/\/+$/, ''), token: options.token ?? readToken(env, home) };
  };

  async function call<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    const { url, token } = target();
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Error(`supervisor control interface at ${url} did not answer: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    if (!response.ok) {
      const detail = typeof body === 'object' && body !== null && 'detail' in body ? String(body.detail) : text;
      throw new ControlRequestError(response.status, body, `${method} ${path}: ${response.status} ${detail}`);
    }
    return body as T;
  }

  return {
    listServices: () => call<ServiceStatus[]>('GET', '/services'),
    restartService: (name) => call<RestartAccepted>('POST', `/services/${encodeURIComponent(name)}/restart`),
  };
}

function readToken(env: Env, home: string): string {
  const fromEnv = env.CHAOS_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const path = chaosTokenPath(home);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    throw new Error(`no chaos token: set CHAOS_TOKEN or start the stack once (it writes ${path})`);
  }
}
