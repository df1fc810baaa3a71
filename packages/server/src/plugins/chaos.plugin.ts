import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorResponse, InjectQuery, InjectResponse, ResetQuery, ResetResponse, type FaultType } from '@archaics/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { checkBearer } from '../auth-token.ts';
import type { FaultParams } from '../chaos/chaos-engine.ts';
import { injectedError } from '../errors/error-codes.ts';
import { isControlRequest } from '../server-context.ts';
import { ATTR_CHAOS_FAULT } from '../tracing/semantic-attributes.ts';

/** Options of {@link chaosPlugin}. */
export interface ChaosPluginOptions {
  /** The chaos token; null lifts the check (`CHAOS_OPEN=1`). */
  chaosToken: string | null;
  /** The fault types the service takes (at least one), named in the OpenAPI document. */
  faultTypes: readonly FaultType[];
}

/**
 * Chaos (SPEC §2 "Faults" and 2.1): the hook that applies the drawn faults before the route
 * runs (the service-wide one, then the route's own: timeout and latency wait, error answers
 * its status, crash exits; bad_data is left to the route through `request.fault`), and
 * `POST /inject-failure` and `POST /reset` behind the chaos token. Every business route is
 * made nameable by a `route` fault as it is registered. Registered only on a service that
 * has fault types; control endpoints are never faulted.
 */
const chaos: FastifyPluginAsync<ChaosPluginOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { service, logger, chaos: engine } = app.archaics;
  app.decorateRequest('fault', undefined);

  app.addHook('onRoute', (route) => {
    if (route.config?.control === true || route.method === 'HEAD' || route.url.startsWith('/docs')) return;
    engine.addRoute(route.url);
  });

  app.addHook('onRequest', async (request, reply) => {
    if (isControlRequest(request)) return;
    const drawn = engine.drawRequest(request.routeOptions.url);
    if (drawn.length === 0) return;
    request.fault = drawn.find((fault) => fault.type === 'bad_data') ?? drawn[0];
    request.span?.setAttribute(ATTR_CHAOS_FAULT, drawn.map((fault) => fault.type).join(','));
    for (const fault of drawn) {
      const where = fault.scope === 'service' ? '' : ` (${fault.scope})`;
      if (fault.type === 'timeout' || fault.type === 'latency') {
        const ms = Math.round(fault.delayMs ?? 0);
        const message =
          fault.type === 'timeout' ? `Injected timeout — sleeping ${ms / 1000}s${where}` : `Injected latency — delaying ${ms}ms${where}`;
        request.log.warn({ chaos: { type: fault.type, delay_ms: ms, scope: fault.scope } }, message);
        await sleep(ms, undefined, { signal: fault.signal }).catch(() => undefined);
      } else if (fault.type === 'error') {
        const status = fault.status ?? 500;
        request.log.warn({ chaos: { type: 'error', status, scope: fault.scope } }, `Injected error — answering ${status}${where}`);
        throw injectedError(service, status, fault.retryAfterS);
      } else if (fault.type === 'crash') {
        engine.crash();
        // Only reached when exit is faked (tests): drop the connection as a dead process would.
        reply.hijack();
        reply.raw.destroy();
        return reply;
      }
    }
    return undefined;
  });

  const chaosToken = options.chaosToken;
  if (chaosToken === null) logger.warn('CHAOS_OPEN=1: /inject-failure and /reset accept requests without a token');
  const requireToken = async (request: FastifyRequest): Promise<void> => checkBearer(request.headers.authorization, chaosToken);
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

  app.post(
    '/inject-failure',
    {
      config: { control: true },
      preHandler: requireToken,
      schema: {
        tags: ['control'],
        description: `Injects a fault. Types: ${options.faultTypes.join(', ')}.`,
        security: [{ bearer: [] }],
        querystring: InjectQuery,
        response: { 200: InjectResponse, ...errors },
      },
    },
    async (request, reply: FastifyReply) => {
      const failure = engine.inject(request.query as FaultParams);
      if (failure.type === 'crash' && failure.probability >= 1) {
        reply.raw.once('finish', () => setTimeout(() => engine.crash(), 20));
      }
      return { status: 'injected' as const, service, failure };
    },
  );

  app.post(
    '/reset',
    {
      config: { control: true },
      preHandler: requireToken,
      schema: {
        tags: ['control'],
        description: 'Clears every fault, or only the one of the given scope, route or target.',
        security: [{ bearer: [] }],
        querystring: ResetQuery,
        response: { 200: ResetResponse, ...errors },
      },
    },
    async (request) => {
      // The CLI's halt-all says why (X-Archaics-Reason); kept short and on one line in the log.
      const header = request.headers['x-archaics-reason'];
      const reason =
        typeof header === 'string'
          ? header
              .replace(/[\r\n\t]+/g, ' ')
              .trim()
              .slice(0, 200)
          : '';
      const result = engine.resetScope(request.query, reason ? `reset: ${reason}` : 'reset');
      return { status: 'reset' as const, service, ...result };
    },
  );
};

export const chaosPlugin = fp(chaos, {
  name: 'archaics-chaos',
  fastify: '5.x',
  decorators: { fastify: ['archaics'] },
  dependencies: ['archaics-errors', 'archaics-request-context'],
});
