import type { FastifyInstance } from 'fastify';
import { faultTypesFor } from '@archaics/contracts';
import { createServer, type CpuBurner, type Logger, type ServiceMetrics, type Tracing } from '@archaics/common';
import type { DbConfig } from './config.ts';
import { CartRepository } from './repositories/cart.repository.ts';
import { openDatabase } from './repositories/database.ts';
import { ProductRepository } from './repositories/product.repository.ts';
import { registerCartRoutes } from './routes/cart.route.ts';
import { registerProductRoutes } from './routes/products.route.ts';

/** What tests (and the bench) may replace. */
export interface DbAppDeps {
  logger?: Logger;
  /** Random source of the chaos draws and of the bad_data corruption. */
  random?: () => number;
  /** The crash fault's exit. */
  exit?: (code: number) => void;
  cpu?: CpuBurner;
  tracing?: Tracing;
  metrics?: ServiceMetrics;
}

/** Builds the db-service (SQLite store of products and carts); the caller listens. */
export async function buildApp(config: DbConfig, deps: DbAppDeps = {}): Promise<FastifyInstance> {
  const db = openDatabase(config.dbPath);
  const random = deps.random ?? Math.random;
  let app: FastifyInstance;
  try {
    app = await createServer({
      service: config.service,
      version: config.version,
      chaosToken: config.chaosToken,
      faultTypes: faultTypesFor('db-service'),
      logLevel: config.logLevel,
      otlpEndpoint: config.otlpEndpoint,
      sampleRatio: config.sampleRatio,
      description: 'archaics db-service: the SQLite store of products and carts, and the main failure generator',
      random,
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.exit ? { exit: deps.exit } : {}),
      ...(deps.cpu ? { cpu: deps.cpu } : {}),
      ...(deps.tracing ? { tracing: deps.tracing } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    });
  } catch (error) {
    db.close();
    throw error;
  }
  app.addHook('onClose', async () => {
    db.close();
  });
  registerProductRoutes(app, { products: new ProductRepository(db), random });
  registerCartRoutes(app, { carts: new CartRepository(db), random });
  app.log.info({ store: { path: config.dbPath } }, `Store open at ${config.dbPath} (WAL, synchronous=NORMAL)`);
  return app;
}
