import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorResponse } from '@archaics/contracts';
import { AppError, badRequest } from '@archaics/server';
import type { Authenticator } from '../domain/authenticator.ts';
import { MAX_EMAIL_LENGTH } from '../domain/email.ts';
import { SignupBody, UserView } from './schemas.ts';

/** `POST /signup {email, password}` → 201 `{user_id, email}`. */
export function registerSignupRoute(app: FastifyInstance, authenticator: Authenticator): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/signup',
    {
      schema: {
        tags: ['auth'],
        summary: 'Creates an account',
        body: SignupBody,
        response: { 201: UserView, 400: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse },
      },
    },
    async (request, reply) => {
      const outcome = await authenticator.signup(request.body.email, request.body.password);
      if (!outcome.ok && outcome.reason === 'invalid_email') {
        throw badRequest(`body.email must be a valid email address of at most ${MAX_EMAIL_LENGTH} characters`);
      }
      if (!outcome.ok) throw new AppError(409, 'email_taken', 'an account with this email already exists');
      request.log.info({ user: outcome.user }, 'User signed up');
      return reply.code(201).send(outcome.user);
    },
  );
}
