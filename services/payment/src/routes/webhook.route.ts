import { AppError, badRequest } from '@archaics/server';
import { ErrorResponse } from '@archaics/contracts';
import Stripe from 'stripe';
import type { FastifyInstance } from 'fastify';
import type { CheckoutService } from '../domain/checkout.service.ts';
import { WebhookAnswer } from './schemas.ts';

const DESCRIPTION = `Verified with STRIPE_WEBHOOK_SECRET (Stripe-Signature); a bad or missing signature is 400.
checkout.session.completed clears the buyer's cart once (repeated deliveries change nothing); other events are
acknowledged and ignored. A db failure answers 5xx so that Stripe delivers again. Without STRIPE_WEBHOOK_SECRET:
503 webhook_not_configured.`;

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const optionalString = (value: unknown, maxLength = 255): string | undefined =>
  typeof value === 'string' && value !== '' && value.length <= maxLength ? value : undefined;

/**
 * `POST /webhook/stripe`: Stripe's signed events. Registered in its own plugin so that
 * only this route reads the raw body (the signature covers the exact bytes).
 */
export async function registerWebhookRoute(
  app: FastifyInstance,
  deps: { checkout: CheckoutService; webhookSecret: string | undefined },
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post(
      '/webhook/stripe',
      {
        bodyLimit: 256 * 1024,
        schema: {
          tags: ['checkout'],
          summary: 'Stripe webhook',
          description: DESCRIPTION,
          response: { 200: WebhookAnswer, 400: ErrorResponse, 502: ErrorResponse, 503: ErrorResponse, 504: ErrorResponse },
        },
      },
      async (request) => {
        const secret = deps.webhookSecret;
        if (secret === undefined) throw new AppError(503, 'webhook_not_configured', 'STRIPE_WEBHOOK_SECRET is not set');
        const signature = request.headers['stripe-signature'];
        if (typeof signature !== 'string' || signature === '') throw badRequest('missing Stripe-Signature header', 'invalid_signature');
        const payload = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        let event: unknown;
        try {
          event = Stripe.webhooks.constructEvent(payload, signature, secret);
        } catch (error) {
          if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
            throw badRequest('the Stripe-Signature does not match the payload', 'invalid_signature');
          }
          throw badRequest('the payload is not a Stripe event', 'invalid_payload');
        }
        // Signed, but still only JSON: check the shape before trusting it.
        const { type, data } = asRecord(event) ?? {};
        if (typeof type !== 'string') throw badRequest('the payload is not a Stripe event', 'invalid_payload');
        if (type !== 'checkout.session.completed') return { received: true as const, result: 'ignored' as const };
        const session = asRecord(asRecord(data)?.object);
        const sessionId = optionalString(session?.id);
        if (!sessionId) throw badRequest('checkout.session.completed without a session id', 'invalid_payload');
        const metadata = asRecord(session?.metadata);
        const amountTotal = session?.amount_total;
        const result = await deps.checkout.complete({
          sessionId,
          userId: optionalString(metadata?.user_id),
          amountTotal: typeof amountTotal === 'number' && Number.isSafeInteger(amountTotal) ? amountTotal : undefined,
          currency: optionalString(session?.currency),
        });
        return { received: true as const, result };
      },
    );
  });
}
