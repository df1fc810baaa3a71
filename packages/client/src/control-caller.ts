import type { Env } from '@archaics/runtime';
import { chaosCredential, type ChaosCredential } from './chaos-credential.ts';
import { DEFAULT_TIMEOUT_MS, exchangeOk } from './http-exchange.ts';
import { REASON_HEADER, reasonHeaderValue } from './reason-header.ts';
import { MissingChaosTokenError } from './stack-errors.ts';

/** How the clients find the chaos token and how long they wait by default. */
export interface CallerOptions {
  /** The chaos token; null sends none; omitted reads it at first need ({@link chaosCredential} of `env` and `home`). */
  readonly token?: string | null;
  /** Where `CHAOS_TOKEN`, `CHAOS_OPEN` and `ARCHAICS_HOME` are read; default `process.env`. */
  readonly env?: Env;
  /** The state folder (default `ARCHAICS_HOME`, else `.archaics/`). */
  readonly home?: string;
  /** Deadline of each call (default {@link DEFAULT_TIMEOUT_MS}); every method takes its own too. */
  readonly timeoutMs?: number;
}

/** What every call may say. */
export interface CallOptions {
  /** Deadline of this call, instead of the client's. */
  readonly timeoutMs?: number;
}

/** A state-changing call: why it is made, sent in {@link REASON_HEADER}. */
export interface ControlOptions extends CallOptions {
  readonly reason?: string;
}

/** `required`: the chaos token is sent (a missing one throws); `optional`: sent when there is one; `none`: never. */
export type TokenUse = 'required' | 'optional' | 'none';

interface Call extends ControlOptions {
  readonly target: string;
  readonly baseUrl: string;
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  readonly token: TokenUse;
}

/** The shared part of the clients: the credential (read once), the reason header and the deadlines. */
export class ControlCaller {
  private resolved: ChaosCredential | undefined;

  constructor(private readonly options: CallerOptions = {}) {}

  /** The chaos token and its source; reads it on first use. Throws {@link MissingChaosTokenError} when there is none. */
  credential(): ChaosCredential {
    if (this.resolved === undefined) {
      const given = this.options.token;
      this.resolved =
        given === undefined
          ? chaosCredential(this.options.env, this.options.home)
          : { token: given, source: given === null ? 'none' : 'given' };
    }
    return this.resolved;
  }

  /** The call, its body on a 2xx answer; see `exchangeOk` for the errors. */
  async call<T>(call: Call): Promise<T> {
    const headers: Record<string, string> = {};
    const token = this.tokenFor(call.token);
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (call.reason !== undefined) headers[REASON_HEADER] = reasonHeaderValue(call.reason);
    return exchangeOk<T>({
      target: call.target,
      baseUrl: call.baseUrl,
      path: call.path,
      method: call.method ?? 'GET',
      headers,
      timeoutMs: call.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }

  private tokenFor(use: TokenUse): string | null {
    if (use === 'none') return null;
    if (use === 'required') return this.credential().token;
    try {
      return this.credential().token;
    } catch (error) {
      if (error instanceof MissingChaosTokenError) return null;
      throw error;
    }
  }
}

/** A client of one platform service at one base URL (the detector, the operator). */
export abstract class PlatformClient {
  constructor(
    private readonly target: string,
    private readonly baseUrl: string | undefined,
    private readonly caller: ControlCaller,
  ) {}

  /** The service's base URL; throws when none was given. */
  get url(): string {
    if (this.baseUrl === undefined) throw new Error(`no URL given for the ${this.target}`);
    return this.baseUrl.replace(/\/+$/, '');
  }

  protected async call<T>(call: Omit<Call, 'target' | 'baseUrl'>): Promise<T> {
    return this.caller.call<T>({ ...call, target: this.target, baseUrl: this.url });
  }
}
