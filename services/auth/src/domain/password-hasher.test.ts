import { describe, expect, it } from 'vitest';
import { PasswordHasher } from './password-hasher.ts';

const hasher = new PasswordHasher({ N: 16 });

describe(PasswordHasher.name, () => {
  it('stores scrypt$N$r$p$salt$hash with a fresh salt each time', async () => {
    const first = await hasher.hash('correct horse');
    const second = await hasher.hash('correct horse');
    expect(first).toMatch(/^scrypt\$16\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('correct horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('correct horse');
    expect(await hasher.verify('correct horse', stored)).toBe(true);
    expect(await hasher.verify('correct horsf', stored)).toBe(false);
    expect(await hasher.verify('', stored)).toBe(false);
  });

  it('verifies with the parameters stored in the hash, not the current ones', async () => {
    const stored = await new PasswordHasher({ N: 32, r: 4 }).hash('pässwörd');
    expect(await hasher.verify('pässwörd', stored)).toBe(true);
  });

  it('refuses unreadable hashes instead of throwing', async () => {
    for (const stored of ['', 'scrypt$16$8$1$$', 'bcrypt$x', 'scrypt$0$8$1$c2FsdA$aGFzaA', 'scrypt$16$8$1$c2FsdHNhbHQ$c2hvcnQ']) {
      expect(await hasher.verify('anything', stored)).toBe(false);
    }
  });

  it('spends a verification on an unknown account and answers false', async () => {
    await hasher.prepare();
    expect(await hasher.verifyNothing('anything')).toBe(false);
  });
});
