import { join } from 'node:path';
import { AuthClient, authenticator, DbServiceClient } from '@archaics/business-clients';
import { createServer, serverOptionsOf, type ServerOptions, upstreamClient } from '@archaics/server';
import { stateDir } from '@archaics/runtime';
import { faultTypesFor } from '@archaics/contracts';
import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import type { CheckoutGateway } from './clients/checkout-gateway.ts';
import { SimulatedGateway } from './clients/simulated.client.ts';
import { StripeGateway, createStripeSdk } from './clients/stripe.client.ts';
import type { PaymentConfig } from './config.ts';
import { CheckoutService } from './domain/checkout.service.ts';
import { PaymentRepository } from './repositories/payment.repository.ts';
import { registerCheckoutRoute } from './routes/checkout.route.ts';
import { registerSimulatedCheckoutRoute } from './routes/simulated-checkout.route.ts';
import { registerWebhookRoute } from './routes/webhook.route.ts';

/** What tests (and the bench) may pass in instead of the defaults. */
export type PaymentDeps = Partial<Pick<ServerOptions, 'logger' | 'tracing' | 'metrics' | 'exit' | 'random' | 'cpu'>> & {
  /** A Stripe SDK instance (stripe mode); built from the config when absent. */
  stripe?: Stripe;
  now?: () => Date;
};

/** Builds payment-service: checkout of the bearer's cart, simulated or through Stripe. */
export async function buildApp(config: PaymentConfig, deps: PaymentDeps = {}): Promise<FastifyInstance> {
  const { stripe, now, ...serverDeps } = deps;
  const app = await createServer({
    ...serverOptionsOf(config),
    faultTypes: faultTypesFor('payment-service'),
    description:
      'archaics payment-service: checkout of the cart (Bearer token checked by auth-service, cart in db-service, payment by Stripe or simulated).',
    ...serverDeps,
  });
  const { service, logger, metrics, tracing } = app.archaics;
  const auth = new AuthClient(upstreamClient(app.archaics, 'auth-service', config.auth), logger);
  const db = new DbServiceClient(upstreamClient(app.archaics, 'db-service', config.db), logger, { invalidRecords: 'return' });
  const repository = PaymentRepository.open(config.dbPath ?? join(stateDir(config.home, 'data'), 'payment.sqlite'));
  const gateway: CheckoutGateway = config.stripe
    ? new StripeGateway({
        stripe: stripe ?? createStripeSdk(config.stripe),
        timeoutMs: config.stripe.timeoutMs,
        service,
        logger,
        metrics,
        tracing,
      })
    : new SimulatedGateway(config.publicUrl);
  const checkout = new CheckoutService({
    db,
    gateway,
    repository,
    logger,
    successUrl: config.successUrl,
    cancelUrl: config.cancelUrl,
    ...(now ? { now } : {}),
  });
  const authenticate = authenticator(auth);

  registerCheckoutRoute(app, { authenticate, checkout });
  registerSimulatedCheckoutRoute(app, { repository });
  await registerWebhookRoute(app, { checkout, webhookSecret: config.webhookSecret });

  logger.info(`checkout mode: ${gateway.mode}`);
  if (gateway.mode === 'stripe' && config.webhookSecret === undefined) {
    logger.warn('STRIPE_WEBHOOK_SECRET is not set: carts will not be cleared after Stripe payments');
  }
  app.addHook('onClose', async () => {
    await Promise.all([auth.close(), db.close()]);
    repository.close();
  });
  return app;
}
