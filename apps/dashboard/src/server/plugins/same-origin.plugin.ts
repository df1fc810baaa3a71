import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';

/** A page of another site must not drive the chaos API through the user's browser: a non-GET from another origin is refused. */
const sameOrigin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return undefined;
    const origin = request.headers.origin;
    if (origin === undefined) return undefined;
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = '';
    }
    if (originHost !== request.headers.host)
      return reply.code(403).send({ error: 'forbidden', detail: `cross-origin request from ${origin} refused` });
    return undefined;
  });
};

export const sameOriginPlugin = fp(sameOrigin, { name: 'dashboard-same-origin' });
