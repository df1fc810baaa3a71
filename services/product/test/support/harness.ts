import { captureLogger, startFakeUpstreams, type CapturedLogger, type FakeDbState, type FakeUpstream } from '@archaics/server/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';

export interface ProductHarness {
  app: FastifyInstance;
  auth: FakeUpstream;
  db: FakeUpstream;
  dbState: FakeDbState;
  logs: CapturedLogger;
  close(): Promise<void>;
}

/** product-service built against fake auth and db, with its logs captured. */
export async function startProduct(env: Record<string, string> = {}): Promise<ProductHarness> {
  const upstreams = await startFakeUpstreams();
  const logs = captureLogger('product-service');
  const app = await buildApp(loadConfig({ ...upstreams.env, ...env }), { logger: logs.logger });
  await app.ready();
  return {
    app,
    auth: upstreams.auth,
    db: upstreams.db,
    dbState: upstreams.dbState,
    logs,
    async close() {
      await app.close();
      await upstreams.stop();
    },
  };
}
