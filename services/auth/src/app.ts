import type { FastifyInstance } from 'fastify';
import { faultTypesFor } from '@archaics/contracts';
import { createServer, serverOptionsOf, type ServerOptions } from '@archaics/server';
import type { AuthConfig } from './config.ts';
import { Authenticator } from './domain/authenticator.ts';
import { FailureLimiter } from './domain/failure-limiter.ts';
import { PasswordHasher } from './domain/password-hasher.ts';
import { TokenService } from './domain/token-service.ts';
import { openDatabase } from './repositories/database.ts';
import { UserRepository } from './repositories/user.repository.ts';
import { registerLoginRoute } from './routes/login.route.ts';
import { registerSignupRoute } from './routes/signup.route.ts';
import { registerValidateRoute } from './routes/validate.route.ts';

/** What tests (and the bench) may replace. */
export type AuthAppDeps = Partial<Pick<ServerOptions, 'logger' | 'tracing' | 'metrics' | 'exit' | 'random' | 'cpu'>> & {
  /** Clock of the login limiter and of token issue and expiry (ms). */
  now?: () => number;
};

/** Builds the auth-service (users, passwords, JWTs); the caller listens. */
export async function buildApp(config: AuthConfig, deps: AuthAppDeps = {}): Promise<FastifyInstance> {
  const hasher = new PasswordHasher({ N: config.scryptN });
  await hasher.prepare();
  const { now = Date.now, ...serverDeps } = deps;
  const db = openDatabase(config.dbPath);
  const app = await createServer({
    ...serverOptionsOf(config),
    faultTypes: faultTypesFor('auth-service'),
    description: 'archaics auth-service: users, password login and JWT access tokens',
    ...serverDeps,
    owns: [db],
  });

  const windowMs = config.loginWindowS * 1000;
  const tokens = new TokenService({ secret: config.jwtSecret, ttlS: config.jwtTtlS, now });
  const authenticator = new Authenticator({
    users: new UserRepository(db),
    hasher,
    tokens,
    emailFailures: new FailureLimiter({ max: config.loginMaxFailuresPerEmail, windowMs, now }),
    clientFailures: new FailureLimiter({ max: config.loginMaxFailuresPerClient, windowMs, now }),
  });
  registerSignupRoute(app, authenticator);
  registerLoginRoute(app, authenticator);
  registerValidateRoute(app, tokens);
  app.log.info(
    { store: { path: config.dbPath }, scrypt: { N: config.scryptN }, token_ttl_s: config.jwtTtlS },
    `Users store open at ${config.dbPath}`,
  );
  return app;
}
