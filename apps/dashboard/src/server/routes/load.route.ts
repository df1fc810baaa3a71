import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '@archaics/server';
import { LoadResponse, LoadRunView, LoadStartBody, LoadStopResponse } from '../../shared/schemas/load.schema.ts';
import { LoadRunError, type LoadRuns } from '../domain/load-runs.ts';
import { ERRORS, POLLED } from './route-options.ts';

export interface LoadRoutesOptions {
  readonly loadRuns: LoadRuns;
}

/** The load view: the scenarios and runs, start (one at a time, bounded) and stop. */
export const loadRoutes: FastifyPluginAsyncTypebox<LoadRoutesOptions> = async (app, { loadRuns }) => {
  app.get('/api/load', { config: POLLED, schema: { tags: ['load'], response: { 200: LoadResponse } } }, async () => ({
    scenarios: loadRuns.scenarios(),
    ...loadRuns.status(),
  }));
  app.post(
    '/api/load',
    { schema: { tags: ['load'], body: LoadStartBody, response: { 202: LoadRunView, ...ERRORS } } },
    async (request, reply) => {
      try {
        return await (reply as FastifyReply).code(202).send(loadRuns.start(request.body));
      } catch (error) {
        if (error instanceof LoadRunError) throw new AppError(error.statusCode, error.code, error.message);
        throw error;
      }
    },
  );
  app.post('/api/load/stop', { schema: { tags: ['load'], response: { 200: LoadStopResponse } } }, async () => ({
    stopped: await loadRuns.stop(),
  }));
};
