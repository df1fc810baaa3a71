/** A call to a part of the stack failed; `target` names the part (`db-service`, `the supervisor`, ...), `url` is what was called. */
export class StackCallError extends Error {
  constructor(
    readonly target: string,
    readonly url: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StackCallError';
  }
}

/**
 * No HTTP answer: the connection was refused or reset, the name did not resolve, or the
 * deadline passed. `reason` says which in a few words (`connection refused`,
 * `no answer within 5000 ms`); `cause` is fetch's own error.
 */
export class StackUnreachableError extends StackCallError {
  constructor(
    target: string,
    url: string,
    /** The base URL of the target, as it was configured. */
    readonly baseUrl: string,
    readonly reason: string,
    /** True when the deadline passed (the target may be slow rather than down). */
    readonly timedOut: boolean,
    options?: ErrorOptions,
  ) {
    super(target, url, `${target} is not answering at ${baseUrl} (${reason})`, options);
    this.name = 'StackUnreachableError';
  }
}

/**
 * An HTTP answer with an error status. `error` and `detail` are those of the `{error, detail}`
 * body when it has them; `reason` is the answer in words (`detail (error)`, else the text).
 */
export class StackRefusedError extends StackCallError {
  readonly error: string | undefined;
  readonly detail: string | undefined;
  readonly reason: string;

  constructor(
    target: string,
    url: string,
    readonly status: number,
    /** The parsed JSON body, or the text when it is not JSON. */
    readonly body: unknown,
  ) {
    const { error, detail, reason } = errorOf(body);
    super(target, url, `${target} refused (HTTP ${status}): ${reason}`);
    this.name = 'StackRefusedError';
    this.error = error;
    this.detail = detail;
    this.reason = reason;
  }
}

/** Why a call got no usable answer, in a few words: `HTTP 503`, `connection refused`, or the error's message. */
export function failureReason(error: unknown): string {
  if (error instanceof StackRefusedError) return `HTTP ${error.status}`;
  if (error instanceof StackUnreachableError) return error.reason;
  return error instanceof Error ? error.message : String(error);
}

/** There is no chaos token to send: neither `CHAOS_TOKEN` nor the state folder's file, and `CHAOS_OPEN` is not set. */
export class MissingChaosTokenError extends Error {
  constructor(readonly path: string) {
    super(`no chaos token: set CHAOS_TOKEN, or start the stack (\`npm start\` writes ${path}); ARCHAICS_HOME chooses the state folder`);
    this.name = 'MissingChaosTokenError';
  }
}

/** No local supervisor runs for the state folder (no readable `supervisor.json`) and no control URL was given. */
export class SupervisorNotFoundError extends Error {
  constructor(
    readonly home: string,
    readonly path: string,
  ) {
    super(`no supervisor found for ${home} (${path} is missing or unreadable); start the stack with \`npm start\``);
    this.name = 'SupervisorNotFoundError';
  }
}

function errorOf(body: unknown): { error: string | undefined; detail: string | undefined; reason: string } {
  if (typeof body === 'object' && body !== null) {
    const fields = body as { error?: unknown; detail?: unknown };
    const error = typeof fields.error === 'string' && fields.error !== '' ? fields.error : undefined;
    const detail = typeof fields.detail === 'string' && fields.detail !== '' ? fields.detail : undefined;
    if (detail !== undefined) return { error, detail, reason: error === undefined ? detail : `${detail} (${error})` };
    if (error !== undefined) return { error, detail, reason: error };
    return { error, detail, reason: JSON.stringify(body).slice(0, 200) };
  }
  const text = typeof body === 'string' ? body.trim().slice(0, 200) : '';
  return { error: undefined, detail: undefined, reason: text || '(empty answer)' };
}
