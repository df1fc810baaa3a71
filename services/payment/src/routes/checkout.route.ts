import { type Authenticator } from '@archaics/business-clients';
import { badRequest } from '@archaics/server';
import { ErrorResponse, upstreamErrors } from '@archaics/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { CheckoutService } from '../domain/checkout.service.ts';
import { CheckoutBody, CheckoutHeaders, CheckoutSession } from './schemas.ts';

const DESCRIPTION = `Charges the token user's cart: simulated mode (no STRIPE_API_KEY, or sk_test_dummy) answers a
session served by GET /simulated-checkout/{id} and clears the cart at once; stripe mode opens a Stripe Checkout
Session (line items from the cart, metadata.user_id) and the cart is cleared by the checkout.session.completed
webhook. Empty cart: 400 empty_cart. Any invalid cart or product record: 502 upstream_bad_data (nothing is charged).
Idempotency-Key: the first successful (201) answer for a user's key is stored for 24 h and replayed, status and body,
for every later request with that key (header Idempotent-Replayed: true) — even if the cart has changed since;
concurrent requests with one key run one after the other, so one key opens at most one session. Failed attempts are
not stored and may be retried with the same key.`;

function checkUrl(field: string, value: string | undefined): string | undefined {
  if (value !== undefined && !URL.canParse(value)) throw badRequest(`body.${field} must be an http(s) URL`);
  return value;
}

/** `POST /create-checkout-session`. */
export function registerCheckoutRoute(app: FastifyInstance, deps: { authenticate: Authenticator; checkout: CheckoutService }): void {
  const { authenticate, checkout } = deps;
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/create-checkout-session',
    {
      onRequest: authenticate.onRequest,
      // The body is optional: no body is the same as {}.
      preValidation: async (request) => {
        request.body ??= {};
      },
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['checkout'],
        summary: 'Open a checkout session for the cart',
        description: DESCRIPTION,
        security: [{ bearer: [] }],
        headers: CheckoutHeaders,
        body: CheckoutBody,
        response: { 201: CheckoutSession, 400: ErrorResponse, 413: ErrorResponse, ...upstreamErrors },
      },
    },
    async (request, reply) => {
      const user = authenticate.userOf(request);
      const result = await checkout.checkout(user, {
        idempotencyKey: request.headers['idempotency-key'],
        successUrl: checkUrl('success_url', request.body.success_url),
        cancelUrl: checkUrl('cancel_url', request.body.cancel_url),
      });
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(result.status).send(result.body);
    },
  );
}
