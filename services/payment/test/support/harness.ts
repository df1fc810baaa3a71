import { Writable } from 'node:stream';
import { createLogger, type FakeUpstream } from '@archaics/common';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { startFakeStripe, type FakeStripeState } from './fake-stripe.ts';
import { startFakeAuth, startFakeDb, type FakeDbState } from './fake-services.ts';

/** The short deadline failure tests give the upstream they break (healthy ones keep a roomy one). */
export const TIMEOUT_MS = 300;
const ROOMY_TIMEOUT_MS = '3000';
export const SHORT_AUTH = { AUTH_TIMEOUT_MS: String(TIMEOUT_MS) };
export const SHORT_DB = { DB_TIMEOUT_MS: String(TIMEOUT_MS) };
export const SHORT_STRIPE = { STRIPE_TIMEOUT_MS: String(TIMEOUT_MS) };
export const WEBHOOK_SECRET = 'whsec_test_secret_for_archaics';
export const STRIPE_KEY = 'sk_test_fakekey123';

/** Log lines kept in memory, parsed. */
export interface LogCapture {
  lines: Array<Record<string, unknown>>;
  find(predicate: (line: Record<string, unknown>) => boolean): Record<string, unknown> | undefined;
}

export function captureLogs(service: string): { logger: ReturnType<typeof createLogger>; logs: LogCapture } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return {
    logger: createLogger({ service, level: 'debug', destination }),
    logs: { lines, find: (predicate) => lines.find(predicate) },
  };
}

export interface PaymentHarness {
  app: FastifyInstance;
  auth: FakeUpstream;
  db: FakeUpstream;
  dbState: FakeDbState;
  stripe: FakeUpstream | undefined;
  stripeState: FakeStripeState | undefined;
  logs: LogCapture;
  /** Builds the app again on the same fakes and environment (a restart). */
  restart(): Promise<FastifyInstance>;
  close(): Promise<void>;
}

/**
 * payment-service built against fake auth and db (and a fake Stripe with `stripe: true`),
 * an in-memory SQLite unless PAYMENT_DB_PATH is given, logs captured.
 */
export async function startPayment(options: { stripe?: boolean; env?: Record<string, string> } = {}): Promise<PaymentHarness> {
  const auth = await startFakeAuth();
  const { fake: db, state: dbState } = await startFakeDb();
  const stripe = options.stripe ? await startFakeStripe() : undefined;
  const { logger, logs } = captureLogs('payment-service');
  const env = {
    CHAOS_TOKEN: 'test-chaos-token',
    AUTH_SERVICE_URL: auth.url,
    DB_SERVICE_URL: db.url,
    AUTH_TIMEOUT_MS: ROOMY_TIMEOUT_MS,
    DB_TIMEOUT_MS: ROOMY_TIMEOUT_MS,
    PAYMENT_DB_PATH: ':memory:',
    PAYMENT_PUBLIC_URL: 'http://127.0.0.1:8004',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...(stripe ? { STRIPE_API_KEY: STRIPE_KEY, STRIPE_API_BASE: stripe.fake.url, STRIPE_TIMEOUT_MS: ROOMY_TIMEOUT_MS } : {}),
    ...options.env,
  };
  const build = async (): Promise<FastifyInstance> => {
    const app = await buildApp(loadConfig(env), { logger });
    await app.ready();
    return app;
  };
  const harness: PaymentHarness = {
    app: await build(),
    auth,
    db,
    dbState,
    stripe: stripe?.fake,
    stripeState: stripe?.state,
    logs,
    async restart() {
      await harness.app.close();
      harness.app = await build();
      return harness.app;
    },
    async close() {
      await harness.app.close();
      await Promise.all([auth.stop(), db.stop(), stripe?.fake.stop()]);
    },
  };
  return harness;
}
