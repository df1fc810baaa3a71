import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorResponse, InjectQuery, InjectResponse, ResetResponse, type FaultType } from '@archaics/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { checkBearer } from '../auth-token.ts';
import type { FaultParams } from '../chaos/chaos-engine.ts';
import { InjectedError } from '../errors/error-codes.ts';
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
 * Chaos (SPEC §2 "Faults"): the hook that applies the drawn fault before the route runs
 * (timeout, error, crash; bad_data is left to the route through `request.fault`), and
 * `POST /inject-failure` and `POST /reset` behind the chaos token. Registered only on a
 * service that has fault types; control endpoints are never faulted.
 */
const chaos: FastifyPluginAsync<ChaosPluginOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { service, logger, chaos: engine } = app.archaics;
  app.decorateRequest('fault', undefined);

  app.addHook('onRequest', async (request, reply) => {
    if (isControlRequest(request)) return;
    const fault = engine.draw();
    if (!fault) return;
    request.fault = fault;
    request.span?.setAttribute(ATTR_CHAOS_FAULT, fault.type);
    if (fault.type === 'timeout') {
      const ms = 2000 * fault.intensity;
      request.log.warn({ chaos: { type: 'timeout', delay_ms: ms } }, `Injected timeout — sleeping ${ms / 1000}s`);
      await sleep(ms, undefined, { signal: fault.signal }).catch(() => undefined);
    } else if (fault.type === 'error') {
      request.log.warn({ chaos: { type: 'error' } }, 'Injected error — answering 500');
      throw new InjectedError(service);
    } else if (fault.type === 'crash') {
      engine.crash();
      // Only reached when exit is faked (tests): drop the connection as a dead process would.
      reply.hijack();
      reply.raw.destroy();
      return reply;
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
      schema: { tags: ['control'], security: [{ bearer: [] }], response: { 200: ResetResponse, ...errors } },
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
      return { status: 'reset' as const, service, cleared: engine.reset(reason ? `reset: ${reason}` : 'reset') };
    },
  );
};

export const chaosPlugin = fp(chaos, {
  name: 'archaics-chaos',
  fastify: '5.x',
  decorators: { fastify: ['archaics'] },
  dependencies: ['archaics-errors', 'archaics-request-context'],
});
