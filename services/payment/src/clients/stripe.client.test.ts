import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, TIMEOUT_MS } from '@archaics/server/testing';
import { stripeError } from '../../test/support/fake-stripe.ts';
import { SHORT_STRIPE, STRIPE_KEY, startPayment, type PaymentHarness } from '../../test/support/harness.ts';
import { stripeIdempotencyKey } from '../domain/idempotency.ts';
import { StripeGateway } from './stripe.client.ts';

let h: PaymentHarness;
afterEach(async () => h?.close());

const checkout = (headers: Record<string, string> = ALICE, payload?: object) =>
  h.app.inject({ method: 'POST', url: '/create-checkout-session', headers, ...(payload ? { payload } : {}) });
const fillCart = () =>
  h.dbState.carts.set('u-alice', [
    { product_id: 'p2', quantity: 3 },
    { product_id: 'p4', quantity: 1 },
  ]);
const stripeMetric = async (outcome: string): Promise<number> => {
  const text = (await h.app.inject({ url: '/metrics' })).body;
  const match = new RegExp(`upstream_requests_total\\{service="payment-service",upstream="stripe",outcome="${outcome}"\\} (\\d+)`).exec(
    text,
  );
  return match ? Number(match[1]) : 0;
};

describe(StripeGateway.name, () => {
  it('opens a Stripe Checkout Session through the SDK with the cart as line items and the user in metadata', async () => {
    h = await startPayment({ stripe: true });
    fillCart();
    const res = await checkout(ALICE, { success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      session_id: 'cs_test_fake1',
      url: 'https://checkout.stripe.com/c/pay/cs_test_fake1',
      amount_total: 25897,
      currency: 'usd',
      mode: 'stripe',
    });
    const [call] = h.stripeState?.calls ?? [];
    expect(call?.authorization).toBe(`Bearer ${STRIPE_KEY}`);
    expect(call?.idempotencyKey).toMatch(/^archaics-checkout-[0-9a-f-]{36}$/);
    expect(Object.fromEntries(call?.form ?? [])).toMatchObject({
      mode: 'payment',
      'metadata[user_id]': 'u-alice',
      'line_items[0][quantity]': '3',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '1999',
      'line_items[0][price_data][product_data][name]': 'Mouse',
      'line_items[1][price_data][unit_amount]': '19900',
      success_url: 'https://shop.example/ok',
      cancel_url: 'https://shop.example/no',
    });
    expect(h.dbState.carts.has('u-alice')).toBe(true);
    expect(h.db.requestsTo('POST', '/cart/clear')).toHaveLength(0);
    expect(await stripeMetric('success')).toBe(1);
    expect(
      h.logs.find((l) => l.level === 'DEBUG' && String(l.message).startsWith('stripe checkout session created: cs_test_fake1 in')),
    ).toBeDefined();
  });

  it("sends Stripe an idempotency key derived from the client's, and creates one session for a repeated key", async () => {
    h = await startPayment({ stripe: true });
    fillCart();
    const headers = { ...ALICE, 'idempotency-key': 'checkout-7' };
    const first = await checkout(headers);
    const second = await checkout(headers);
    expect(second.body).toBe(first.body);
    expect(h.stripeState?.calls).toHaveLength(1);
    expect(h.stripeState?.calls[0]?.idempotencyKey).toBe(stripeIdempotencyKey('u-alice', 'checkout-7'));
  });

  it('lets concurrent requests with one key reach Stripe once', async () => {
    h = await startPayment({ stripe: true });
    fillCart();
    const headers = { ...ALICE, 'idempotency-key': 'burst' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => checkout(headers)));
    expect(answers.every((a) => a.statusCode === 201 && a.body === answers[0]?.body)).toBe(true);
    expect(h.stripeState?.calls).toHaveLength(1);
  });

  it.each([
    ['answers 5xx', { kind: 'status', status: 500, body: stripeError('api_error', 'boom') }, 'error'],
    ['refuses the request (4xx)', { kind: 'status', status: 400, body: stripeError('invalid_request_error', 'bad') }, 'client_error'],
    ['closes the connection', { kind: 'close' }, 'unreachable'],
    ['is too slow', { kind: 'delay', ms: 3000 }, 'timeout'],
  ] as const)('answers 502 upstream_error within its deadline when Stripe %s, counted and logged', async (_what, fault, outcome) => {
    h = await startPayment({ stripe: true, env: SHORT_STRIPE });
    fillCart();
    if (h.stripe) h.stripe.fault = fault;
    const started = performance.now();
    const res = await checkout();
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 500);
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: 'upstream_error', upstream: 'stripe' });
    expect(await stripeMetric(outcome)).toBe(1);
    const warn = h.logs.find((l) => l.level === 'WARN' && String(l.message).startsWith('stripe '));
    expect(warn?.message).toMatch(/^stripe .+ after \d+ms — upstream impact detected$/);
    expect(warn?.upstream).toMatchObject({ name: 'stripe', outcome });
    expect(JSON.stringify(h.logs.records())).not.toContain(STRIPE_KEY);
    expect(h.db.requestsTo('POST', '/cart/clear')).toHaveLength(0);
    expect(h.stripeState?.calls.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('answers 502 when Stripe answers a session without a URL', async () => {
    h = await startPayment({ stripe: true });
    fillCart();
    if (h.stripe) h.stripe.fault = { kind: 'status', status: 200, body: { id: 'cs_test_x', object: 'checkout.session', url: null } };
    const res = await checkout();
    expect(res.statusCode).toBe(502);
    expect(await stripeMetric('bad_data')).toBe(1);
  });

  it('opens the circuit after 5 consecutive Stripe failures and answers 503 circuit_open without calling Stripe', async () => {
    h = await startPayment({ stripe: true });
    fillCart();
    if (h.stripe) h.stripe.fault = { kind: 'status', status: 503, body: stripeError('api_error', 'down') };
    for (let i = 0; i < 5; i++) expect((await checkout()).statusCode).toBe(502);
    const calls = h.stripeState?.calls.length;
    const res = await checkout();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'circuit_open', upstream: 'stripe' });
    expect(h.stripeState?.calls.length).toBe(calls);
    expect(h.logs.find((l) => l.message === 'stripe circuit opened')).toBeDefined();
  });
});
