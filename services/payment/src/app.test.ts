import { afterEach, describe, expect, it } from 'vitest';
import { startPayment, type PaymentHarness } from '../test/support/harness.ts';
import { buildApp } from './app.ts';

let h: PaymentHarness;
afterEach(async () => h?.close());

describe(buildApp.name, () => {
  it('serves /health, /metrics and an OpenAPI document of every route', async () => {
    h = await startPayment();
    expect((await h.app.inject({ url: '/health' })).json()).toMatchObject({ status: 'ok', service: 'payment-service', failure: null });
    expect((await h.app.inject({ url: '/metrics' })).body).toContain('http_requests_total');
    const doc = (await h.app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/create-checkout-session', '/simulated-checkout/{id}', '/webhook/stripe']),
    );
    const create = doc.paths['/create-checkout-session'].post;
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(create.description).toContain('even if the cart has changed since');
    expect(create.parameters.some((p: { name: string; in: string }) => p.name === 'idempotency-key' && p.in === 'header')).toBe(true);
  });

  it('logs its checkout mode at start', async () => {
    h = await startPayment({ stripe: true });
    expect(h.logs.find((l) => l.message === 'checkout mode: stripe')).toBeDefined();
  });

  it('answers 500 injected_error on business routes under the error fault', async () => {
    h = await startPayment();
    const token = { authorization: 'Bearer test-chaos-token' };
    expect((await h.app.inject({ method: 'POST', url: '/inject-failure?type=error', headers: token })).statusCode).toBe(200);
    const res = await h.app.inject({ method: 'POST', url: '/create-checkout-session', headers: { authorization: 'Bearer token-alice' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'injected_error', service: 'payment-service' });
    expect((await h.app.inject({ method: 'POST', url: '/inject-failure?type=bad_data', headers: token })).statusCode).toBe(400);
  });
});
