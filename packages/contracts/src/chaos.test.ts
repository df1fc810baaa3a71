import { describe, expect, it } from 'vitest';
import { faultParameterConflict, scopeLabel, scopeOfLabel } from './chaos.ts';

describe(scopeOfLabel.name, () => {
  it('reads back every label scopeLabel writes, and nothing else', () => {
    for (const scope of [{}, { route: '/cart/add' }, { target: 'db-service' }]) expect(scopeOfLabel(scopeLabel(scope))).toEqual(scope);
    for (const label of ['', 'Service', 'edge', 'route', 'all']) expect(scopeOfLabel(label)).toBeUndefined();
  });
});

describe(faultParameterConflict.name, () => {
  it('names the first parameter that does not go with the type, in the caller’s spelling', () => {
    expect(faultParameterConflict('latency', { ms: 300, jitter: 0.5, route: '/products' })).toBeUndefined();
    expect(faultParameterConflict('error', { status: 503, target: 'db' })).toBeUndefined();
    expect(faultParameterConflict('timeout', { ms: '300' })).toBe('ms goes with latency only, not timeout');
    expect(faultParameterConflict('error', { jitter: 0.1 }, (n) => `--${n}`)).toBe('--jitter goes with latency only, not error');
    expect(faultParameterConflict('latency', { status: 503 })).toBe('status goes with error only, not latency');
    expect(faultParameterConflict('error', { route: '/cart', target: 'db' })).toBe('give route or target, not both: a fault has one scope');
    expect(faultParameterConflict('leak', { target: 'db' })).toBe(
      'target does not go with leak: cpu, leak, crash act on the whole process',
    );
  });
});
