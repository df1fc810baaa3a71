import { ConfigError } from '@archaics/runtime';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const base = { CHAOS_TOKEN: 't' };

describe(loadConfig.name, () => {
  it('is simulated without a Stripe key or with sk_test_dummy', () => {
    expect(loadConfig(base)).toMatchObject({ mode: 'simulated', stripe: undefined, port: 8004, publicUrl: 'http://127.0.0.1:8004' });
    expect(loadConfig({ ...base, STRIPE_API_KEY: 'sk_test_dummy' }).mode).toBe('simulated');
  });

  it('is stripe with a real-looking key, pointed at STRIPE_API_BASE when set', () => {
    const config = loadConfig({
      ...base,
      STRIPE_API_KEY: 'sk_test_51abcDEF',
      STRIPE_API_BASE: 'http://127.0.0.1:12111',
      STRIPE_TIMEOUT_MS: '2500',
    });
    expect(config.mode).toBe('stripe');
    expect(config.stripe).toEqual({
      apiKey: 'sk_test_51abcDEF',
      apiBase: { protocol: 'http', host: '127.0.0.1', port: 12111 },
      timeoutMs: 2500,
    });
    expect(loadConfig({ ...base, STRIPE_API_KEY: 'sk_live_x' }).stripe).toMatchObject({ apiBase: undefined, timeoutMs: 5000 });
  });

  it('hands out URLs on a reachable host when listening on every interface', () => {
    expect(loadConfig({ ...base, HOST: '0.0.0.0', PORT: '9000' }).publicUrl).toBe('http://127.0.0.1:9000');
    expect(loadConfig({ ...base, PAYMENT_PUBLIC_URL: 'https://pay.example/' }).publicUrl).toBe('https://pay.example');
  });

  it.each([
    ['STRIPE_TIMEOUT_MS', 'soon'],
    ['STRIPE_API_BASE', 'ftp://x'],
    ['STRIPE_API_KEY', 'not a key'],
    ['AUTH_TIMEOUT_MS', '-1'],
    ['PAYMENT_PUBLIC_URL', 'nowhere'],
  ])('refuses a bad %s, naming it', (variable, value) => {
    expect(() => loadConfig({ ...base, [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [variable]: value })).toThrow(new RegExp(`^${variable}:`));
  });

  it('never repeats a refused key in the error', () => {
    expect(() => loadConfig({ ...base, STRIPE_API_KEY: 'sk_live secret' })).toThrow(/^(?!.*secret)/);
  });
});
