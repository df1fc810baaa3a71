import { HealthResponse } from '@archaics/contracts';
import { Type, type TProperties } from '@sinclair/typebox';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';

/** Options of {@link healthPlugin}. */
export interface HealthPluginOptions {
  /** More fields for `GET /health`: their schema, and a function that reads them on each request. */
  health?: { readonly properties: TProperties; read(): Record<string, unknown> } | undefined;
}

/**
 * `GET /health` (SPEC §2): status, service, version, uptime and the active fault, plus the
 * service's own fields. At the root (fastify-plugin), so hooks the service adds later apply to it too.
 */
const health: FastifyPluginCallback<HealthPluginOptions> = (app, options, done) => {
  const { service, version, chaos } = app.archaics;
  const extra = options.health;
  const startedAt = Date.now();
  app.get(
    '/health',
    {
      config: { control: true },
      schema: {
        tags: ['control'],
        response: { 200: extra ? Type.Composite([HealthResponse, Type.Object(extra.properties)]) : HealthResponse },
      },
    },
    async () => ({
      status: 'ok',
      service,
      version,
      uptime_s: Math.round((Date.now() - startedAt) / 100) / 10,
      failure: chaos.state(),
      failures: chaos.states(),
      ...extra?.read(),
    }),
  );
  done();
};

export const healthPlugin = fp(health, { name: 'archaics-health', fastify: '5.x', decorators: { fastify: ['archaics'] } });
