import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Incident } from '@archaics/contracts';
import { AppError } from '@archaics/server';
import { AiopsResponse, ApproveAnswer, IncidentParams } from '../../shared/schemas/aiops.schema.ts';
import type { AiopsRelay } from '../clients/aiops.relay.ts';
import { aiopsView } from '../domain/aiops-view.ts';
import type { Sampler } from '../sampler.ts';
import { ERRORS, POLLED } from './route-options.ts';

export interface AiopsRoutesOptions {
  readonly aiops: AiopsRelay;
  readonly sampler: Sampler;
}

/** The AI-Ops view: the detector and the operator (either may not be running: then it says so), an incident, its approval. */
export const aiopsRoutes: FastifyPluginAsyncTypebox<AiopsRoutesOptions> = async (app, { aiops, sampler }) => {
  const notRunning = (error: string): AppError =>
    new AppError(502, 'operator_not_running', `ai-operator at ${aiops.operatorUrl}: ${error}`);

  app.get('/api/aiops', { config: POLLED, schema: { tags: ['aiops'], response: { 200: AiopsResponse } } }, async () =>
    aiopsView(aiops, sampler.detectorScores),
  );
  // The operator's answer is relayed with its status: the incident, or its {error, detail}.
  app.get(
    '/api/aiops/incidents/:id',
    { schema: { tags: ['aiops'], params: IncidentParams, response: { 200: Incident, ...ERRORS } } },
    async (request, reply) => {
      const answer = await aiops.incident(request.params.id);
      if (!answer.running) throw notRunning(answer.error);
      return (reply as FastifyReply).code(answer.status).send(answer.value);
    },
  );
  app.post(
    '/api/aiops/incidents/:id/approve',
    { schema: { tags: ['aiops'], params: IncidentParams, response: { 202: ApproveAnswer, ...ERRORS } } },
    async (request, reply) => {
      const answer = await aiops.approve(request.params.id);
      if (!answer.running) throw notRunning(answer.error);
      return (reply as FastifyReply).code(answer.status).send(answer.value);
    },
  );
};
