import { afterEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../testing/test-app.ts';
import { buildTestApp, chaosHeaders, injectFault } from '../testing/test-app.ts';
import { registerProductRoutes } from './products.route.ts';

const SEEDED = [
  { id: 'p1', name: 'Laptop', description: 'High-performance laptop', price: 999.99 },
  { id: 'p2', name: 'Headphones', description: 'Noise-cancelling wireless headphones', price: 199.99 },
  { id: 'p3', name: 'Keyboard', description: 'Mechanical keyboard', price: 79.99 },
  { id: 'p4', name: 'Mouse', description: 'Wireless mouse', price: 29.99 },
  { id: 'p5', name: 'Monitor', description: '27-inch 4K monitor', price: 299.99 },
];

type Loose = Record<string, unknown>;
const isCorrupt = (p: Loose): boolean => !('id' in p) || p.name === null || typeof p.price !== 'number' || p.price < 0;

let test: TestApp | undefined;
afterEach(async () => {
  await test?.app.close();
  test = undefined;
});

describe(registerProductRoutes.name, () => {
  it('lists the five seeded products ordered by id, keys in order', async () => {
    test = await buildTestApp();
    const res = await test.app.inject('/products');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(SEEDED);
    expect(res.body.startsWith('[{"id":"p1","name":"Laptop","description":"High-performance laptop","price":999.99}')).toBe(true);
  });

  it('answers one product, and 404 naming an unknown one', async () => {
    test = await buildTestApp();
    const res = await test.app.inject('/products/p3');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(SEEDED[2]);
    const missing = await test.app.inject('/products/p42');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'not_found', detail: 'unknown product p42' });
  });

  it('refuses an over-long product id with a 4xx', async () => {
    test = await buildTestApp();
    const res = await test.app.inject(`/products/${'x'.repeat(65)}`);
    expect(res.statusCode).toBe(400);
  });

  it.each([
    [1, 1],
    [5, 3],
    [10, 5],
  ])('corrupts the list under bad_data at intensity %i (%i of 5 records) and logs it', async (intensity, expected) => {
    test = await buildTestApp();
    await injectFault(test.app, `type=bad_data&intensity=${intensity}`);
    for (let i = 0; i < 10; i++) {
      const products = (await test.app.inject('/products')).json<Loose[]>();
      expect(products).toHaveLength(5);
      expect(products.filter(isCorrupt)).toHaveLength(expected);
    }
    const warnings = test.log.records().filter((r) => r.level === 'WARN' && String(r.message).startsWith('Injected bad_data'));
    expect(warnings).toHaveLength(10);
    expect(warnings[0]!.message).toBe(`Injected bad_data — corrupted ${expected} of 5 records`);
    expect(typeof warnings[0]!.trace_id).toBe('string');
  });

  it.each([
    [0.1, '"name":null'],
    [0.3, '"price":-999.99'],
    [0.6, '"price":"N/A"'],
  ])('sends a corrupted product as corrupted in the JSON (random %d → %s)', async (r, fragment) => {
    test = await buildTestApp({}, { random: () => r });
    await injectFault(test.app, 'type=bad_data&intensity=1');
    const res = await test.app.inject('/products/p1');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(fragment);
  });

  it('sends a product without its id when the corruption removes it', async () => {
    test = await buildTestApp({}, { random: () => 0.9 });
    await injectFault(test.app, 'type=bad_data&intensity=1');
    const res = await test.app.inject('/products/p1');
    expect(res.json()).toEqual({ name: 'Laptop', description: 'High-performance laptop', price: 999.99 });
    expect(res.body).not.toContain('"id"');
  });

  it('never changes the data at rest', async () => {
    test = await buildTestApp();
    await injectFault(test.app, 'type=bad_data&intensity=10');
    expect((await test.app.inject('/products')).json<Loose[]>().filter(isCorrupt)).toHaveLength(5);
    await test.app.inject({ method: 'POST', url: '/reset', headers: chaosHeaders });
    expect((await test.app.inject('/products')).json()).toEqual(SEEDED);
  });

  it('keeps a 404 answer clean under bad_data', async () => {
    test = await buildTestApp();
    await injectFault(test.app, 'type=bad_data&intensity=10');
    const res = await test.app.inject('/products/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', detail: 'unknown product nope' });
  });
});
