import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorResponse } from '@archaics/contracts';
import { AppError } from '@archaics/server';
import type { Authenticator } from '../domain/authenticator.ts';
import { LoginBody, RateLimited, TokenView } from './schemas.ts';

/** `POST /login {email, password}` → 200 `{access_token, token_type, expires_in}`. */
export function registerLoginRoute(app: FastifyInstance, authenticator: Authenticator): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchanges credentials for an access token',
        description:
          'Failed attempts are limited per email and per client address (LOGIN_MAX_FAILURES_PER_EMAIL, ' +
          'LOGIN_MAX_FAILURES_PER_CLIENT over LOGIN_WINDOW_S); over a limit the answer is 429 with Retry-After.',
        body: LoginBody,
        response: { 200: TokenView, 400: ErrorResponse, 401: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 429: RateLimited },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const outcome = await authenticator.login(request.body.email, request.body.password, request.ip);
      if (outcome.ok) {
        request.log.info({ user: outcome.user }, 'Login succeeded');
        return outcome.token;
      }
      if (outcome.reason === 'rate_limited') {
        request.log.warn(
          { login: { email: outcome.email, client: request.ip, limited_by: outcome.scope, retry_after_s: outcome.retryAfterS } },
          `Login refused: too many failed attempts for this ${outcome.scope}`,
        );
        throw new AppError(
          429,
          'too_many_attempts',
          `too many failed login attempts for this ${outcome.scope}; retry in ${outcome.retryAfterS}s`,
          { retry_after_s: outcome.retryAfterS },
          { 'retry-after': String(outcome.retryAfterS) },
        );
      }
      request.log.warn({ login: { email: outcome.email, client: request.ip, cause: outcome.cause } }, 'Login failed: invalid credentials');
      throw new AppError(401, 'invalid_credentials', 'wrong email or password');
    },
  );
}
