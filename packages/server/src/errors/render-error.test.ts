import type { FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { UpstreamFailure } from '../http/dependency-client.ts';
import { AppError } from './app-error.ts';
import {
  BadRequestError,
  ForbiddenError,
  InjectedError,
  InternalError,
  InvalidJsonError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UriTooLongError,
} from './error-codes.ts';
import { isUnexpected, renderError } from './render-error.ts';

const fastifyError = (fields: Partial<FastifyError>): FastifyError =>
  Object.assign(new Error(fields.message ?? 'boom'), fields) as FastifyError;

describe(renderError.name, () => {
  it('renders each stable code as {error, detail} with its status', () => {
    const cases = [
      [new BadRequestError('x is bad'), 400, 'bad_request'],
      [new InvalidJsonError('x'), 400, 'invalid_json'],
      [new PayloadTooLargeError('x'), 413, 'payload_too_large'],
      [new UnsupportedMediaTypeError('x'), 415, 'unsupported_media_type'],
      [new UriTooLongError('x'), 414, 'uri_too_long'],
      [new NotFoundError('x'), 404, 'not_found'],
      [new UnauthorizedError('x'), 401, 'unauthorized'],
      [new ForbiddenError('x'), 403, 'forbidden'],
    ] as const;
    for (const [error, status, code] of cases) {
      expect(renderError(error)).toEqual({ status, body: { error: code, detail: error.message }, headers: {} });
    }
  });

  it('names the service, not a detail, for an injected error, and says nothing of an internal one', () => {
    expect(renderError(new InjectedError('db-service'))).toEqual({
      status: 500,
      body: { error: 'injected_error', service: 'db-service' },
      headers: {},
    });
    expect(renderError(new InternalError())).toEqual({ status: 500, body: { error: 'internal_error' }, headers: {} });
    expect(renderError(new Error('secret stack detail')).body).toEqual({ error: 'internal_error' });
  });

  it("maps Fastify's client errors to stable codes and keeps their status", () => {
    const json = renderError(fastifyError({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400, message: 'Body is not valid JSON' }));
    expect(json).toEqual({ status: 400, body: { error: 'invalid_json', detail: 'Body is not valid JSON' }, headers: {} });
    const media = renderError(fastifyError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415, message: 'Unsupported Media Type' }));
    expect(media.status).toBe(415);
    expect(media.body.error).toBe('unsupported_media_type');
    expect(renderError(fastifyError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).body.error).toBe('payload_too_large');
    expect(renderError(fastifyError({ code: 'FST_ERR_SOMETHING', statusCode: 414 })).body.error).toBe('uri_too_long');
    expect(renderError(fastifyError({ code: 'FST_ERR_HEADERS', statusCode: 431 }))).toMatchObject({
      status: 431,
      body: { error: 'bad_request' },
    });
  });

  it('names the failing field of a validation error', () => {
    const error = fastifyError({
      statusCode: 400,
      validationContext: 'body',
      validation: [
        { instancePath: '/items/0', params: { missingProperty: 'quantity' }, message: "must have required property 'quantity'" },
      ] as unknown as FastifyError['validation'],
    });
    expect(renderError(error)).toEqual({
      status: 400,
      body: { error: 'bad_request', detail: "body.items.0.quantity must have required property 'quantity'" },
      headers: {},
    });
  });

  it('renders AppError and UpstreamFailure with their own codes, extras and headers', () => {
    const limited = new AppError(429, 'rate_limited', 'slow down', { retry_after_s: 2 }, { 'retry-after': '2' });
    expect(renderError(limited)).toEqual({
      status: 429,
      body: { error: 'rate_limited', detail: 'slow down', retry_after_s: 2 },
      headers: { 'retry-after': '2' },
    });
    const failure = renderError(new UpstreamFailure('db-service', 'timeout', 1002));
    expect(failure).toMatchObject({ status: 504, body: { error: 'upstream_timeout', upstream: 'db-service' } });
  });
});

describe(isUnexpected.name, () => {
  it('is true only for 5xx errors nobody decided on', () => {
    expect(isUnexpected(new Error('bug'), 500)).toBe(true);
    expect(isUnexpected(new InjectedError('db-service'), 500)).toBe(false);
    expect(isUnexpected(new AppError(503, 'auth_unavailable'), 503)).toBe(false);
    expect(isUnexpected(new UpstreamFailure('db-service', 'error', 3, 500), 502)).toBe(false);
    expect(isUnexpected(new Error('client'), 400)).toBe(false);
  });
});
