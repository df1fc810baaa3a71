import {
  ROOMY_TIMEOUT_MS,
  TIMEOUT_MS,
  captureLogger,
  startFakeUpstreams,
  type CapturedLogger,
  type FakeDbState,
  type FakeUpstream,
} from '@archaics/server/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { startFakeStripe, type FakeStripeState } from './fake-stripe.ts';

/** Environment giving Stripe the short deadline of failure tests. */
export const SHORT_STRIPE = { STRIPE_TIMEOUT_MS: String(TIMEOUT_MS) };
export const WEBHOOK_SECRET = 'whsec_test_secret_for_archaics';
export const STRIPE_KEY = 'sk_test_fakekey123';

export interface PaymentHarness {
  app: FastifyInstance;
  auth: FakeUpstream;
  db: FakeUpstream;
  dbState: FakeDbState;
  stripe: FakeUpstream | undefined;
  stripeState: FakeStripeState | undefined;
  logs: CapturedLogger;
  /** Builds the app again on the same fakes and environment (a restart). */
  restart(): Promise<FastifyInstance>;
  close(): Promise<void>;
}

/**
 * payment-service built against fake auth and db (and a fake Stripe with `stripe: true`),
 * an in-memory SQLite unless PAYMENT_DB_PATH is given, logs captured.
 */
export async function startPayment(options: { stripe?: boolean; env?: Record<string, string> } = {}): Promise<PaymentHarness> {
  const upstreams = await startFakeUpstreams();
  const stripe = options.stripe ? await startFakeStripe() : undefined;
  const logs = captureLogger('payment-service');
  const env = {
    ...upstreams.env,
    PAYMENT_DB_PATH: ':memory:',
    PAYMENT_PUBLIC_URL: 'http://127.0.0.1:8004',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...(stripe ? { STRIPE_API_KEY: STRIPE_KEY, STRIPE_API_BASE: stripe.fake.url, STRIPE_TIMEOUT_MS: ROOMY_TIMEOUT_MS } : {}),
    ...options.env,
  };
  const build = async (): Promise<FastifyInstance> => {
    const app = await buildApp(loadConfig(env), { logger: logs.logger });
    await app.ready();
    return app;
  };
  const harness: PaymentHarness = {
    app: await build(),
    auth: upstreams.auth,
    db: upstreams.db,
    dbState: upstreams.dbState,
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
      await Promise.all([upstreams.stop(), stripe?.fake.stop()]);
    },
  };
  return harness;
}
