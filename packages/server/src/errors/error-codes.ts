import createError, { type FastifyErrorConstructor } from '@fastify/error';

/**
 * The stable codes of answers the server itself decides (the `error` field of `{error, detail}`),
 * one `@fastify/error` class each: its code (upper case, as @fastify/error writes it) and status.
 * The message given to the constructor is the `detail`.
 */
export const BadRequestError = createError<[detail: string]>('bad_request', '%s', 400);
/** A JSON body that does not parse (or is empty while JSON is announced). */
export const InvalidJsonError = createError<[detail: string]>('invalid_json', '%s', 400);
/** A body larger than the server's `bodyLimit`. */
export const PayloadTooLargeError = createError<[detail: string]>('payload_too_large', '%s', 413);
/** A content type no parser accepts. */
export const UnsupportedMediaTypeError = createError<[detail: string]>('unsupported_media_type', '%s', 415);
/** A URL or a path parameter that is too long. */
export const UriTooLongError = createError<[detail: string]>('uri_too_long', '%s', 414);
/** No route for the method and path. */
export const NotFoundError = createError<[detail: string]>('not_found', '%s', 404);
/** A control call without the chaos token. */
export const UnauthorizedError = createError<[detail: string]>('unauthorized', '%s', 401);
/** A control call with a wrong chaos token. */
export const ForbiddenError = createError<[detail: string]>('forbidden', '%s', 403);
/** The `error` fault (SPEC §2): the body names the service instead of a detail. */
export const InjectedError = createError<[service: string]>('injected_error', '%s', 500);

/**
 * The `error` fault's answer with the status it was injected with (SPEC 2.1: 500, 502, 503
 * or 429); a 429 carries `Retry-After`.
 */
export function injectedError(service: string, status = 500, retryAfterS?: number): InstanceType<typeof InjectedError> {
  const error = new InjectedError(service);
  error.statusCode = status;
  if (retryAfterS !== undefined) Object.assign(error, { retryAfterS });
  return error;
}
/** Anything unexpected: the body carries no detail. */
export const InternalError = createError('internal_error', 'internal error', 500);

const STABLE_ERRORS: readonly FastifyErrorConstructor[] = [
  BadRequestError,
  InvalidJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  UriTooLongError,
  NotFoundError,
  UnauthorizedError,
  ForbiddenError,
  InjectedError,
  InternalError,
];

/** Whether the error is one of the classes above. */
export function isStableError(error: unknown): error is Error & { code: string; statusCode: number } {
  return STABLE_ERRORS.some((kind) => error instanceof kind);
}

/** Fastify's own client errors, by their code, as the stable class they are answered with. */
export const FRAMEWORK_ERRORS: Readonly<Record<string, FastifyErrorConstructor<{ code: string }, [string]>>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: InvalidJsonError,
  FST_ERR_CTP_EMPTY_JSON_BODY: InvalidJsonError,
  FST_ERR_CTP_BODY_TOO_LARGE: PayloadTooLargeError,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: UnsupportedMediaTypeError,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: BadRequestError,
};
