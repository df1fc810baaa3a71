/** Why a telemetry backend could not answer. */
export type TelemetryFailureKind = 'timeout' | 'unreachable' | 'http' | 'bad_response';

/**
 * A telemetry backend (a /metrics endpoint, Prometheus, Jaeger, Loki or the local
 * telemetry process) did not give a usable answer. The URL in the message never carries
 * credentials.
 */
export class TelemetryQueryError extends Error {
  constructor(
    /** Which backend was asked, e.g. `prometheus`, `jaeger`, `loki`, `telemetry`. */
    readonly backend: string,
    readonly url: string,
    readonly kind: TelemetryFailureKind,
    detail: string,
    readonly status?: number,
  ) {
    super(`${backend} ${kind}${status === undefined ? '' : ` (HTTP ${status})`} at ${url}: ${detail}`);
    this.name = 'TelemetryQueryError';
  }
}

/** A backend's base URL without credentials, and the headers that carry them instead. */
export interface BackendEndpoint {
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Splits `http://user:pass@host/path` into a credential-free base URL (no trailing slash)
 * and a Basic `Authorization` header: fetch refuses URLs with credentials, and messages
 * must not show them.
 */
export function backendEndpoint(url: string, headers: Readonly<Record<string, string>> = {}): BackendEndpoint {
  const parsed = new URL(url);
  const extra: Record<string, string> = { ...headers };
  if (parsed.username !== '' || parsed.password !== '') {
    const user = decodeURIComponent(parsed.username);
    const pass = decodeURIComponent(parsed.password);
    extra.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  }
  return { baseUrl: parsed.toString().replace(/\/+$/, ''), headers: extra };
}

/** Options of one request to a telemetry backend. */
export interface QueryOptions {
  /** Deadline for the whole exchange, body included. */
  readonly timeoutMs: number;
  /** Cancels the request (the caller's abort is rethrown as is, not as a TelemetryQueryError). */
  readonly signal?: AbortSignal | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** A completed HTTP exchange. */
export interface TextAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/**
 * GETs `url` and reads the body as text within the deadline. Rejects with a
 * {@link TelemetryQueryError} (`timeout` or `unreachable`) when no answer came; any HTTP
 * status is returned for the caller to judge.
 */
export async function getText(backend: string, url: string, options: QueryOptions): Promise<TextAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    options.signal?.throwIfAborted();
    const response = await fetch(url, { headers: options.headers, signal: controller.signal });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timedOut) throw new TelemetryQueryError(backend, url, 'timeout', `no answer within ${options.timeoutMs}ms`);
    throw new TelemetryQueryError(backend, url, 'unreachable', describeCause(error));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * GETs `url` and parses a JSON body. A status outside 2xx (and not listed in `accept`)
 * or a body that is not JSON rejects with a {@link TelemetryQueryError}.
 */
export async function getJson(
  backend: string,
  url: string,
  options: QueryOptions & { readonly accept?: readonly number[] },
): Promise<{ status: number; body: unknown }> {
  const answer = await getText(backend, url, options);
  const ok = (answer.status >= 200 && answer.status < 300) || options.accept?.includes(answer.status) === true;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    if (!ok) throw new TelemetryQueryError(backend, url, 'http', snippet(answer.text), answer.status);
    throw new TelemetryQueryError(backend, url, 'bad_response', `not JSON: ${snippet(answer.text)}`, answer.status);
  }
  if (!ok) throw new TelemetryQueryError(backend, url, 'http', snippet(answer.text), answer.status);
  return { status: answer.status, body };
}

/** The first 200 characters of a body, on one line, for error messages. */
export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) return `${error.message} (${(cause as Error & { code?: string }).code ?? cause.message})`;
    return error.message;
  }
  return String(error);
}

/** True when `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
