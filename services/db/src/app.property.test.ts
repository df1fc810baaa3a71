import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAnyBodyAnswered, hostileJsonBody, hostileText, oversizedJson } from '@archaics/server/testing';
import { buildApp } from './app.ts';
import { buildTestApp, type TestApp } from './testing/test-app.ts';

const NUM_RUNS = 150;
const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE products; --",
  'p1; DELETE FROM cart_items',
  '" OR ""="',
  '1) UNION SELECT * FROM sqlite_master --',
];
const ODD = ['', ' ', '\u0000', '\u202e', '𝕏', '👩‍👩‍👧', '\ud800', 'null', 'undefined', '__proto__', 'constructor'];

const oddString = hostileText([...SQL, ...ODD], { binaryMaxLength: 200, also: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'P1') });
const oddNumber = fc.oneof(fc.integer({ min: -2000, max: 2000 }), fc.double(), fc.constantFrom(0, 1, 99, 100, 999, 1e308, -0));
const oddValue = fc.oneof(oddString, oddNumber, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));

/** A request body: arbitrary JSON, wrong types, missing fields, broken JSON, oversized, SQL, odd unicode. */
const body = hostileJsonBody(
  [
    fc.record({ user_id: oddValue, product_id: oddValue, quantity: oddValue, extra: oddValue }, { requiredKeys: [] }),
    fc.record({ user_id: oddString, product_id: oddString, quantity: oddNumber }, { requiredKeys: ['user_id', 'product_id', 'quantity'] }),
  ],
  {
    broken: ['{"user_id":', '{"__proto__":{"x":1},"user_id":"u"}', '{"constructor":{"prototype":{}}}'],
    oversized: oversizedJson((length) => ({ user_id: 'u'.repeat(length), product_id: 'p1', quantity: 1 }), 100_000),
  },
);

/** Percent-encodes any string; lone surrogates become U+FFFD as they would on the wire. */
const encode = (s: string): string => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));

/** A path segment: encoded odd strings, or raw characters a URL may carry. */
const pathId = fc.oneof(
  oddString.map(encode),
  fc.stringMatching(/^[A-Za-z0-9%._~!$&'()*+,;=:@/-]{0,150}$/),
  fc.string({ unit: 'binary', minLength: 90, maxLength: 140 }).map(encode),
);

let test: TestApp;
beforeAll(async () => {
  test = await buildTestApp();
});
afterAll(async () => {
  await test.app.close();
});

async function expectStillHealthy(app: FastifyInstance): Promise<void> {
  const health = await app.inject('/health');
  expect(health.statusCode).toBe(200);
  expect((await app.inject('/products')).json()).toHaveLength(5);
}

describe(buildApp.name, () => {
  it.each([
    ['/cart/add', [200, 400, 404, 413, 415]],
    ['/cart/clear', [200, 400, 413, 415]],
  ] as const)('answers POST %s with a documented status for any body, never 5xx', async (url, allowed) => {
    await expectAnyBodyAnswered(test.app, url, {
      bodies: body,
      allowed,
      accepted: (json) => expect(json).toMatchObject({ user_id: expect.any(String), items: expect.any(Array) }),
      numRuns: NUM_RUNS,
    });
    await expectStillHealthy(test.app);
  });

  it.each([
    // 414: the router refuses path parameters over 256 characters before routing.
    ['/products/', [200, 400, 404, 414]],
    ['/cart/', [200, 400, 404, 414]],
  ] as const)('answers GET %s<id> with a documented status for any id, never 5xx', async (prefix, allowed) => {
    await fc.assert(
      fc.asyncProperty(pathId, async (id) => {
        const res = await test.app.inject({ method: 'GET', url: `${prefix}${id}` });
        expect(allowed).toContain(res.statusCode);
      }),
      { numRuns: NUM_RUNS },
    );
    await expectStillHealthy(test.app);
  });

  it('answers GET /products with the catalogue whatever the query string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 50 }), async (query) => {
        const res = await test.app.inject({ method: 'GET', url: `/products?${encode(query)}=${encode(query)}` });
        expect(res.statusCode).toBe(200);
      }),
      { numRuns: 50 },
    );
    await expectStillHealthy(test.app);
  });
});
