import { unauthorized } from '@archaics/server';
import type { FastifyRequest } from 'fastify';
import type { AuthClient, AuthenticatedUser } from './auth.client.ts';

export interface Authenticator {
  /** Route `onRequest` hook: validates the bearer token before the body is read. */
  readonly onRequest: (request: FastifyRequest) => Promise<void>;
  /** The user the hook validated for this request. */
  readonly userOf: (request: FastifyRequest) => AuthenticatedUser;
}

/** Bearer authentication through auth-service for the business routes. */
export function authenticator(auth: AuthClient): Authenticator {
  const users = new WeakMap<FastifyRequest, AuthenticatedUser>();
  return {
    onRequest: async (request) => {
      users.set(request, await auth.validate(request.headers.authorization));
    },
    userOf: (request) => {
      const user = users.get(request);
      if (!user) throw unauthorized();
      return user;
    },
  };
}
