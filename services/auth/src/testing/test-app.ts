import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createMetrics } from '@archaics/server';
import { type Env } from '@archaics/runtime';
import { captureLogger, type CapturedLogger } from '@archaics/server/testing';
import { buildApp, type AuthAppDeps } from '../app.ts';
import { loadConfig, type AuthConfig } from '../config.ts';

export const CHAOS_TOKEN = 'auth-test-chaos-token';
export const JWT_SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
export const chaosHeaders = { authorization: `Bearer ${CHAOS_TOKEN}` };

/** A clock tests move by hand. */
export class FakeClock {
  constructor(public ms = Date.UTC(2026, 0, 15, 10, 30)) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface TestApp {
  app: FastifyInstance;
  log: CapturedLogger;
  config: AuthConfig;
}

/** An auth-service on an in-memory SQLite with a cheap scrypt cost and captured logs. */
export async function buildTestApp(env: Env = {}, deps: AuthAppDeps = {}): Promise<TestApp> {
  const log = captureLogger('auth-service');
  const config = loadConfig({
    ARCHAICS_HOME: join(tmpdir(), 'archaics-auth-test'),
    CHAOS_TOKEN,
    JWT_SECRET,
    AUTH_DB_PATH: ':memory:',
    AUTH_SCRYPT_N: '16',
    ...env,
  });
  const app = await buildApp(config, {
    logger: log.logger,
    exit: () => undefined,
    metrics: createMetrics('auth-service', { defaults: false }),
    ...deps,
  });
  await app.ready();
  return { app, log, config };
}

export const signup = (app: FastifyInstance, email: string, password: string, remoteAddress?: string) =>
  app.inject({ method: 'POST', url: '/signup', payload: { email, password }, ...(remoteAddress ? { remoteAddress } : {}) });

export const login = (app: FastifyInstance, email: string, password: string, remoteAddress?: string) =>
  app.inject({ method: 'POST', url: '/login', payload: { email, password }, ...(remoteAddress ? { remoteAddress } : {}) });

/** Signs up and logs in; returns the user id and the access token. */
export async function signupAndLogin(app: FastifyInstance, email: string, password: string): Promise<{ userId: string; token: string }> {
  const created = await signup(app, email, password);
  if (created.statusCode !== 201) throw new Error(`signup: ${created.statusCode} ${created.body}`);
  const loggedIn = await login(app, email, password);
  if (loggedIn.statusCode !== 200) throw new Error(`login: ${loggedIn.statusCode} ${loggedIn.body}`);
  return { userId: created.json<{ user_id: string }>().user_id, token: loggedIn.json<{ access_token: string }>().access_token };
}
