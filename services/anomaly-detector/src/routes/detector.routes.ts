import { badRequest, checkBearer } from '@archaics/server';
import { AnomalyList, ErrorResponse, ServiceScore } from '@archaics/contracts';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Detector } from '../domain/detector.ts';

const Limit = (fallback: number, max: number) =>
  Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$', description: `how many, 1..${max} (default ${fallback})` })) });

/** The `limit` query parameter (kept a string by the schema, so a bad one is named in the 400). */
function limitOf(query: unknown, fallback: number, max: number): number {
  const raw = (query as { limit?: string }).limit;
  if (raw === undefined) return fallback;
  const limit = Number(raw);
  if (!(limit >= 1 && limit <= max)) throw badRequest(`querystring.limit must be between 1 and ${max}, got ${raw}`);
  return limit;
}

export function registerDetectorRoutes(app: FastifyInstance, deps: { detector: Detector; chaosToken: string | null }): void {
  const { detector } = deps;

  app.get(
    '/anomalies',
    {
      schema: {
        tags: ['detector'],
        description:
          'Anomalies (episodes), newest first: when they opened and closed, the services and scores, and the webhook to the ai-operator.',
        querystring: Limit(50, 200),
        response: { 200: AnomalyList, 400: ErrorResponse },
      },
    },
    async (request) => {
      const limit = limitOf(request.query, 50, 200);
      return { open: detector.openAnomaly, anomalies: detector.anomalies(limit) };
    },
  );

  app.get(
    '/scores',
    {
      schema: {
        tags: ['detector'],
        description: 'The latest score, features and drivers of every business service, and the scores of recent intervals (oldest first).',
        querystring: Limit(150, 600),
        response: {
          200: Type.Object({
            trained: Type.Boolean(),
            threshold: Type.Number(),
            latest: Type.Array(ServiceScore),
            history: Type.Array(
              Type.Object({ at: Type.String(), scores: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])) }),
            ),
          }),
          400: ErrorResponse,
        },
      },
    },
    async (request) => {
      const limit = limitOf(request.query, 150, 600);
      return {
        trained: detector.isTrained,
        threshold: detector.settings.threshold,
        latest: detector.latestScores(),
        history: detector.scoreHistory(limit),
      };
    },
  );

  app.post(
    '/baseline/reset',
    {
      preHandler: async (request) => checkBearer(request.headers.authorization, deps.chaosToken),
      schema: {
        tags: ['detector'],
        description: 'Forgets the model and learns a new baseline from the next BASELINE_SAMPLES clean intervals (chaos token).',
        security: [{ bearer: [] }],
        response: {
          202: Type.Object({ status: Type.Literal('learning'), baseline_required: Type.Integer() }),
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (_request, reply) => {
      detector.resetBaseline();
      return reply.code(202).send({ status: 'learning' as const, baseline_required: detector.settings.baselineSamples });
    },
  );
}
