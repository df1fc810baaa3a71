import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, SHORT_AUTH, TIMEOUT_MS, unreachableUrl, type FakeFault } from '@archaics/server/testing';
import { AuthClient } from '@archaics/business-clients';
import { startProduct, type ProductHarness } from '../test/support/harness.ts';

let h: ProductHarness;
afterEach(async () => h?.close());

describe(AuthClient.name, () => {
  it.each<[string, FakeFault]>([
    ['times out', { kind: 'delay', ms: 3000 }],
    ['answers 5xx', { kind: 'status', status: 500 }],
    ['closes the connection', { kind: 'close' }],
    ['answers something that is not JSON', { kind: 'garbage' }],
    ['answers 200 without a user', { kind: 'status', status: 200, body: { valid: false } }],
    ['answers an unexpected 4xx', { kind: 'status', status: 429, body: { error: 'slow_down' } }],
  ])('answers 503 auth_unavailable within the deadline when auth %s', async (_what, fault) => {
    h = await startProduct(SHORT_AUTH);
    h.auth.fault = fault;
    const started = performance.now();
    const res = await h.app.inject({ url: '/products', headers: ALICE });
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 500);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'auth_unavailable', upstream: 'auth-service' });
    expect(h.db.requests).toHaveLength(0);
    expect(h.logs.find((l) => l.level === 'WARN' && String(l.message).startsWith('auth-service '))?.message).toMatch(
      /^auth-service .+ after \d+ms — upstream impact detected$/,
    );
  });

  it('answers 503 auth_unavailable when auth is unreachable', async () => {
    h = await startProduct({ ...SHORT_AUTH, AUTH_SERVICE_URL: await unreachableUrl() });
    const res = await h.app.inject({ url: '/cart', headers: ALICE });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'auth_unavailable', upstream: 'auth-service' });
  });

  it('answers 503 circuit_open once auth has failed 5 times in a row', async () => {
    h = await startProduct(SHORT_AUTH);
    h.auth.fault = { kind: 'status', status: 502 };
    for (let i = 0; i < 5; i++) await h.app.inject({ url: '/products', headers: ALICE });
    h.auth.fault = undefined;
    const res = await h.app.inject({ url: '/products', headers: ALICE });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'circuit_open', upstream: 'auth-service' });
  });

  it('does not count refused tokens as failures (the circuit stays closed)', async () => {
    h = await startProduct(SHORT_AUTH);
    for (let i = 0; i < 8; i++) {
      expect((await h.app.inject({ url: '/products', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    }
    expect((await h.app.inject({ url: '/products', headers: ALICE })).statusCode).toBe(200);
  });

  it('never writes the token in the logs', async () => {
    h = await startProduct(SHORT_AUTH);
    h.auth.fault = { kind: 'status', status: 500 };
    await h.app.inject({ url: '/products', headers: ALICE });
    expect(JSON.stringify(h.logs.records())).not.toContain('token-alice');
  });
});
