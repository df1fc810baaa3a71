import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../testing/test-app.ts';
import { buildTestApp, injectFault } from '../testing/test-app.ts';
import { registerCartRoutes } from './cart.route.ts';

let test: TestApp | undefined;
afterEach(async () => {
  await test?.app.close();
  test = undefined;
});

const add = (app: FastifyInstance, body: unknown) => app.inject({ method: 'POST', url: '/cart/add', payload: body as object });
const clear = (app: FastifyInstance, body: unknown) => app.inject({ method: 'POST', url: '/cart/clear', payload: body as object });

describe(registerCartRoutes.name, () => {
  it('adds to a cart and answers the cart after the write, lines ordered by product_id', async () => {
    test = await buildTestApp();
    const first = await add(test.app, { user_id: 'u1', product_id: 'p3', quantity: 2 });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ user_id: 'u1', items: [{ product_id: 'p3', quantity: 2 }] });
    await add(test.app, { user_id: 'u1', product_id: 'p1', quantity: 1 });
    const again = await add(test.app, { user_id: 'u1', product_id: 'p3', quantity: 5 });
    expect(again.json()).toEqual({
      user_id: 'u1',
      items: [
        { product_id: 'p1', quantity: 1 },
        { product_id: 'p3', quantity: 7 },
      ],
    });
    const read = await test.app.inject('/cart/u1');
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(again.json());
  });

  it('keeps carts apart and answers an empty cart for an unknown user', async () => {
    test = await buildTestApp();
    await add(test.app, { user_id: 'u1', product_id: 'p1', quantity: 1 });
    expect((await test.app.inject('/cart/u2')).json()).toEqual({ user_id: 'u2', items: [] });
  });

  it('answers 404 for an unknown product and writes nothing', async () => {
    test = await buildTestApp();
    const res = await add(test.app, { user_id: 'u1', product_id: 'pX', quantity: 1 });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', detail: 'unknown product pX' });
    expect((await test.app.inject('/cart/u1')).json()).toEqual({ user_id: 'u1', items: [] });
  });

  it('refuses to let a line exceed 999 units (400) and keeps the line as it was', async () => {
    test = await buildTestApp();
    for (let i = 0; i < 10; i++) await add(test.app, { user_id: 'u1', product_id: 'p2', quantity: 99 });
    expect((await add(test.app, { user_id: 'u1', product_id: 'p2', quantity: 9 })).statusCode).toBe(200);
    const over = await add(test.app, { user_id: 'u1', product_id: 'p2', quantity: 1 });
    expect(over.statusCode).toBe(400);
    expect(over.json()).toMatchObject({ error: 'bad_request', detail: expect.stringContaining('999') });
    expect((await test.app.inject('/cart/u1')).json()).toEqual({ user_id: 'u1', items: [{ product_id: 'p2', quantity: 999 }] });
  });

  it.each([
    ['quantity 0', { user_id: 'u1', product_id: 'p1', quantity: 0 }, 'body.quantity'],
    ['quantity 100', { user_id: 'u1', product_id: 'p1', quantity: 100 }, 'body.quantity'],
    ['fractional quantity', { user_id: 'u1', product_id: 'p1', quantity: 1.5 }, 'body.quantity'],
    ['quantity as a string', { user_id: 'u1', product_id: 'p1', quantity: '2' }, 'body.quantity'],
    ['missing user_id', { product_id: 'p1', quantity: 1 }, 'user_id'],
    ['empty user_id', { user_id: '', product_id: 'p1', quantity: 1 }, 'body.user_id'],
    ['user_id of 129 characters', { user_id: 'u'.repeat(129), product_id: 'p1', quantity: 1 }, 'body.user_id'],
    ['product_id of 65 characters', { user_id: 'u1', product_id: 'p'.repeat(65), quantity: 1 }, 'body.product_id'],
    ['an extra field', { user_id: 'u1', product_id: 'p1', quantity: 1, price: 0 }, 'additional properties'],
    ['an array body', [1, 2], 'body'],
  ])('answers 400 naming the field for %s', async (_name, body, field) => {
    test = await buildTestApp();
    const res = await add(test.app, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request', detail: expect.stringContaining(field) });
  });

  it('answers 400 invalid_json for a broken body and 413 for a body over 64 KiB', async () => {
    test = await buildTestApp();
    const broken = await test.app.inject({
      method: 'POST',
      url: '/cart/add',
      headers: { 'content-type': 'application/json' },
      payload: '{"user_id": "u1",',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: 'invalid_json' });
    const huge = await add(test.app, { user_id: 'u1', product_id: 'p1', quantity: 1, pad: 'x'.repeat(70_000) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('clears a cart and says how many lines it removed', async () => {
    test = await buildTestApp();
    await add(test.app, { user_id: 'u1', product_id: 'p1', quantity: 1 });
    await add(test.app, { user_id: 'u1', product_id: 'p2', quantity: 1 });
    const res = await clear(test.app, { user_id: 'u1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user_id: 'u1', items: [], cleared: 2 });
    expect((await clear(test.app, { user_id: 'u1' })).json()).toEqual({ user_id: 'u1', items: [], cleared: 0 });
    expect((await test.app.inject('/cart/u1')).json()).toEqual({ user_id: 'u1', items: [] });
    const bad = await clear(test.app, { user_id: 'u1', all: true });
    expect(bad.statusCode).toBe(400);
  });

  it('serves user ids up to 128 characters on GET /cart and refuses longer ones', async () => {
    test = await buildTestApp();
    for (const length of [100, 101, 128]) {
      const userId = 'é'.repeat(length);
      await add(test.app, { user_id: userId, product_id: 'p4', quantity: 3 });
      const res = await test.app.inject(`/cart/${encodeURIComponent(userId)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ user_id: userId, items: [{ product_id: 'p4', quantity: 3 }] });
    }
    expect((await test.app.inject(`/cart/${'u'.repeat(129)}`)).statusCode).toBe(400);
    expect((await test.app.inject(`/cart/${'u'.repeat(101)}/more`)).statusCode).toBe(404);
    expect((await test.app.inject('/cart/')).statusCode).toBe(400);
  });

  it('treats SQL-looking ids as plain data', async () => {
    test = await buildTestApp();
    const userId = "u1' OR '1'='1";
    await add(test.app, { user_id: 'u1', product_id: 'p1', quantity: 1 });
    expect((await test.app.inject(`/cart/${encodeURIComponent(userId)}`)).json()).toEqual({ user_id: userId, items: [] });
    expect((await clear(test.app, { user_id: "x'; DELETE FROM cart_items; --" })).json()).toMatchObject({ cleared: 0 });
    expect((await test.app.inject('/cart/u1')).json()).toMatchObject({ items: [{ product_id: 'p1', quantity: 1 }] });
  });

  it.each([
    [1, 1],
    [5, 2],
    [10, 4],
  ])('corrupts cart lines under bad_data at intensity %i (%i of 4), never the writes', async (intensity, expected) => {
    test = await buildTestApp();
    for (const productId of ['p1', 'p2', 'p3', 'p4']) await add(test.app, { user_id: 'u1', product_id: productId, quantity: 2 });
    await injectFault(test.app, `type=bad_data&intensity=${intensity}`);
    const write = await add(test.app, { user_id: 'u1', product_id: 'p1', quantity: 1 });
    expect(write.json<{ items: unknown[] }>().items).toContainEqual({ product_id: 'p1', quantity: 3 });
    const items = (await test.app.inject('/cart/u1')).json<{ items: Array<Record<string, unknown>> }>().items;
    const corrupt = items.filter((i) => !('product_id' in i) || typeof i.quantity !== 'number' || i.quantity < 0);
    expect(corrupt).toHaveLength(expected);
    expect(test.log.lines.some((l) => l.includes(`corrupted ${expected} of 4 records`))).toBe(true);
  });

  it('answers an empty cart unchanged under bad_data', async () => {
    test = await buildTestApp();
    await injectFault(test.app, 'type=bad_data&intensity=10');
    expect((await test.app.inject('/cart/nobody')).json()).toEqual({ user_id: 'nobody', items: [] });
  });
});
