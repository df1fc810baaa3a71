import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { pathOf } from '../server-context.ts';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '../tracing/semantic-attributes.ts';

/**
 * Request context and tracing: the trace id from `traceparent` (or a legacy X-Trace-ID), a
 * server span around the request, in whose context every later hook, handler and log line
 * runs, and the `X-Trace-ID` response header. Registered first; its hooks apply to every route.
 */
const requestContext: FastifyPluginCallback = (app, _options, done) => {
  const { tracing } = app.archaics;
  app.decorateRequest('traceId', '');
  app.decorateRequest('span', undefined);

  app.addHook('onRequest', (request, reply, next) => {
    const { parent, legacyTraceId } = tracing.extract(request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = tracing.startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_URL_PATH]: pathOf(request), [ATTR_HTTP_ROUTE]: route },
      },
      parent,
      legacyTraceId,
    );
    request.span = span;
    request.traceId = span.spanContext().traceId;
    void reply.header('x-trace-id', request.traceId);
    context.with(trace.setSpan(parent, span), next);
  });

  app.addHook('onResponse', (request, reply, next) => {
    const span = request.span;
    if (span) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    next();
  });

  app.addHook('onRequestAbort', (request, next) => {
    request.span?.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted' });
    request.span?.end();
    next();
  });

  app.addHook('onClose', async () => {
    await tracing.shutdown().catch(() => undefined);
  });
  done();
};

export const requestContextPlugin = fp(requestContext, {
  name: 'archaics-request-context',
  fastify: '5.x',
  decorators: { fastify: ['archaics'] },
});
