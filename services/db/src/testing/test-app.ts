import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createMetrics } from '@archaics/server';
import { seededRandom, type Env } from '@archaics/runtime';
import { captureLogger, type CapturedLogger } from '@archaics/server/testing';
import { buildApp, type DbAppDeps } from '../app.ts';
import { loadConfig, type DbConfig } from '../config.ts';

export const CHAOS_TOKEN = 'db-test-chaos-token';
export const chaosHeaders = { authorization: `Bearer ${CHAOS_TOKEN}` };

export interface TestApp {
  app: FastifyInstance;
  log: CapturedLogger;
  config: DbConfig;
}

/** A db-service on an in-memory SQLite (unless `DB_PATH` is given), with captured logs and a fake exit. */
export async function buildTestApp(env: Env = {}, deps: DbAppDeps = {}): Promise<TestApp> {
  const log = captureLogger('db-service');
  const config = loadConfig({ ARCHAICS_HOME: join(tmpdir(), 'archaics-db-test'), CHAOS_TOKEN, DB_PATH: ':memory:', ...env });
  const app = await buildApp(config, {
    logger: log.logger,
    random: seededRandom(42),
    exit: () => undefined,
    metrics: createMetrics('db-service', { defaults: false }),
    ...deps,
  });
  await app.ready();
  return { app, log, config };
}

/** Injects a fault through the real control endpoint. */
export async function injectFault(app: FastifyInstance, query: string): Promise<void> {
  const res = await app.inject({ method: 'POST', url: `/inject-failure?${query}`, headers: chaosHeaders });
  if (res.statusCode !== 200) throw new Error(`inject-failure ${query}: ${res.statusCode} ${res.body}`);
}
