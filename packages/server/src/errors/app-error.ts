/** An error with a stable code and HTTP status, rendered as `{error, detail, ...extra}`. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly detail?: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'AppError';
  }

  /** The response body. */
  toBody(): Record<string, unknown> {
    return { error: this.code, ...(this.detail === undefined ? {} : { detail: this.detail }), ...this.extra };
  }
}

export const badRequest = (detail: string, code = 'bad_request'): AppError => new AppError(400, code, detail);
export const notFound = (detail: string): AppError => new AppError(404, 'not_found', detail);
export const unauthorized = (detail?: string): AppError => new AppError(401, 'unauthorized', detail);
