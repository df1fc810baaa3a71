import type { BusinessService, FailureState, HealthResponse } from '@archaics/contracts';
import { CommandError } from '../commands/command.ts';

/** A service did not answer at all (refused, timed out, reset): names it and its URL. */
export class ServiceUnreachableError extends CommandError {
  constructor(
    readonly service: string,
    readonly url: string,
    readonly detail: string,
  ) {
    super(`${service} is not answering at ${url} (${detail}); is the stack running (\`npm start\`)?`);
    this.name = 'ServiceUnreachableError';
  }
}

/** A service answered with an error status; `detail` is its `{error, detail}` in words. */
export class ServiceRefusedError extends CommandError {
  constructor(
    readonly service: string,
    readonly status: number,
    readonly detail: string,
    readonly body: unknown,
  ) {
    super(`${service} refused (HTTP ${status}): ${detail}`);
    this.name = 'ServiceRefusedError';
  }
}

export interface FaultRequest {
  readonly type: string;
  readonly intensity?: number;
  readonly probability?: number;
  /** Seconds; omitted = until reset. */
  readonly duration?: number;
}

export interface InjectAnswer {
  readonly status: 'injected';
  readonly service: string;
  readonly failure: FailureState;
}

export interface ResetAnswer {
  readonly status: 'reset';
  readonly service: string;
  /** The fault type that was active, or null. */
  readonly cleared: string | null;
}

export interface ServiceClientOptions {
  /** The chaos token; undefined sends none (CHAOS_OPEN stacks). */
  readonly token?: string | undefined;
  /** Deadline of each request (default 5000 ms). */
  readonly timeoutMs?: number;
}

/** The header that carries why a fault was reset (logged by the CLI, and by services that read it). */
export const REASON_HEADER = 'X-Archaics-Reason';

/** The control endpoints every business service has (SPEC §2): /health, /inject-failure, /reset. */
export class ServiceClient {
  private readonly timeoutMs: number;

  constructor(
    readonly service: BusinessService,
    readonly url: string,
    private readonly options: ServiceClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  health(): Promise<HealthResponse> {
    return this.request<HealthResponse>('GET', '/health');
  }

  inject(fault: FaultRequest): Promise<InjectAnswer> {
    const query = new URLSearchParams({ type: fault.type });
    if (fault.intensity !== undefined) query.set('intensity', String(fault.intensity));
    if (fault.probability !== undefined) query.set('probability', String(fault.probability));
    if (fault.duration !== undefined) query.set('duration', String(fault.duration));
    return this.request<InjectAnswer>('POST', `/inject-failure?${query}`, this.authorization());
  }

  reset(reason?: string): Promise<ResetAnswer> {
    const headers = this.authorization();
    if (reason !== undefined) headers[REASON_HEADER] = headerSafe(reason);
    return this.request<ResetAnswer>('POST', '/reset', headers);
  }

  private authorization(): Record<string, string> {
    return this.options.token === undefined ? {} : { authorization: `Bearer ${this.options.token}` };
  }

  private async request<T>(method: 'GET' | 'POST', path: string, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.url}${path}`, { method, headers, signal: AbortSignal.timeout(this.timeoutMs) });
      text = await response.text();
    } catch (error) {
      throw new ServiceUnreachableError(this.service, this.url, describeFetchError(error, this.timeoutMs));
    }
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    if (!response.ok) throw new ServiceRefusedError(this.service, response.status, errorDetail(body, text), body);
    return body as T;
  }
}

/** Why fetch failed, in a few words: `connection refused`, `no answer within 5000 ms`, ... */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function errorDetail(body: unknown, text: string): string {
  if (typeof body === 'object' && body !== null) {
    const { error, detail } = body as { error?: unknown; detail?: unknown };
    if (typeof detail === 'string' && detail !== '') return typeof error === 'string' ? `${detail} (${error})` : detail;
    if (typeof error === 'string') return error;
  }
  return text.trim().slice(0, 200) || '(empty answer)';
}

/** A header value that fetch accepts: printable ASCII kept, anything else percent-encoded, at most 500 characters. */
function headerSafe(text: string): string {
  return text
    .slice(0, 500)
    .replace(/[^\x20-\x7e]/gu, (char) => encodeURIComponent(char))
    .trim();
}
