import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, JWT_SECRET, buildTestApp, signupAndLogin, type TestApp } from '../testing/test-app.ts';
import { registerValidateRoute } from './validate.route.ts';

let test: TestApp | undefined;
afterEach(async () => {
  await test?.app.close();
  test = undefined;
});

const validate = (test: TestApp, authorization?: string) =>
  test.app.inject({ method: 'GET', url: '/validate', headers: authorization === undefined ? {} : { authorization } });

describe(registerValidateRoute.name, () => {
  it('answers valid with the user id and email of a fresh token', async () => {
    test = await buildTestApp();
    const { userId, token } = await signupAndLogin(test.app, 'ada@example.com', 'correct horse battery');
    const res = await validate(test, `Bearer ${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ valid: true, user_id: userId, email: 'ada@example.com' });
    expect((await validate(test, `bearer   ${token}`)).statusCode).toBe(200);
  });

  it.each([
    ['no header', undefined, 'missing bearer token'],
    ['another scheme', 'Basic YWRhOnB3', 'malformed Authorization header'],
    ['an empty bearer', 'Bearer ', 'malformed Authorization header'],
    ['garbage', 'Bearer not-a-jwt', 'token is malformed'],
  ])('answers 401 unauthorized for %s', async (_name, header, detail) => {
    test = await buildTestApp();
    const res = await validate(test, header);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'unauthorized', detail: expect.stringContaining(detail) });
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('answers 401 once the token has expired', async () => {
    const clock = new FakeClock();
    test = await buildTestApp({ JWT_TTL_S: '60' }, { now: clock.now });
    const { token } = await signupAndLogin(test.app, 'ada@example.com', 'correct horse battery');
    clock.advance(59);
    expect((await validate(test, `Bearer ${token}`)).statusCode).toBe(200);
    clock.advance(2);
    const res = await validate(test, `Bearer ${token}`);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'unauthorized', detail: 'token expired' });
  });

  it('answers 401 for a token signed with another key, or claiming another user', async () => {
    test = await buildTestApp();
    const { token } = await signupAndLogin(test.app, 'ada@example.com', 'correct horse battery');
    const forged = await new SignJWT({ email: 'eve@example.com', sub: 'eve', iss: 'archaics', aud: 'archaics' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the-secret'));
    expect((await validate(test, `Bearer ${forged}`)).json()).toEqual({ error: 'unauthorized', detail: 'token signature is invalid' });
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'eve', email: 'eve@example.com', iss: 'archaics', aud: 'archaics', exp: 9_999_999_999 }),
    ).toString('base64url');
    expect((await validate(test, `Bearer ${header}.${payload}.${signature}`)).statusCode).toBe(401);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    expect((await validate(test, `Bearer ${none}`)).statusCode).toBe(401);
  });

  it('accepts a token signed with the configured secret by anyone holding it (no database read)', async () => {
    test = await buildTestApp();
    const token = await new SignJWT({ email: 'ghost@example.com', sub: 'not-in-the-db', iss: 'archaics', aud: 'archaics' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JWT_SECRET));
    expect((await validate(test, `Bearer ${token}`)).json()).toEqual({ valid: true, user_id: 'not-in-the-db', email: 'ghost@example.com' });
  });
});
