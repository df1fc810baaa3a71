import type { FastifyError } from 'fastify';
import { UpstreamFailure } from '../http/dependency-client.ts';
import { upstreamFailureError } from '../http/upstream-errors.ts';
import { AppError } from './app-error.ts';
import {
  BadRequestError,
  FRAMEWORK_ERRORS,
  InjectedError,
  InternalError,
  PayloadTooLargeError,
  UriTooLongError,
  isStableError,
} from './error-codes.ts';

/** An answer for an error: status, `{error, detail}` body and headers. */
export interface RenderedError {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Maps any error to the `{error, detail}` body and status (one place for all services). */
export function renderError(error: FastifyError | AppError | Error): RenderedError {
  if (error instanceof UpstreamFailure) return renderError(upstreamFailureError(error));
  if (error instanceof AppError) return { status: error.statusCode, body: error.toBody(), headers: { ...error.headers } };
  if (isStableError(error)) return stable(error, error.statusCode);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return stable(new BadRequestError(validationDetail(fastifyError)), 400);
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const kind =
      (fastifyError.code ? FRAMEWORK_ERRORS[fastifyError.code] : undefined) ??
      (status === 413 ? PayloadTooLargeError : status === 414 ? UriTooLongError : BadRequestError);
    // The status stays Fastify's (e.g. 415, 431); the code is the stable one.
    return stable(new kind(error.message), status);
  }
  return stable(new InternalError(), 500);
}

/** Whether the error handler should log the error: only failures nobody decided on. */
export function isUnexpected(error: Error, status: number): boolean {
  return status >= 500 && !(error instanceof AppError) && !(error instanceof UpstreamFailure) && !isStableError(error);
}

function stable(error: Error & { code: string }, status: number): RenderedError {
  const code = error.code.toLowerCase();
  if (error instanceof InjectedError) {
    const retryAfterS = (error as { retryAfterS?: number }).retryAfterS;
    return {
      status,
      body: { error: code, service: error.message },
      headers: retryAfterS === undefined ? {} : { 'retry-after': String(retryAfterS) },
    };
  }
  if (error instanceof InternalError) return { status, body: { error: code }, headers: {} };
  return { status, body: { error: code, detail: error.message }, headers: {} };
}

/** `querystring.intensity must be <= 10`: where, the field, and ajv's message for the first failure. */
function validationDetail(error: FastifyError): string {
  const where = error.validationContext ?? 'request';
  const first = error.validation?.[0];
  const path = first?.instancePath ? first.instancePath.replace(/^\//, '').replaceAll('/', '.') : '';
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
  const field = [where, path, missing].filter(Boolean).join('.');
  const allowed = allowedValues(error.validation ?? [], first?.instancePath);
  if (allowed) return `${field} must be one of ${allowed.join(', ')}`.trim();
  return `${field} ${first?.message ?? 'is invalid'}`.trim();
}

/** The values of a failed `Union(Literal)` (ajv reports one `const` failure per branch, then the `anyOf`), or null. */
function allowedValues(failures: NonNullable<FastifyError['validation']>, instancePath: string | undefined): string[] | null {
  const here = failures.filter((f) => f.instancePath === instancePath);
  const consts = here.filter((f) => f.keyword === 'const');
  if (consts.length === 0 || here.some((f) => f.keyword !== 'const' && f.keyword !== 'anyOf')) return null;
  return consts.map((f) => String((f.params as { allowedValue?: unknown }).allowedValue));
}
