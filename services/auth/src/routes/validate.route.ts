import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorResponse } from '@archaics/contracts';
import { AppError, bearerToken } from '@archaics/server';
import { TokenRejected, type TokenService } from '../domain/token-service.ts';
import { ValidView } from './schemas.ts';

const rejected = (detail: string): AppError =>
  new AppError(401, 'unauthorized', detail, {}, { 'www-authenticate': 'Bearer realm="archaics", error="invalid_token"' });

/** `GET /validate` (Bearer) → 200 `{valid:true, user_id, email}`; no database read. */
export function registerValidateRoute(app: FastifyInstance, tokens: TokenService): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/validate',
    {
      schema: {
        tags: ['auth'],
        summary: 'Checks an access token (the hot path of every product and payment request)',
        security: [{ bearer: [] }],
        headers: Type.Object({ authorization: Type.Optional(Type.String({ description: 'Bearer <access_token>' })) }),
        response: { 200: ValidView, 401: ErrorResponse },
      },
    },
    async (request) => {
      const header = request.headers.authorization;
      const token = bearerToken(header);
      if (token === undefined) {
        throw rejected(header === undefined ? 'missing bearer token' : 'malformed Authorization header: expected Bearer <token>');
      }
      try {
        const subject = await tokens.verify(token);
        return { valid: true as const, ...subject };
      } catch (error) {
        if (!(error instanceof TokenRejected)) throw error;
        request.log.debug({ validate: { outcome: 'rejected', reason: error.detail } }, `Token rejected: ${error.detail}`);
        throw rejected(error.detail);
      }
    },
  );
}
