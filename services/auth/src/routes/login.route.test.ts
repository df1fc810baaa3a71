import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, buildTestApp, login, signup, type TestApp } from '../testing/test-app.ts';
import { registerLoginRoute } from './login.route.ts';

let test: TestApp | undefined;
afterEach(async () => {
  await test?.app.close();
  test = undefined;
});

const PASSWORD = 'correct horse battery';

describe(registerLoginRoute.name, () => {
  it('answers a bearer token for the right password, the email in any case', async () => {
    test = await buildTestApp({ JWT_TTL_S: '120' });
    await signup(test.app, 'ada@example.com', PASSWORD);
    const res = await login(test.app, ' ADA@example.com', PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), token_type: 'bearer', expires_in: 120 });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(test.log.records().find((r) => r.message === 'Login succeeded')).toMatchObject({
      level: 'INFO',
      user: { email: 'ada@example.com' },
    });
  });

  it('answers the same 401 for a wrong password and an unknown email, and warns', async () => {
    test = await buildTestApp();
    await signup(test.app, 'ada@example.com', PASSWORD);
    const wrong = await login(test.app, 'ada@example.com', 'not the password');
    const unknown = await login(test.app, 'nobody@example.com', PASSWORD);
    const invalid = await login(test.app, 'not an email', PASSWORD);
    for (const res of [wrong, unknown, invalid]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'invalid_credentials', detail: 'wrong email or password' });
    }
    const warnings = test.log.records().filter((r) => r.level === 'WARN' && r.message === 'Login failed: invalid credentials');
    expect(warnings).toHaveLength(3);
  });

  it('answers 400 for a malformed body', async () => {
    test = await buildTestApp();
    for (const payload of [{}, { email: 'ada@example.com' }, { email: 1, password: 'x' }, { email: 'a@b.co', password: '' }]) {
      const res = await test.app.inject({ method: 'POST', url: '/login', payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'bad_request' });
    }
  });

  it('limits failed attempts per email: 429 with Retry-After, even for the right password, until the window passes', async () => {
    const clock = new FakeClock();
    test = await buildTestApp({ LOGIN_MAX_FAILURES_PER_EMAIL: '3', LOGIN_WINDOW_S: '60' }, { now: clock.now });
    await signup(test.app, 'ada@example.com', PASSWORD);
    for (let i = 0; i < 3; i++) {
      expect((await login(test.app, 'ada@example.com', `guess ${i}`)).statusCode).toBe(401);
      clock.advance(5);
    }
    const limited = await login(test.app, 'ADA@example.com', PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('45');
    expect(limited.json()).toEqual({ error: 'too_many_attempts', detail: expect.stringContaining('email'), retry_after_s: 45 });
    expect(test.log.records().some((r) => r.level === 'WARN' && String(r.message).startsWith('Login refused'))).toBe(true);
    // another account from the same client is not affected
    await signup(test.app, 'bob@example.com', PASSWORD);
    expect((await login(test.app, 'bob@example.com', PASSWORD)).statusCode).toBe(200);
    clock.advance(45);
    expect((await login(test.app, 'ada@example.com', PASSWORD)).statusCode).toBe(200);
  });

  it('counts parallel guesses against the email limit', async () => {
    test = await buildTestApp({ LOGIN_MAX_FAILURES_PER_EMAIL: '5' });
    await signup(test.app, 'ada@example.com', PASSWORD);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => login(test!.app, 'ada@example.com', `guess ${i}`)));
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(15);
  });

  it('limits failed attempts per client across emails', async () => {
    test = await buildTestApp({ LOGIN_MAX_FAILURES_PER_CLIENT: '4' });
    for (let i = 0; i < 4; i++) expect((await login(test.app, `u${i}@example.com`, 'guess', '10.0.0.7')).statusCode).toBe(401);
    const limited = await login(test.app, 'u9@example.com', 'guess', '10.0.0.7');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ error: 'too_many_attempts', detail: expect.stringContaining('client') });
    expect((await login(test.app, 'u9@example.com', 'guess', '10.0.0.8')).statusCode).toBe(401);
  });

  it('never limits successful logins (100 users from one client)', async () => {
    test = await buildTestApp({ LOGIN_MAX_FAILURES_PER_CLIENT: '5', LOGIN_MAX_FAILURES_PER_EMAIL: '2' });
    for (let i = 0; i < 100; i++) await signup(test.app, `user${i}@example.com`, PASSWORD);
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login(test!.app, `user${i}@example.com`, PASSWORD, '10.1.1.1')),
    );
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
  });

  it("forgets an email's failures after a successful login", async () => {
    test = await buildTestApp({ LOGIN_MAX_FAILURES_PER_EMAIL: '2' });
    await signup(test.app, 'ada@example.com', PASSWORD);
    const codes = [];
    for (const password of ['typo', PASSWORD, 'typo', PASSWORD, 'typo', 'typo', PASSWORD]) {
      codes.push((await login(test.app, 'ada@example.com', password)).statusCode);
    }
    expect(codes).toEqual([401, 200, 401, 200, 401, 401, 429]);
  });
});
