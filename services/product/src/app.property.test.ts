import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  anyJson,
  authorizationHeader,
  contentTypeOf,
  headerText,
  hostileText,
  oversizedJson,
  payloadOf,
  requestBody,
  type RawBody,
} from '@archaics/server/testing';
import { startProduct, type ProductHarness } from '../test/support/harness.ts';
import { buildApp } from './app.ts';

const headerValue = headerText(80);
const oddText = hostileText([
  "p1' OR '1'='1",
  'p1; DROP TABLE products;--',
  '../../etc/passwd',
  '%00',
  '\u202e\u0000\ud83d\ude00',
  'p1\nX-Injected: 1',
]);
const wellFormedAdd = fc.record({ product_id: fc.constantFrom('p1', 'p3', 'p7'), quantity: fc.integer({ min: 0, max: 100 }) });
const looseAdd = fc.record(
  {
    product_id: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('p1', 'p2', 'p5', 'p9') }, oddText, anyJson),
    quantity: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -5, max: 120 }) }, fc.double(), oddText, anyJson),
    user_id: oddText,
  },
  { requiredKeys: [] },
);
const addBody = fc.oneof({ weight: 2, arbitrary: wellFormedAdd }, { weight: 3, arbitrary: looseAdd }, { weight: 1, arbitrary: anyJson });
const bigBody = oversizedJson((length) => ({ product_id: 'x'.repeat(length), quantity: 1 }));
const payload = (json: fc.Arbitrary<unknown>) => requestBody(json, { text: oddText, oversized: bigBody, contentType: headerValue });
const authorization = authorizationHeader(ALICE.authorization, headerValue);
const extraHeaders = fc.record(
  { 'x-trace-id': headerValue, traceparent: headerValue, 'x-forwarded-for': headerValue },
  { requiredKeys: [] },
);

let h: ProductHarness;
beforeAll(async () => {
  h = await startProduct();
});
afterAll(async () => h.close());

async function send(method: 'GET' | 'POST', url: string, auth: string | undefined, headers: Record<string, string>, body?: RawBody) {
  const options: InjectOptions = {
    method,
    url,
    headers: { ...headers, ...(auth === undefined ? {} : { authorization: auth }), ...contentTypeOf(body) },
    ...payloadOf(body),
  };
  const res = await h.app.inject(options);
  expect(res.statusCode, `${method} ${url} -> ${res.statusCode} ${res.body.slice(0, 200)}`).toBeLessThan(500);
  if (res.statusCode >= 400) expect(res.json()).toHaveProperty('error');
  else expect(res.statusCode).toBe(200);
  return res;
}

const RUNS = { numRuns: 150 };

describe(`${buildApp.name} (properties)`, () => {
  it('GET /products: a 4xx or 200 with a list of valid products, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(authorization, extraHeaders, fc.string({ maxLength: 30 }), async (auth, headers, query) => {
        const res = await send('GET', `/products?${encodeURIComponent(query)}`, auth, headers);
        if (res.statusCode === 200) expect(res.json()).toHaveLength(5);
      }),
      RUNS,
    );
  });

  it('POST /cart/add: a 4xx or 200 with the priced cart, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(authorization, extraHeaders, payload(addBody), async (auth, headers, body) => {
        const res = await send('POST', '/cart/add', auth, headers, body);
        if (res.statusCode === 200) expect(res.json()).toMatchObject({ user_id: 'u-alice', total: expect.any(Number) });
        h.dbState.carts.clear();
      }),
      RUNS,
    );
  });

  it('GET /cart: a 4xx or 200 with the priced cart, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(authorization, extraHeaders, payload(anyJson), async (auth, headers, body) => {
        const res = await send('GET', '/cart', auth, headers, body);
        if (res.statusCode === 200) expect(res.json()).toMatchObject({ user_id: 'u-alice', items: [] });
      }),
      RUNS,
    );
  });

  it('POST /cart/clear: a 4xx or 200 with the cleared count, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(authorization, extraHeaders, payload(anyJson), async (auth, headers, body) => {
        const res = await send('POST', '/cart/clear', auth, headers, body);
        if (res.statusCode === 200) expect(res.json()).toEqual({ user_id: 'u-alice', items: [], cleared: 0 });
      }),
      RUNS,
    );
  });
});
