import { StackRefusedError, StackUnreachableError } from './stack-errors.ts';

/** The deadline of every call unless the client or the call says otherwise. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** One HTTP call to a part of the stack. */
export interface ExchangeRequest {
  /** Who is called, for messages: `db-service`, `the supervisor`, ... */
  readonly target: string;
  /** Its base URL (a trailing slash is ignored). */
  readonly baseUrl: string;
  /** Path and query, from `/`. */
  readonly path: string;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Deadline of the whole exchange, answer body included (default {@link DEFAULT_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

/** An answer, whatever its status: the parsed JSON body (the text when it is not JSON) and how long it took. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly ms: number;
}

/**
 * Sends one request with a deadline and reads the answer. Never throws for an HTTP status;
 * throws {@link StackUnreachableError} when no answer comes (refused, reset, deadline).
 */
export async function exchange(request: ExchangeRequest): Promise<HttpAnswer> {
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const baseUrl = request.baseUrl.replace(/\/+$/, '');
  const url = `${baseUrl}${request.path}`;
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const start = performance.now();
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: request.method ?? 'GET',
      headers,
      body: request.body === undefined ? null : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const timedOut = isTimeout(error);
    throw new StackUnreachableError(
      request.target,
      url,
      baseUrl,
      timedOut ? `no answer within ${timeoutMs} ms` : describeFetchError(error),
      timedOut,
      { cause: error },
    );
  }
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status, body, ms: performance.now() - start };
}

/** {@link exchange}, and the body of a 2xx answer; any other status throws {@link StackRefusedError}. */
export async function exchangeOk<T>(request: ExchangeRequest): Promise<T> {
  const answer = await exchange(request);
  if (answer.status < 200 || answer.status > 299) {
    throw new StackRefusedError(request.target, `${request.baseUrl.replace(/\/+$/, '')}${request.path}`, answer.status, answer.body);
  }
  return answer.body as T;
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** Why fetch failed, in a few words: `connection refused`, `ECONNRESET`, ... */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
