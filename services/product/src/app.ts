import { AuthClient, authenticator, DbServiceClient } from '@archaics/business-clients';
import { createServer, serverOptionsOf, type ServerOptions, upstreamClient } from '@archaics/server';
import { faultTypesFor } from '@archaics/contracts';
import type { FastifyInstance } from 'fastify';
import type { ProductConfig } from './config.ts';
import { registerCartRoutes } from './routes/cart.route.ts';
import { registerProductRoutes } from './routes/products.route.ts';

/** What tests (and the bench) may pass in instead of the defaults. */
export type ProductDeps = Partial<Pick<ServerOptions, 'logger' | 'tracing' | 'metrics' | 'exit' | 'random' | 'cpu'>>;

/** Builds product-service: catalogue and cart for the bearer's user, backed by auth-service and db-service. */
export async function buildApp(config: ProductConfig, deps: ProductDeps = {}): Promise<FastifyInstance> {
  const app = await createServer({
    ...serverOptionsOf(config),
    faultTypes: faultTypesFor('product-service'),
    description: 'archaics product-service: the catalogue and the cart (Bearer token checked by auth-service, data in db-service).',
    ...deps,
  });
  const { logger } = app.archaics;
  const auth = new AuthClient(upstreamClient(app.archaics, 'auth-service', config.auth), logger);
  const db = new DbServiceClient(upstreamClient(app.archaics, 'db-service', config.db), logger, { invalidRecords: 'drop' });
  const authenticate = authenticator(auth);

  registerProductRoutes(app, { authenticate, db });
  registerCartRoutes(app, { authenticate, db });
  app.addHook('onClose', async () => {
    await Promise.all([auth.close(), db.close()]);
  });
  return app;
}
