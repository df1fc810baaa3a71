import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveWebhookSecret, signBody, verifySignature } from './webhook-signature.ts';

describe('webhook signature', () => {
  it('is the HMAC-SHA256 of the body, hex, with a sha256= prefix (RFC 4231 test case 2)', () => {
    expect(signBody('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('verifies the exact bytes only', () => {
    const body = JSON.stringify({ a: 1 });
    const header = signBody('s3cret', body);
    expect(verifySignature('s3cret', body, header)).toBe(true);
    expect(verifySignature('s3cret', Buffer.from(body), header.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
    expect(verifySignature('s3cret', `${body} `, header)).toBe(false);
    expect(verifySignature('other', body, header)).toBe(false);
  });

  it('rejects missing and malformed headers without throwing', () => {
    for (const header of [undefined, '', 'sha256=', 'sha1=abcd', 'sha256=zz', `sha256=${'0'.repeat(63)}`]) {
      expect(verifySignature('s3cret', 'x', header)).toBe(false);
    }
  });

  it('takes WEBHOOK_SECRET, else makes one secret file in the state folder and keeps it', () => {
    const home = mkdtempSync(join(tmpdir(), 'archaics-secret-'));
    expect(resolveWebhookSecret({ WEBHOOK_SECRET: ' abc ' }, home)).toBe('abc');
    const made = resolveWebhookSecret({}, home);
    expect(made.length).toBeGreaterThan(30);
    expect(resolveWebhookSecret({}, home)).toBe(made);
    expect(statSync(join(home, 'webhook-secret')).mode & 0o777).toBe(0o600);
  });
});
