import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAnyBodyAnswered, hostileJsonBody, hostileText, oversizedJson } from '@archaics/server/testing';
import { buildApp } from './app.ts';
import { buildTestApp, signupAndLogin, type TestApp } from './testing/test-app.ts';

const NUM_RUNS = 150;
const SQL = [
  "' OR '1'='1",
  "admin'--@example.com",
  "x@example.com'; DROP TABLE users; --",
  '" OR ""="',
  '1) UNION SELECT password_hash FROM users --',
];
const ODD = ['', ' ', '\u0000', '\u202e', '𝕏', '👩‍👩‍👧', '\ud800', 'null', '__proto__', 'constructor'];

const oddString = hostileText([...SQL, ...ODD], { binaryMaxLength: 300, also: fc.emailAddress() });
const oddValue = fc.oneof(oddString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));

/** A request body: arbitrary JSON, wrong types, missing fields, broken JSON, oversized, SQL, odd unicode. */
const body = hostileJsonBody(
  [
    fc.record({ email: oddValue, password: oddValue, extra: oddValue }, { requiredKeys: [] }),
    fc.record({ email: oddString, password: oddString }),
    fc.record({ email: fc.emailAddress(), password: fc.string({ unit: 'binary', minLength: 8, maxLength: 128 }) }),
  ],
  {
    broken: ['{"email":', '{"__proto__":{"admin":true},"email":"a@b.co","password":"12345678"}'],
    oversized: oversizedJson((length) => ({ email: 'a@example.com', password: 'p'.repeat(length) }), 100_000),
  },
);

/** An Authorization header value: visible ASCII, odd bearer tokens. */
const visible = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });
const authorization = fc.oneof(
  visible,
  visible.map((t) => `Bearer ${t}`),
  fc.tuple(visible, visible, visible).map(([a, b, c]) => `Bearer ${a}.${b}.${c}`),
  fc.base64String({ maxLength: 200 }).map((t) => `Bearer eyJhbGciOiJIUzI1NiJ9.${t}.${t}`),
);

let test: TestApp;
let validToken: string;
beforeAll(async () => {
  test = await buildTestApp({ LOGIN_MAX_FAILURES_PER_EMAIL: '3', LOGIN_MAX_FAILURES_PER_CLIENT: '40' });
  validToken = (await signupAndLogin(test.app, 'known@example.com', 'known password')).token;
});
afterAll(async () => {
  await test.app.close();
});

async function expectStillHealthy(): Promise<void> {
  expect((await test.app.inject('/health')).statusCode).toBe(200);
  const res = await test.app.inject({ method: 'GET', url: '/validate', headers: { authorization: `Bearer ${validToken}` } });
  expect(res.statusCode).toBe(200);
}

describe(buildApp.name, () => {
  it.each([
    ['/signup', [201, 400, 409, 413, 415]],
    ['/login', [200, 400, 401, 413, 415, 429]],
  ] as const)('answers POST %s with a documented status for any body, never 5xx', async (url, allowed) => {
    await expectAnyBodyAnswered(test.app, url, {
      bodies: body,
      allowed,
      accepted: (json, status) => {
        if (status === 201) expect(json).toEqual({ user_id: expect.any(String), email: expect.any(String) });
        else expect(json).toMatchObject({ token_type: 'bearer' });
      },
      numRuns: NUM_RUNS,
    });
    await expectStillHealthy();
  });

  it('answers GET /validate with 401 for any forged or odd Authorization header, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(authorization, async (header) => {
        const res = await test.app.inject({ method: 'GET', url: '/validate', headers: { authorization: header } });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ error: 'unauthorized', detail: expect.any(String) });
      }),
      { numRuns: NUM_RUNS },
    );
    await expectStillHealthy();
  });

  it('keeps the known account working whatever was sent before', async () => {
    const res = await test.app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'known@example.com', password: 'known password' },
      remoteAddress: '10.9.9.9',
    });
    expect(res.statusCode).toBe(200);
  });
});
