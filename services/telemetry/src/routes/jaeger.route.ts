import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { jaegerData, jaegerError, toJaegerTrace, type JaegerResponse, type JaegerTrace } from '../domain/jaeger.ts';
import { normalizeTraceId, parseTraceSearch, TraceQueryError } from '../domain/trace-query.ts';
import type { SpanRepository } from '../repositories/span.repository.ts';
import { JaegerEnvelope, JaegerErrorEnvelope, JaegerTrace as JaegerTraceSchema, TraceSearchQuery } from './schemas.ts';

export interface JaegerRoutesDeps {
  spans: SpanRepository;
  /** Clock in milliseconds (the default search window ends now). */
  now: () => number;
}

const Names = JaegerEnvelope(Type.Array(Type.String()));
const Traces = JaegerEnvelope(Type.Array(JaegerTraceSchema));
const Operations = JaegerEnvelope(Type.Array(Type.Object({ name: Type.String(), spanKind: Type.String() })));
const errors = { 400: JaegerErrorEnvelope, 404: JaegerErrorEnvelope };

/**
 * The read side of jaeger-query's HTTP API (`/api/...`, as its UI uses it), with the same
 * JSON shapes, errors included (`{data: null, errors: [{code, msg}]}`), so a reader works
 * against a real Jaeger with only its base URL changed.
 */
export function registerJaegerRoutes(app: FastifyInstance, deps: JaegerRoutesDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/api/services', { schema: { tags: ['jaeger'], summary: 'Services that sent spans', response: { 200: Names } } }, async () => {
    const services = deps.spans.services();
    return jaegerData(services, services.length);
  });

  api.get(
    '/api/services/:service/operations',
    {
      schema: {
        tags: ['jaeger'],
        summary: 'Operation (span) names of a service',
        params: Type.Object({ service: Type.String() }),
        response: { 200: Names },
      },
    },
    async (request) => {
      const operations = deps.spans.operations(request.params.service);
      return jaegerData(operations, operations.length);
    },
  );

  api.get(
    '/api/operations',
    {
      schema: {
        tags: ['jaeger'],
        summary: 'Operations of a service with their span kinds',
        querystring: Type.Object(
          { service: Type.Optional(Type.String()), spanKind: Type.Optional(Type.String()) },
          { additionalProperties: true },
        ),
        response: { 200: Operations, ...errors },
      },
    },
    async (request, reply) => {
      const { service, spanKind } = request.query;
      if (!service) return reply.code(400).send(jaegerError(400, "parameter 'service' is required"));
      const operations = deps.spans.operationsWithKind(service, spanKind || undefined);
      return jaegerData(operations, operations.length);
    },
  );

  api.get(
    '/api/traces/:traceID',
    {
      schema: {
        tags: ['jaeger'],
        summary: 'One trace, every span of it',
        params: Type.Object({ traceID: Type.String() }),
        response: { 200: Traces, ...errors },
      },
    },
    async (request, reply) => {
      const traceId = normalizeTraceId(request.params.traceID);
      if (traceId === null) return reply.code(400).send(jaegerError(400, `cannot parse traceID "${request.params.traceID}"`));
      const spans = deps.spans.trace(traceId);
      if (spans.length === 0) return reply.code(404).send(jaegerError(404, 'trace not found'));
      // As jaeger-query, trace answers leave total at 0.
      return jaegerData([toJaegerTrace(spans)], 0);
    },
  );

  api.get(
    '/api/traces',
    {
      schema: {
        tags: ['jaeger'],
        summary: 'Search traces: whole traces with a span matching every condition, newest first',
        querystring: TraceSearchQuery,
        response: { 200: Traces, ...errors },
      },
    },
    async (request, reply) => {
      let search;
      try {
        search = parseTraceSearch(request.query, deps.now() * 1000);
      } catch (error) {
        if (error instanceof TraceQueryError) return reply.code(400).send(jaegerError(400, error.message));
        throw error;
      }
      if (search.kind === 'ids') {
        const found = deps.spans.tracesByIds(search.traceIds).map(toJaegerTrace);
        const foundIds = new Set(found.map((trace) => trace.traceID));
        const missing = search.traceIds.filter((id) => !foundIds.has(id)).map((traceID) => ({ msg: 'trace not found', traceID }));
        const answer: JaegerResponse<JaegerTrace[]> = { ...jaegerData(found, 0), errors: missing.length > 0 ? missing : null };
        return answer;
      }
      return jaegerData((await deps.spans.findTraces(search.query)).map(toJaegerTrace), 0);
    },
  );
}
