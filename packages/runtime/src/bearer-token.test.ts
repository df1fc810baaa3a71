import { describe, expect, it } from 'vitest';
import { bearerToken, checkBearerToken, secretsMatch } from './bearer-token.ts';

describe(checkBearerToken.name, () => {
  it('tells a missing token from a wrong one', () => {
    expect(checkBearerToken(undefined, 'secret')).toBe('missing');
    expect(checkBearerToken('Basic c2VjcmV0', 'secret')).toBe('missing');
    expect(checkBearerToken('Bearer ', 'secret')).toBe('missing');
    expect(checkBearerToken('Bearer nope', 'secret')).toBe('wrong');
    expect(checkBearerToken('Bearer secret-and-more', 'secret')).toBe('wrong');
    expect(checkBearerToken('Bearer secret', 'secret')).toBe('ok');
    expect(checkBearerToken('bearer   secret  ', 'secret')).toBe('ok');
    expect(checkBearerToken(['Bearer secret', 'Bearer other'], 'secret')).toBe('ok');
  });

  it('reads the token of an Authorization header', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('Bearer two words')).toBeUndefined();
  });

  it('compares secrets of any length', () => {
    expect(secretsMatch('a', 'a')).toBe(true);
    expect(secretsMatch('a', 'ab')).toBe(false);
    expect(secretsMatch('', 'x')).toBe(false);
  });
});
