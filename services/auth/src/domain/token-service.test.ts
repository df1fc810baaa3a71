import { SignJWT, UnsecuredJWT, decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { FakeClock, JWT_SECRET } from '../testing/test-app.ts';
import { TokenRejected, TokenService } from './token-service.ts';

const key = new TextEncoder().encode(JWT_SECRET);
const subject = { user_id: '5b0e3f3c-2a1b-4c58-9e5f-0a9f2f7d1c11', email: 'ada@example.com' };

const sign = (claims: Record<string, unknown>, secret: Uint8Array = key) =>
  new SignJWT({ sub: subject.user_id, email: subject.email, iss: 'archaics', aud: 'archaics', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(secret);

const rejection = async (tokens: TokenService, token: string): Promise<string> => {
  const error = await tokens.verify(token).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TokenRejected);
  return (error as TokenRejected).detail;
};

describe(TokenService.name, () => {
  it('issues an HS256 bearer token with sub, email, iss, aud and the configured expiry', async () => {
    const clock = new FakeClock();
    const tokens = new TokenService({ secret: JWT_SECRET, ttlS: 600, now: clock.now });
    const issued = await tokens.issue(subject);
    expect(issued).toMatchObject({ token_type: 'bearer', expires_in: 600 });
    const claims = decodeJwt(issued.access_token);
    expect(claims).toMatchObject({ sub: subject.user_id, email: subject.email, iss: 'archaics', aud: 'archaics' });
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(await tokens.verify(issued.access_token)).toEqual(subject);
  });

  it('refuses a token once it has expired', async () => {
    const clock = new FakeClock();
    const tokens = new TokenService({ secret: JWT_SECRET, ttlS: 60, now: clock.now });
    const { access_token } = await tokens.issue(subject);
    clock.advance(61);
    expect(await rejection(tokens, access_token)).toBe('token expired');
  });

  it('refuses forged tokens: another key, alg none, a tampered payload', async () => {
    const tokens = new TokenService({ secret: JWT_SECRET, ttlS: 60 });
    const otherKey = await sign({}, new TextEncoder().encode('another-secret-another-secret-another'));
    expect(await rejection(tokens, otherKey)).toBe('token signature is invalid');
    const unsecured = new UnsecuredJWT({ email: subject.email })
      .setSubject(subject.user_id)
      .setIssuer('archaics')
      .setAudience('archaics')
      .setExpirationTime('1h')
      .encode();
    expect(await rejection(tokens, unsecured)).toMatch(/algorithm|malformed|invalid/);
    const [header, , signature] = (await sign({})).split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'someone-else', email: 'eve@example.com', iss: 'archaics', aud: 'archaics', exp: 9_999_999_999 }),
    ).toString('base64url');
    expect(await rejection(tokens, `${header}.${payload}.${signature}`)).toBe('token signature is invalid');
  });

  it('refuses a wrong issuer or audience, a missing email, and garbage', async () => {
    const tokens = new TokenService({ secret: JWT_SECRET, ttlS: 60 });
    expect(await rejection(tokens, await sign({ iss: 'elsewhere' }))).toBe('token claim "iss" is invalid');
    expect(await rejection(tokens, await sign({ aud: 'elsewhere' }))).toBe('token claim "aud" is invalid');
    expect(await rejection(tokens, await sign({ email: 42 }))).toBe('token lacks its subject or email claim');
    for (const garbage of ['abc', 'a.b.c', '...', 'eyJ.eyJ.sig']) expect(await rejection(tokens, garbage)).toMatch(/malformed|invalid/);
  });
});
