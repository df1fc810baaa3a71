import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, signup, type TestApp } from '../testing/test-app.ts';
import { registerSignupRoute } from './signup.route.ts';

let test: TestApp | undefined;
afterEach(async () => {
  await test?.app.close();
  test = undefined;
});

describe(registerSignupRoute.name, () => {
  it('creates an account (201) with a UUID and the normalized email, and logs it at INFO', async () => {
    test = await buildTestApp();
    const res = await signup(test.app, '  Ada@Example.COM ', 'correct horse battery');
    expect(res.statusCode).toBe(201);
    const body = res.json<{ user_id: string; email: string }>();
    expect(body).toEqual({
      user_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      email: 'ada@example.com',
    });
    const line = test.log.records().find((r) => r.message === 'User signed up');
    expect(line).toMatchObject({ level: 'INFO', user: { user_id: body.user_id, email: 'ada@example.com' } });
  });

  it('answers 409 email_taken for an address already used, whatever its case', async () => {
    test = await buildTestApp();
    await signup(test.app, 'ada@example.com', 'correct horse battery');
    const res = await signup(test.app, 'ADA@example.com', 'another password');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'email_taken' });
  });

  it('gives one account when the same email signs up twice at once', async () => {
    test = await buildTestApp();
    const answers = await Promise.all([1, 2, 3].map(() => signup(test!.app, 'race@example.com', 'correct horse battery')));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409]);
  });

  it.each([
    ['an invalid email', { email: 'not-an-email', password: 'long enough' }, 'body.email'],
    ['an email over 254 characters', { email: `${'a'.repeat(60)}@${'b'.repeat(200)}.com`, password: 'long enough' }, 'body.email'],
    ['a short password', { email: 'ada@example.com', password: 'short' }, 'body.password'],
    ['a password over 128 characters', { email: 'ada@example.com', password: 'p'.repeat(129) }, 'body.password'],
    ['a missing password', { email: 'ada@example.com' }, 'password'],
    ['a numeric password', { email: 'ada@example.com', password: 12345678 }, 'body.password'],
    ['an extra field', { email: 'ada@example.com', password: 'long enough', admin: true }, 'additional properties'],
  ])('answers 400 naming the field for %s', async (_name, payload, field) => {
    test = await buildTestApp();
    const res = await test.app.inject({ method: 'POST', url: '/signup', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request', detail: expect.stringContaining(field) });
  });

  it('accepts passwords of exactly 8 and 128 characters', async () => {
    test = await buildTestApp();
    expect((await signup(test.app, 'a@example.com', '12345678')).statusCode).toBe(201);
    expect((await signup(test.app, 'b@example.com', 'p'.repeat(128))).statusCode).toBe(201);
  });
});
