import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '@archaics/contracts';
import { MetricsQuery, MetricsResponse, OverviewResponse } from '../../shared/schemas/overview.schema.ts';
import type { Sampler } from '../sampler.ts';
import { POLLED } from './route-options.ts';

export interface OverviewRoutesOptions {
  readonly sampler: Sampler;
}

/** The overview: every service's status and the graph, and the live charts' metrics. */
export const overviewRoutes: FastifyPluginAsyncTypebox<OverviewRoutesOptions> = async (app, { sampler }) => {
  app.get('/api/overview', { config: POLLED, schema: { tags: ['dashboard'], response: { 200: OverviewResponse } } }, async () =>
    sampler.overview(),
  );
  app.get(
    '/api/metrics',
    { config: POLLED, schema: { tags: ['dashboard'], querystring: MetricsQuery, response: { 200: MetricsResponse, 400: ErrorResponse } } },
    async (request) => {
      const { since } = request.query;
      return {
        points: sampler.history.since(since === undefined ? 0 : Number(since)),
        intervalMs: sampler.intervalMs,
        error: sampler.metricsErrorNow(),
      };
    },
  );
};
