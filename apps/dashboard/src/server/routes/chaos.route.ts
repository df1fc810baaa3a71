import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BUSINESS_SERVICES } from '@archaics/contracts';
import { notFound } from '@archaics/server';
import {
  ChaosResult,
  FaultCatalog,
  HaltResponse,
  InjectBody,
  PresetList,
  PresetParams,
  PresetResponse,
  ResetBody,
} from '../../shared/schemas/chaos.schema.ts';
import type { ServicesRelay } from '../clients/services.relay.ts';
import { CHAOS_PRESETS } from '../domain/chaos-presets.ts';
import { faultCatalog, parseFaultRequest, parseScopeLabel, toService } from '../domain/fault-request.ts';
import type { Sampler } from '../sampler.ts';
import { ERRORS } from './route-options.ts';

export interface ChaosRoutesOptions {
  readonly services: ServicesRelay;
  readonly sampler: Sampler;
}

/** A failed relay as `{error, detail}` (the service's own when it gave one), with the service's status. */
function relayFailure(result: ChaosResult): { status: number; body: Record<string, unknown> } {
  const body = (typeof result.body === 'object' && result.body !== null ? result.body : {}) as Record<string, unknown>;
  const error = typeof body.error === 'string' ? body.error : 'service_error';
  const detail = typeof body.detail === 'string' ? body.detail : `${result.service} answered HTTP ${result.status}`;
  // The service's 401/403 mean the dashboard's chaos token is wrong: a server problem, not the browser's.
  const status = result.status === 0 || result.status === 401 || result.status === 403 || result.status >= 500 ? 502 : result.status;
  return { status, body: { error, detail, service: result.service, upstream_status: result.status } };
}

/** The chaos view and the phone page: the fault catalog, inject, reset (all or one scope), halt all, presets; relayed to the business services with the chaos token. */
export const chaosRoutes: FastifyPluginAsyncTypebox<ChaosRoutesOptions> = async (app, { services, sampler }) => {
  const answer = (result: ChaosResult, reply: FastifyReply): ChaosResult | FastifyReply => {
    if (result.ok) return result;
    const failure = relayFailure(result);
    return reply.code(failure.status).send(failure.body);
  };

  app.get('/api/chaos/catalog', { schema: { tags: ['chaos'], response: { 200: FaultCatalog } } }, async () => faultCatalog());
  app.post(
    '/api/chaos/inject',
    { schema: { tags: ['chaos'], body: InjectBody, response: { 200: ChaosResult, ...ERRORS } } },
    async (request, reply) => {
      const injection = parseFaultRequest(request.body);
      const result = await services.inject(injection);
      await sampler.refresh(injection.service);
      return answer(result, reply);
    },
  );
  app.post(
    '/api/chaos/reset',
    { schema: { tags: ['chaos'], body: ResetBody, response: { 200: ChaosResult, ...ERRORS } } },
    async (request, reply) => {
      const service = toService(request.body.service);
      const { scope } = request.body;
      const result = await services.reset(service, 'dashboard reset', scope === undefined ? undefined : parseScopeLabel(service, scope));
      await sampler.refresh(service);
      return answer(result, reply);
    },
  );
  app.post('/api/chaos/halt', { schema: { tags: ['chaos'], response: { 200: HaltResponse } } }, async () => {
    const results = await Promise.all(BUSINESS_SERVICES.map((service) => services.reset(service, 'dashboard halt all')));
    await sampler.refreshAll();
    return { results };
  });
  app.get('/api/chaos/presets', { schema: { tags: ['chaos'], response: { 200: PresetList } } }, async () =>
    Object.entries(CHAOS_PRESETS).map(([name, preset]) => ({ name, label: preset.label })),
  );
  app.post(
    '/api/chaos/presets/:name',
    { schema: { tags: ['chaos'], params: PresetParams, response: { 200: PresetResponse, ...ERRORS } } },
    async (request) => {
      const { name } = request.params;
      const preset = CHAOS_PRESETS[name];
      if (!preset) throw notFound(`no preset "${name}"; known: ${Object.keys(CHAOS_PRESETS).join(', ')}`);
      const results = await Promise.all(preset.injections.map((injection) => services.inject(injection)));
      await sampler.refreshAll();
      return { preset: name, results };
    },
  );
};
