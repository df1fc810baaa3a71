import { AppError, badRequest, checkBearer } from '@archaics/server';
import { verifySignature } from '@archaics/runtime';
import { AnomalyWebhook, ErrorResponse, SIGNATURE_HEADER } from '@archaics/contracts';
import { schemaValidator } from '@archaics/contracts/validate';
import type { FastifyInstance } from 'fastify';
import type { Operator } from '../domain/operator.ts';
import { AnalyzeAccepted, ManualAnalyze } from './schemas.ts';

const DESCRIPTION = `Opens an incident and runs the pipeline in the background (evidence → ranking → plan → policy → act → verify).
Authenticated by the detector's HMAC-SHA256 of the raw body in X-Archaics-Signature (sha256=<hex>, WEBHOOK_SECRET), or by the chaos
token (Authorization: Bearer). Body: the detector's AnomalyWebhook, or {source:"manual", reason, services?}. The same anomaly_id
answers the incident it already opened.`;

const webhook = schemaValidator(AnomalyWebhook);
const manual = schemaValidator(ManualAnalyze);

/** `POST /analyze`: in its own scope so that it alone reads the raw body the signature covers. */
export async function registerAnalyzeRoute(
  app: FastifyInstance,
  deps: { operator: Operator; webhookSecret: string; chaosToken: string | null },
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post(
      '/analyze',
      {
        bodyLimit: 256 * 1024,
        schema: {
          tags: ['operator'],
          summary: 'Report an anomaly',
          description: DESCRIPTION,
          security: [{ bearer: [] }],
          response: { 202: AnalyzeAccepted, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
        },
      },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers[SIGNATURE_HEADER];
        const signed = typeof signature === 'string' && signature !== '';
        if (signed) {
          if (!verifySignature(deps.webhookSecret, raw, signature)) {
            throw new AppError(401, 'invalid_signature', `${SIGNATURE_HEADER} does not match the body`);
          }
        } else if (request.headers.authorization !== undefined) {
          checkBearer(request.headers.authorization, deps.chaosToken);
        } else {
          throw new AppError(401, 'unauthorized', `send the webhook's ${SIGNATURE_HEADER} or Authorization: Bearer <chaos token>`);
        }
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw badRequest('the body is not JSON', 'invalid_json');
        }
        const source = typeof body === 'object' && body !== null ? (body as { source?: unknown }).source : undefined;
        let anomalyId: string | null = null;
        if (source === 'anomaly-detector') {
          if (!webhook.check(body)) throw badRequest(webhook.explain(body, 'body'));
          anomalyId = body.anomaly_id;
        } else if (source === 'manual') {
          if (!manual.check(body)) throw badRequest(manual.explain(body, 'body'));
        } else {
          throw badRequest('body.source must be "anomaly-detector" (the detector\'s webhook) or "manual"');
        }
        const { incident, created } = deps.operator.open({ anomaly: body, anomalyId });
        return reply.code(202).send({ incident_id: incident.id, status: incident.status, created });
      },
    );
  });
}
