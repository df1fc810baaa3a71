/** An answer of a service: its status and parsed body (text when not JSON). */
export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The service could not be reached (refused, timed out, reset). */
export class UnreachableError extends Error {}

/** One HTTP call with a deadline; never throws on an HTTP status, throws {@link UnreachableError} when there is no answer. */
export async function callJson(
  url: string,
  init: { method?: 'GET' | 'POST'; bearer?: string | null; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<JsonAnswer> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { accept: 'application/json', ...(init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}), ...init.headers },
      signal: AbortSignal.timeout(init.timeoutMs ?? 3000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as Error).name;
    throw new UnreachableError(name === 'TimeoutError' ? `no answer within ${init.timeoutMs ?? 3000} ms` : (cause ?? (error as Error).message));
  }
  const text = await res.text().catch(() => '');
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}
