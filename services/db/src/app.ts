import type { FastifyInstance } from 'fastify';
import { faultTypesFor } from '@archaics/contracts';
import { createServer, serverOptionsOf, type ServerOptions } from '@archaics/server';
import type { DbConfig } from './config.ts';
import { CartRepository } from './repositories/cart.repository.ts';
import { openDatabase } from './repositories/database.ts';
import { ProductRepository } from './repositories/product.repository.ts';
import { registerCartRoutes } from './routes/cart.route.ts';
import { registerProductRoutes } from './routes/products.route.ts';

/** What tests (and the bench) may replace. */
export type DbAppDeps = Partial<Pick<ServerOptions, 'logger' | 'tracing' | 'metrics' | 'exit' | 'cpu'>> & {
  /** Random source of the chaos draws and of the bad_data corruption. */
  random?: () => number;
};

/** Builds the db-service (SQLite store of products and carts); the caller listens. */
export async function buildApp(config: DbConfig, deps: DbAppDeps = {}): Promise<FastifyInstance> {
  const db = openDatabase(config.dbPath);
  const { random = Math.random, ...serverDeps } = deps;
  const app = await createServer({
    ...serverOptionsOf(config),
    faultTypes: faultTypesFor('db-service'),
    description: 'archaics db-service: the SQLite store of products and carts, and the main failure generator',
    ...serverDeps,
    random,
    owns: [db],
  });
  registerProductRoutes(app, { products: new ProductRepository(db), random });
  registerCartRoutes(app, { carts: new CartRepository(db), random });
  app.log.info({ store: { path: config.dbPath } }, `Store open at ${config.dbPath} (WAL, synchronous=NORMAL)`);
  return app;
}
