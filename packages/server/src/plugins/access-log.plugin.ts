import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { isControlRequest, pathOf } from '../server-context.ts';

/**
 * Access log and metrics: one log line and the request counter and histogram (SPEC §6) per
 * answered request, and `GET /metrics`. Control endpoints are counted too, but logged at DEBUG.
 */
const accessLog: FastifyPluginCallback = (app, _options, done) => {
  const { service, logger, metrics } = app.archaics;

  app.addHook('onResponse', (request, reply, next) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    const labels = { service, method: request.method, route, status };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    const control = isControlRequest(request);
    // Scrapes and health checks log at DEBUG: skip building the line when that is off.
    if (control && !logger.isLevelEnabled('debug')) return next();
    const line = `${request.method} ${pathOf(request)} ${status} ${reply.elapsedTime.toFixed(1)}ms`;
    const fields = {
      http: { method: request.method, route, status: reply.statusCode, duration_ms: Math.round(reply.elapsedTime * 10) / 10 },
    };
    if (control) request.log.debug(fields, line);
    else if (reply.statusCode >= 500) request.log.error(fields, line);
    else request.log.info(fields, line);
    next();
  });

  app.get('/metrics', { config: { control: true }, schema: { tags: ['control'], hide: false } }, async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  done();
};

export const accessLogPlugin = fp(accessLog, {
  name: 'archaics-access-log',
  fastify: '5.x',
  decorators: { fastify: ['archaics'] },
  dependencies: ['archaics-request-context'],
});
