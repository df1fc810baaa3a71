import type { FastifyError, FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { NotFoundError } from '../errors/error-codes.ts';
import { isUnexpected, renderError } from '../errors/render-error.ts';
import { pathOf } from '../server-context.ts';

/**
 * One error handler for the whole server (it must escape encapsulation, hence fastify-plugin):
 * every thrown error and unknown route is answered `{error, detail}` by {@link renderError}.
 * Deliberate answers (AppError, UpstreamFailure, the stable codes) were logged where they were decided;
 * anything else that ends in a 5xx is logged here.
 */
const errorHandler: FastifyPluginCallback = (app, _options, done) => {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const { status, body, headers } = renderError(error);
    if (isUnexpected(error, status)) request.log.error({ err: error }, `Unhandled error: ${error.message}`);
    void reply.headers(headers);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = renderError(new NotFoundError(`no route ${request.method} ${pathOf(request)}`));
    return reply.code(status).send(body);
  });
  done();
};

export const errorHandlerPlugin = fp(errorHandler, { name: 'archaics-errors', fastify: '5.x' });
