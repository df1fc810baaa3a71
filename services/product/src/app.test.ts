import { afterEach, describe, expect, it } from 'vitest';
import { ALICE } from '@archaics/server/testing';
import { startProduct, type ProductHarness } from '../test/support/harness.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

let h: ProductHarness;
afterEach(async () => h?.close());

describe(buildApp.name, () => {
  it('serves /health and answers 500 injected_error on business routes under the error fault', async () => {
    h = await startProduct();
    expect((await h.app.inject({ url: '/health' })).json()).toMatchObject({ status: 'ok', service: 'product-service' });
    const token = { authorization: 'Bearer test-chaos-token' };
    expect((await h.app.inject({ method: 'POST', url: '/inject-failure?type=error', headers: token })).statusCode).toBe(200);
    const res = await h.app.inject({ url: '/products', headers: ALICE });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'injected_error', service: 'product-service' });
    expect(h.auth.requests).toHaveLength(0);
    expect((await h.app.inject({ method: 'POST', url: '/inject-failure?type=bad_data', headers: token })).statusCode).toBe(400);
  });
});

describe(loadConfig.name, () => {
  it('reads the upstreams with their canonical defaults and names a bad variable', () => {
    expect(loadConfig({ CHAOS_TOKEN: 't' })).toMatchObject({
      port: 8003,
      auth: { url: 'http://127.0.0.1:8001', timeoutMs: 1000 },
      db: { url: 'http://127.0.0.1:8002', timeoutMs: 1000 },
    });
    expect(() => loadConfig({ CHAOS_TOKEN: 't', DB_TIMEOUT_MS: 'fast' })).toThrow(/^DB_TIMEOUT_MS:/);
  });
});
