import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, BOB } from '@archaics/server/testing';
import { startProduct, type ProductHarness } from '../../test/support/harness.ts';
import { registerCartRoutes } from './cart.route.ts';

let h: ProductHarness;
afterEach(async () => h?.close());

const add = (body: unknown, headers: Record<string, string> = ALICE) =>
  h.app.inject({ method: 'POST', url: '/cart/add', headers, payload: body as Record<string, unknown> });

describe(registerCartRoutes.name, () => {
  it("adds to the token user's cart and answers the priced cart", async () => {
    h = await startProduct();
    await add({ product_id: 'p2', quantity: 2 });
    const res = await add({ product_id: 'p1', quantity: 1, user_id: 'u-bob' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user_id: 'u-alice',
      items: [
        { product_id: 'p2', name: 'Mouse', price: 19.99, quantity: 2, subtotal: 39.98 },
        { product_id: 'p1', name: 'Laptop', price: 999.99, quantity: 1, subtotal: 999.99 },
      ],
      total: 1039.97,
    });
    expect(h.db.requestsTo('POST', '/cart/add').map((r) => (r.body as { user_id: string }).user_id)).toEqual(['u-alice', 'u-alice']);
    expect(h.dbState.carts.has('u-bob')).toBe(false);
  });

  it.each([
    [{ product_id: 'p1', quantity: 0 }, 'body.quantity must be >= 1'],
    [{ product_id: 'p1', quantity: 100 }, 'body.quantity must be <= 99'],
    [{ product_id: 'p1', quantity: 1.5 }, 'body.quantity must be integer'],
    [{ product_id: 'p1', quantity: '2' }, 'body.quantity must be integer'],
    [{ product_id: 'p1' }, "body.quantity must have required property 'quantity'"],
    [{ quantity: 1 }, "body.product_id must have required property 'product_id'"],
    [{ product_id: '', quantity: 1 }, 'body.product_id must NOT have fewer than 1 characters'],
  ])('answers 400 naming the field for %j', async (body, detail) => {
    h = await startProduct();
    const res = await add(body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', detail });
    expect(h.db.requests).toHaveLength(0);
  });

  it('answers 404 for an unknown product', async () => {
    h = await startProduct();
    const res = await add({ product_id: 'p42', quantity: 1 });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', detail: 'unknown product p42' });
  });

  it('answers 401 before reading the body when the token is missing', async () => {
    h = await startProduct();
    const res = await add({ product_id: 'p1', quantity: 1 }, {});
    expect(res.statusCode).toBe(401);
    expect(h.db.requests).toHaveLength(0);
  });

  it('answers the priced cart, an empty one without asking for the catalogue', async () => {
    h = await startProduct();
    const empty = await h.app.inject({ url: '/cart', headers: BOB });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ user_id: 'u-bob', items: [], total: 0 });
    expect(h.db.requestsTo('GET', '/products')).toHaveLength(0);
    h.dbState.carts.set('u-alice', [{ product_id: 'p3', quantity: 2 }]);
    const res = await h.app.inject({ url: '/cart', headers: ALICE });
    expect(res.json()).toEqual({
      user_id: 'u-alice',
      items: [{ product_id: 'p3', name: 'Keyboard', price: 49.5, quantity: 2, subtotal: 99 }],
      total: 99,
    });
    expect(h.db.requestsTo('GET', '/cart/u-alice')).toHaveLength(1);
  });

  it('drops corrupted cart items and items of corrupted products, with X-Degraded', async () => {
    h = await startProduct();
    h.dbState.products[1] = { id: 'p2', name: null, price: 19.99 };
    h.dbState.carts.set('u-alice', [
      { product_id: 'p1', quantity: 1 },
      { quantity: 2 },
      { product_id: 'p3', quantity: -4 },
      { product_id: 'p4', quantity: 'many' },
      { product_id: 'p2', quantity: 1 },
    ]);
    const res = await h.app.inject({ url: '/cart', headers: ALICE });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-degraded']).toBe('bad_data');
    expect(res.json()).toMatchObject({ items: [{ product_id: 'p1', subtotal: 999.99 }], total: 999.99 });
    const warnings = h.logs
      .records()
      .filter((l) => l.level === 'WARN')
      .map((l) => String(l.message));
    expect(warnings).toContain(
      'db-service bad data: dropped 3 of 5 cart items (#1: product_id is missing; p3: quantity is not a positive integer; p4: quantity is not a number)',
    );
    expect(warnings.some((m) => m.includes('dropped 1 of 5 product records (p2: name is null)'))).toBe(true);
    expect(warnings.some((m) => m.includes('dropped 1 of 5 cart items (no valid product) (p2:'))).toBe(true);
  });

  it('answers 502 upstream_bad_data when no cart item survives', async () => {
    h = await startProduct();
    h.dbState.carts.set('u-alice', [{ quantity: 2 }, { product_id: 'p1', quantity: -1 }]);
    const res = await h.app.inject({ url: '/cart', headers: ALICE });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: 'upstream_bad_data', upstream: 'db-service' });
  });

  it('clears the cart and says how many items went', async () => {
    h = await startProduct();
    h.dbState.carts.set('u-alice', [
      { product_id: 'p1', quantity: 1 },
      { product_id: 'p2', quantity: 1 },
    ]);
    const res = await h.app.inject({ method: 'POST', url: '/cart/clear', headers: ALICE });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user_id: 'u-alice', items: [], cleared: 2 });
    expect(h.dbState.carts.has('u-alice')).toBe(false);
  });
});
