import { describe, expect, it } from 'vitest';
import { cookieValue, pairingCookie, pairingMatches } from './pairing.ts';
import { faultQuery } from '@archaics/client';
import { CHAOS_PRESETS } from './chaos-presets.ts';

describe(pairingMatches.name, () => {
  it('accepts only the exact token', () => {
    expect(pairingMatches('secret-token-123456', 'secret-token-123456')).toBe(true);
    expect(pairingMatches('secret-token-12345', 'secret-token-123456')).toBe(false);
    expect(pairingMatches('', 'secret-token-123456')).toBe(false);
    expect(pairingMatches(undefined, 'secret-token-123456')).toBe(false);
  });
});

describe(cookieValue.name, () => {
  it('reads one cookie among several, decoded, and nothing from a malformed one', () => {
    expect(cookieValue('a=1; archaics_pair=abc%2Ddef; b=2', 'archaics_pair')).toBe('abc-def');
    expect(cookieValue('archaics_pairx=1', 'archaics_pair')).toBeUndefined();
    expect(cookieValue('archaics_pair=%E0%A4%A', 'archaics_pair')).toBeUndefined();
    expect(cookieValue(undefined, 'archaics_pair')).toBeUndefined();
  });

  it('round-trips the cookie it sets, which scripts cannot read and other sites cannot send', () => {
    const header = pairingCookie('tok_en-1');
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Strict');
    expect(cookieValue(header.split(';')[0], 'archaics_pair')).toBe('tok_en-1');
  });
});

describe(faultQuery.name, () => {
  it('passes only the parameters given', () => {
    expect(faultQuery({ type: 'timeout' })).toBe('type=timeout');
    expect(faultQuery({ type: 'error', probability: 0.3, duration: 60 })).toBe('type=error&probability=0.3&duration=60');
  });

  it('has presets that clear themselves', () => {
    for (const preset of Object.values(CHAOS_PRESETS))
      for (const injection of preset.injections) expect(injection.duration).toBeGreaterThan(0);
  });
});
