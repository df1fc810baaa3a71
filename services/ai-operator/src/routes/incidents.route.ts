import { AppError, checkBearer, notFound } from '@archaics/server';
import { ErrorResponse, Incident } from '@archaics/contracts';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Operator } from '../domain/operator.ts';
import type { IncidentRepository } from '../repositories/incident.repository.ts';
import { ApproveAccepted } from './schemas.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

/** `GET /incidents`, `GET /incidents/{id}`, `POST /incidents/{id}/approve`. */
export function registerIncidentRoutes(
  app: FastifyInstance,
  deps: { operator: Operator; repository: IncidentRepository; chaosToken: string | null },
): void {
  app.get(
    '/incidents',
    {
      schema: {
        tags: ['operator'],
        summary: 'Incidents, newest first',
        querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: '1..500, default 50' })) }),
        response: { 200: Type.Array(Incident), 400: ErrorResponse },
      },
    },
    async (request) => {
      const { limit } = request.query as { limit?: string };
      const n = limit === undefined ? 50 : Number(limit);
      if (n < 1 || n > 500) throw new AppError(400, 'bad_request', 'querystring.limit must be 1..500');
      return deps.repository.list(n);
    },
  );

  app.get(
    '/incidents/:id',
    {
      schema: {
        tags: ['operator'],
        summary: 'One incident with its timeline',
        params: IdParams,
        response: { 200: Incident, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const incident = deps.repository.get(id);
      if (!incident) throw notFound(`no incident ${id}`);
      return incident;
    },
  );

  app.post(
    '/incidents/:id/approve',
    {
      preHandler: async (request) => checkBearer(request.headers.authorization, deps.chaosToken),
      schema: {
        tags: ['operator'],
        summary: 'Carry out the actions an incident waits for (OPERATOR_MODE=approve)',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 202: ApproveAccepted, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const result = deps.operator.approve(id);
      switch (result.kind) {
        case 'not_found':
          throw notFound(`no incident ${id}`);
        case 'not_awaiting_approval':
          throw new AppError(409, 'not_awaiting_approval', `incident ${id} is ${result.status}, not awaiting_approval`);
        case 'approved':
          return reply.code(202).send({ incident_id: id, status: result.incident.status });
      }
    },
  );
}
