import { Writable } from 'node:stream';
import { createLogger, type FakeUpstream } from '@archaics/common';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { startFakeAuth, startFakeDb, type FakeDbState } from './fake-services.ts';

/** The short deadline failure tests give the upstream they break (healthy ones keep a roomy one). */
export const TIMEOUT_MS = 300;
const ROOMY_TIMEOUT_MS = '3000';
export const SHORT_AUTH = { AUTH_TIMEOUT_MS: String(TIMEOUT_MS) };
export const SHORT_DB = { DB_TIMEOUT_MS: String(TIMEOUT_MS) };

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

export interface ProductHarness {
  app: FastifyInstance;
  auth: FakeUpstream;
  db: FakeUpstream;
  dbState: FakeDbState;
  logs: LogCapture;
  close(): Promise<void>;
}

/** product-service built against fake auth and db, with its logs captured. */
export async function startProduct(env: Record<string, string> = {}): Promise<ProductHarness> {
  const auth = await startFakeAuth();
  const { fake: db, state: dbState } = await startFakeDb();
  const { logger, logs } = captureLogs('product-service');
  const config = loadConfig({
    CHAOS_TOKEN: 'test-chaos-token',
    AUTH_SERVICE_URL: auth.url,
    DB_SERVICE_URL: db.url,
    AUTH_TIMEOUT_MS: ROOMY_TIMEOUT_MS,
    DB_TIMEOUT_MS: ROOMY_TIMEOUT_MS,
    ...env,
  });
  const app = await buildApp(config, { logger });
  await app.ready();
  return {
    app,
    auth,
    db,
    dbState,
    logs,
    async close() {
      await app.close();
      await Promise.all([auth.stop(), db.stop()]);
    },
  };
}
