import { afterEach, describe, expect, it } from 'vitest';
import { ALICE } from '@archaics/server/testing';
import { startProduct, type ProductHarness } from '../../test/support/harness.ts';
import { registerProductRoutes } from './products.route.ts';

let h: ProductHarness;
afterEach(async () => h?.close());

describe(registerProductRoutes.name, () => {
  it('answers the catalogue for a valid token, checked by auth with the token forwarded', async () => {
    h = await startProduct();
    const res = await h.app.inject({ url: '/products', headers: ALICE });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-degraded']).toBeUndefined();
    expect(res.json()).toHaveLength(5);
    expect(res.json()[4]).toEqual({ id: 'p5', name: 'Cable', description: '', price: 0.1 });
    expect(h.auth.requestsTo('GET', '/validate')[0]?.headers.authorization).toBe('Bearer token-alice');
  });

  it('logs the upstream success at DEBUG with the count and elapsed time', async () => {
    h = await startProduct();
    await h.app.inject({ url: '/products', headers: ALICE });
    const line = h.logs.find((l) => l.level === 'DEBUG' && String(l.message).startsWith('db-service products fetch success: 5 items in'));
    expect(line?.message).toMatch(/in \d+\.\dms$/);
    expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('drops corrupted records, logs why at WARN, counts them and marks the answer degraded', async () => {
    h = await startProduct();
    h.dbState.products.push(
      { id: 'p6', name: null, price: 5 },
      { id: 'p7', name: 'Bad', price: -1 },
      { id: 'p8', name: 'Worse', price: 'NaN' },
      { name: 'No id', price: 3 },
    );
    const res = await h.app.inject({ url: '/products', headers: ALICE });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-degraded']).toBe('bad_data');
    expect(res.json().map((p: { id: string }) => p.id)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    const warn = h.logs.find((l) => l.level === 'WARN' && String(l.message).includes('bad data'));
    expect(warn?.message).toBe(
      'db-service bad data: dropped 4 of 9 product records (p6: name is null; p7: price is negative; p8: price is not a number; #8: id is missing)',
    );
    const metrics = (await h.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/upstream_bad_data_total\{service="product-service",upstream="db-service"\} 1/);
  });

  it('answers 502 upstream_bad_data when every record is invalid', async () => {
    h = await startProduct();
    h.dbState.products = [{ id: 'p1', name: 'x', price: -1 }, { price: 2 }];
    const res = await h.app.inject({ url: '/products', headers: ALICE });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: 'upstream_bad_data', upstream: 'db-service' });
  });

  it('answers 502 upstream_bad_data when db answers something that is not a list', async () => {
    h = await startProduct();
    h.dbState.products = { not: 'a list' } as unknown as unknown[];
    const res = await h.app.inject({ url: '/products', headers: ALICE });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: 'upstream_bad_data' });
  });

  it('answers an empty catalogue with 200 [] (nothing was dropped)', async () => {
    h = await startProduct();
    h.dbState.products = [];
    const res = await h.app.inject({ url: '/products', headers: ALICE });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([]);
    expect(res.headers['x-degraded']).toBeUndefined();
  });

  it('answers 401 without a token, with a malformed one, and when auth refuses it', async () => {
    h = await startProduct();
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer a"b' }]) {
      const res = await h.app.inject({ url: '/products', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: 'unauthorized' });
    }
    expect(h.auth.requests).toHaveLength(0);
    const refused = await h.app.inject({ url: '/products', headers: { authorization: 'Bearer stolen' } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: 'unauthorized' });
    expect(h.auth.requests).toHaveLength(1);
    expect(h.db.requests).toHaveLength(0);
  });

  it('is documented in the OpenAPI document with the bearer scheme', async () => {
    h = await startProduct();
    const doc = (await h.app.inject({ url: '/docs/json' })).json();
    expect(doc.paths['/products'].get.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/products', '/cart', '/cart/add', '/cart/clear']));
  });
});
