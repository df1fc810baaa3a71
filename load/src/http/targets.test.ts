import { describe, expect, it } from 'vitest';
import { checkTargets, isLoopback, targetsFromEnv } from './targets.ts';

describe(targetsFromEnv.name, () => {
  it('reads the seed variables, canonical ports by default', () => {
    expect(targetsFromEnv({ PRODUCT_SERVICE_URL: 'http://localhost:9003/' })).toEqual({
      auth: 'http://127.0.0.1:8001',
      db: 'http://127.0.0.1:8002',
      product: 'http://localhost:9003',
      payment: 'http://127.0.0.1:8004',
    });
  });
});

describe(checkTargets.name, () => {
  it('accepts this machine only, unless remote targets are allowed', () => {
    expect(() =>
      checkTargets({ a: 'http://127.0.0.1:8001', b: 'http://localhost:1', c: 'http://[::1]:8003', d: 'https://127.1.2.3' }, false),
    ).not.toThrow();
    expect(() => checkTargets({ product: 'http://product-service.archaics:8003' }, false)).toThrow('--allow-remote');
    expect(() => checkTargets({ product: 'http://10.0.0.5:8003' }, false)).toThrow('not on this machine');
    expect(() => checkTargets({ product: 'http://10.0.0.5:8003' }, true)).not.toThrow();
  });

  it('refuses what is not an http URL', () => {
    expect(() => checkTargets({ product: 'localhost:8003' }, true)).toThrow('not http');
    expect(() => checkTargets({ product: 'not a url' }, true)).toThrow('not a URL');
  });

  it('knows loopback names', () => {
    expect(['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]', '127.255.0.1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '128.0.0.1', 'localhost.example.com', '::ffff:10.0.0.1'].some(isLoopback)).toBe(false);
  });
});
