import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  anyJson,
  authorizationHeader,
  contentTypeOf,
  headerText,
  hostileText,
  oversizedJson,
  payloadOf,
  requestBody,
} from '@archaics/server/testing';
import { WEBHOOK_SECRET, startPayment, type PaymentHarness } from '../test/support/harness.ts';
import { buildApp } from './app.ts';

const headerValue = headerText(300);
const oddText = hostileText([
  "x' OR '1'='1",
  "'; DROP TABLE checkout_sessions;--",
  '../../etc/passwd',
  '%00',
  '\u202e\u0000\ud83d\ude00',
  'a\r\nb',
]);
const url = fc.oneof(fc.webUrl(), oddText, anyJson);
const checkoutBody = fc.oneof(
  { weight: 3, arbitrary: fc.record({ success_url: url, cancel_url: url, amount: anyJson }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: anyJson },
);
const bigBody = oversizedJson((length) => ({ success_url: `https://x/${'a'.repeat(length)}` }));
const payload = (json: fc.Arbitrary<unknown>) => requestBody(json, { text: oddText, oversized: bigBody, contentType: headerValue });
const authorization = authorizationHeader(ALICE.authorization, headerValue);
const headers = fc.record(
  {
    'idempotency-key': fc.oneof(fc.constantFrom('k1', 'k2', 'order-9'), headerValue),
    'x-trace-id': headerValue,
    traceparent: headerValue,
  },
  { requiredKeys: [] },
);
const cart = fc.array(fc.record({ product_id: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5'), quantity: fc.integer({ min: 1, max: 99 }) }), {
  maxLength: 4,
});

let h: PaymentHarness;
beforeAll(async () => {
  h = await startPayment();
});
afterAll(async () => h.close());

async function send(options: InjectOptions) {
  const res = await h.app.inject(options);
  expect(res.statusCode, `${options.method} ${JSON.stringify(options.url)} -> ${res.statusCode} ${res.body.slice(0, 200)}`).toBeLessThan(
    500,
  );
  if (res.statusCode >= 400) expect(res.json()).toHaveProperty('error');
  return res;
}

const RUNS = { numRuns: 150 };

describe(`${buildApp.name} (properties)`, () => {
  it('POST /create-checkout-session: a 4xx or 201 with a session, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(cart, authorization, headers, payload(checkoutBody), async (items, auth, extra, body) => {
        h.dbState.carts.set('u-alice', items);
        const res = await send({
          method: 'POST',
          url: '/create-checkout-session',
          headers: { ...extra, ...(auth === undefined ? {} : { authorization: auth }), ...contentTypeOf(body) },
          ...payloadOf(body),
        });
        if (res.statusCode < 400) {
          expect(res.statusCode).toBe(201);
          expect(res.json()).toMatchObject({ session_id: expect.stringMatching(/^cs_sim_/), currency: 'usd', mode: 'simulated' });
          expect(Number.isInteger(res.json().amount_total)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('GET /simulated-checkout/:id: 404 or 200 for any id, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          oddText,
          fc.uuid().map((u) => `cs_sim_${u}`),
          fc.string({ maxLength: 300 }),
        ),
        async (id) => {
          const res = await send({ method: 'GET', url: `/simulated-checkout/${encodeURIComponent(id)}` });
          expect([200, 400, 404, 414]).toContain(res.statusCode);
        },
      ),
      RUNS,
    );
  });

  it('POST /webhook/stripe: 400 for anything not signed with the secret, 200 when it is, never a 5xx', async () => {
    const stripeEvent = fc.record({
      id: oddText,
      type: fc.constantFrom('checkout.session.completed', 'checkout.session.expired', 'charge.succeeded'),
      data: fc.record({
        object: fc.record({ id: fc.oneof(oddText, anyJson), metadata: fc.record({ user_id: fc.oneof(oddText, anyJson) }) }),
      }),
    });
    const signed = payload(fc.oneof(stripeEvent, anyJson)).map((body) => ({ body, sign: true }));
    const unsigned = fc.tuple(payload(anyJson), headerValue).map(([body, signature]) => ({ body, sign: false, signature }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(signed, unsigned), async (input) => {
        const raw = input.body?.body ?? '';
        const signature = input.sign
          ? Stripe.webhooks.generateTestHeaderString({ payload: raw, secret: WEBHOOK_SECRET })
          : (input as { signature: string }).signature;
        const res = await send({
          method: 'POST',
          url: '/webhook/stripe',
          headers: { ...contentTypeOf(input.body), ...(signature ? { 'stripe-signature': signature } : {}) },
          ...payloadOf(input.body),
        });
        if (!input.sign) expect(res.statusCode).toBeGreaterThanOrEqual(400);
      }),
      RUNS,
    );
  });
});
