import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '@archaics/server';
import { waterfallOf, type TraceReader } from '@archaics/telemetry-query';
import {
  TraceDetail,
  TraceIdParams,
  TraceOperationsQuery,
  TraceOperationsResponse,
  TraceSearchQuery,
  TraceSearchResponse,
  TraceServicesResponse,
} from '../../shared/schemas/traces.schema.ts';
import { summaryOf, traceDetailOf } from '../domain/waterfall.ts';
import { ERRORS, POLLED, telemetryError } from './route-options.ts';

export interface TracesRoutesOptions {
  readonly traces: TraceReader;
  /** How long GET /api/traces/:id waits for a trace that is not there yet (default 5 s). */
  readonly traceWaitMs?: number;
}

/** The traces view: services and operations to search by, a search, one trace's waterfall. */
export const tracesRoutes: FastifyPluginAsyncTypebox<TracesRoutesOptions> = async (app, { traces, traceWaitMs = 5000 }) => {
  app.get(
    '/api/traces/services',
    { config: POLLED, schema: { tags: ['traces'], response: { 200: TraceServicesResponse, 502: ERRORS[502] } } },
    async () => ({
      services: await traces.services().catch(telemetryError),
    }),
  );
  app.get(
    '/api/traces/operations',
    { schema: { tags: ['traces'], querystring: TraceOperationsQuery, response: { 200: TraceOperationsResponse, ...ERRORS } } },
    async (request) => ({
      operations: await traces.operations(request.query.service).catch(telemetryError),
    }),
  );
  app.get(
    '/api/traces',
    { schema: { tags: ['traces'], querystring: TraceSearchQuery, response: { 200: TraceSearchResponse, ...ERRORS } } },
    async (request) => {
      const q = request.query;
      const found = await traces
        .findTraces({
          service: q.service,
          ...(q.operation ? { operation: q.operation } : {}),
          ...(q.errors === 'true' ? { tags: { error: 'true' } } : {}),
          limit: Math.min(100, Math.max(1, Number(q.limit ?? 20))),
          lookback: q.lookback ?? '1h',
        })
        .catch(telemetryError);
      return { traces: found.filter((t) => t.spans.length > 0).map(summaryOf) };
    },
  );
  app.get(
    '/api/traces/:id',
    { schema: { tags: ['traces'], params: TraceIdParams, response: { 200: TraceDetail, ...ERRORS } } },
    async (request) => {
      const id = request.params.id.replaceAll('-', '').toLowerCase();
      // Spans reach the trace store a second or so after the request: a trace just seen in the logs is waited for.
      let trace = await traces.getTrace(id).catch(telemetryError);
      for (let waited = 0; (!trace || trace.spans.length === 0) && waited < traceWaitMs; waited += 500) {
        await sleep(500);
        trace = await traces.getTrace(id).catch(telemetryError);
      }
      if (!trace || trace.spans.length === 0) throw notFound(`trace ${id} not found (spans arrive a second or two after the request)`);
      return traceDetailOf(waterfallOf(trace));
    },
  );
};
