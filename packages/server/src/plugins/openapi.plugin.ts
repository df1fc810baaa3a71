import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** Options of {@link openApiPlugin}. */
export interface OpenApiPluginOptions {
  /** One-line description of the service. */
  description?: string | undefined;
}

/**
 * The OpenAPI 3 document built from the route schemas, at `/docs` (JSON at `/docs/json`).
 * Registered before the routes, at the root (fastify-plugin), so that it sees every route.
 */
const openApi: FastifyPluginAsync<OpenApiPluginOptions> = async (app, options) => {
  const { service, version } = app.archaics;
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: service, version, description: options.description ?? `archaics ${service}` },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
};

export const openApiPlugin = fp(openApi, { name: 'archaics-openapi', fastify: '5.x', decorators: { fastify: ['archaics'] } });
