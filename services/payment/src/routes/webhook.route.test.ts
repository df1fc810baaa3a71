import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE } from '@archaics/server/testing';
import { WEBHOOK_SECRET, startPayment, type PaymentHarness } from '../../test/support/harness.ts';
import { registerWebhookRoute } from './webhook.route.ts';

let h: PaymentHarness;
afterEach(async () => h?.close());

const event = (type: string, object: Record<string, unknown>) =>
  JSON.stringify({ id: `evt_${Math.random().toString(36).slice(2)}`, object: 'event', type, data: { object } }, null, 2);
const deliver = (payload: string, signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })) =>
  h.app.inject({
    method: 'POST',
    url: '/webhook/stripe',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
    payload,
  });
const completed = (sessionId: string, userId?: string) =>
  event('checkout.session.completed', {
    id: sessionId,
    object: 'checkout.session',
    amount_total: 25897,
    currency: 'usd',
    metadata: userId ? { user_id: userId } : {},
  });

async function openStripeSession(): Promise<string> {
  h.dbState.carts.set('u-alice', [{ product_id: 'p2', quantity: 1 }]);
  const res = await h.app.inject({ method: 'POST', url: '/create-checkout-session', headers: ALICE });
  expect(res.statusCode).toBe(201);
  return res.json().session_id as string;
}

describe(registerWebhookRoute.name, () => {
  it("clears the buyer's cart on a verified checkout.session.completed, once", async () => {
    h = await startPayment({ stripe: true });
    const sessionId = await openStripeSession();
    expect(h.dbState.carts.has('u-alice')).toBe(true);
    const res = await deliver(completed(sessionId, 'u-alice'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, result: 'cleared' });
    expect(h.dbState.carts.has('u-alice')).toBe(false);
    h.dbState.carts.set('u-alice', [{ product_id: 'p1', quantity: 1 }]);
    const again = await deliver(completed(sessionId, 'u-alice'));
    expect(again.json()).toEqual({ received: true, result: 'duplicate' });
    expect(h.dbState.carts.has('u-alice')).toBe(true);
    expect(h.db.requestsTo('POST', '/cart/clear')).toHaveLength(1);
  });

  it("uses the recorded buyer of a known session rather than the event's metadata", async () => {
    h = await startPayment({ stripe: true });
    const sessionId = await openStripeSession();
    await deliver(completed(sessionId, 'u-bob'));
    expect(h.db.requestsTo('POST', '/cart/clear')[0]?.body).toEqual({ user_id: 'u-alice' });
  });

  it('clears by metadata.user_id for a session it never saw, and ignores one without a user', async () => {
    h = await startPayment({ stripe: true });
    h.dbState.carts.set('u-bob', [{ product_id: 'p1', quantity: 1 }]);
    expect((await deliver(completed('cs_test_elsewhere', 'u-bob'))).json()).toEqual({ received: true, result: 'cleared' });
    expect(h.dbState.carts.has('u-bob')).toBe(false);
    expect((await deliver(completed('cs_test_nobody'))).json()).toEqual({ received: true, result: 'ignored' });
  });

  it('acknowledges and ignores other event types', async () => {
    h = await startPayment({ stripe: true });
    const res = await deliver(event('payment_intent.created', { id: 'pi_1', object: 'payment_intent' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, result: 'ignored' });
    expect(h.db.requests).toHaveLength(0);
  });

  it('answers 400 invalid_signature for a wrong secret, a tampered payload, a stale or missing signature', async () => {
    h = await startPayment({ stripe: true });
    const payload = completed('cs_test_1', 'u-alice');
    const wrongSecret = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' });
    const stale = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: WEBHOOK_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    const good = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    for (const res of [
      await deliver(payload, wrongSecret),
      await deliver(payload.replace('u-alice', 'u-bob'), good),
      await deliver(payload, stale),
      await deliver(payload, 'garbage'),
      await h.app.inject({ method: 'POST', url: '/webhook/stripe', headers: { 'content-type': 'application/json' }, payload }),
    ]) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_signature' });
    }
    expect(h.db.requests).toHaveLength(0);
  });

  it('verifies the exact bytes whatever the content type says', async () => {
    h = await startPayment({ stripe: true });
    const payload = completed('cs_test_plain', 'u-alice');
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const res = await h.app.inject({
      method: 'POST',
      url: '/webhook/stripe',
      headers: { 'content-type': 'text/plain', 'stripe-signature': signature },
      payload,
    });
    expect(res.statusCode).toBe(200);
  });

  it('answers 5xx when the db is down so that Stripe delivers again, and succeeds on the redelivery', async () => {
    h = await startPayment({ stripe: true });
    const sessionId = await openStripeSession();
    h.db.fault = { kind: 'status', status: 500 };
    const payload = completed(sessionId, 'u-alice');
    const failed = await deliver(payload);
    expect(failed.statusCode).toBe(502);
    expect(failed.json()).toMatchObject({ error: 'upstream_error', upstream: 'db-service' });
    h.db.fault = undefined;
    expect((await deliver(payload)).json()).toEqual({ received: true, result: 'cleared' });
  });

  it('answers 503 webhook_not_configured without STRIPE_WEBHOOK_SECRET', async () => {
    h = await startPayment({ stripe: true, env: { STRIPE_WEBHOOK_SECRET: '' } });
    const res = await deliver(completed('cs_test_1', 'u-alice'));
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'webhook_not_configured' });
    expect(h.logs.find((l) => l.level === 'WARN' && String(l.message).includes('STRIPE_WEBHOOK_SECRET'))).toBeDefined();
  });
});
