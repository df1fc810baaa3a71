import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './email.ts';

describe(normalizeEmail.name, () => {
  it('trims and lower-cases a sane address', () => {
    expect(normalizeEmail('  Ada.Lovelace+shop@Example.CO.uk ')).toBe('ada.lovelace+shop@example.co.uk');
    expect(normalizeEmail('x@xn--bcher-kva.ch')).toBe('x@xn--bcher-kva.ch');
  });

  it.each([
    '',
    'plain',
    '@example.com',
    'ada@',
    'ada@example',
    'ada@@example.com',
    'a da@example.com',
    'ada@exa mple.com',
    '.ada@example.com',
    'ada..l@example.com',
    'ada@-example.com',
    'ada@example.c',
    'ada@example.123',
    'adä@example.com',
    "' OR 1=1 --@example.com",
  ])('refuses %j', (email) => {
    expect(normalizeEmail(email)).toBeNull();
  });

  it('refuses a local part over 64 characters and an address over 254', () => {
    expect(normalizeEmail(`${'a'.repeat(65)}@example.com`)).toBeNull();
    expect(normalizeEmail(`${'a'.repeat(64)}@example.com`)).not.toBeNull();
    const domain = `${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.com`;
    const longest = `${'a'.repeat(254 - domain.length - 1)}@${domain}`;
    expect(longest).toHaveLength(254);
    expect(normalizeEmail(longest)).toBe(longest);
    expect(normalizeEmail(`a${longest}`)).toBeNull();
  });
});
