import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe(parseDuration.name, () => {
  it('does read Go durations in nanoseconds', () => {
    expect(parseDuration('1.2s')).toBe(1.2e9);
    expect(parseDuration('100ms')).toBe(1e8);
    expect(parseDuration('500us')).toBe(5e5);
    expect(parseDuration('500µs')).toBe(5e5);
    expect(parseDuration('250ns')).toBe(250);
    expect(parseDuration('1h30m')).toBe(5400e9);
    expect(parseDuration('2d')).toBe(172_800e9);
    expect(parseDuration('.5s')).toBe(5e8);
    expect(parseDuration('0')).toBe(0);
  });

  it('does refuse what is not a duration', () => {
    for (const text of ['', 'fast', '10', '-1s', '1.2', 's', '1s2', '1 s', '1sec', '1e3ms']) expect(parseDuration(text), text).toBeNull();
  });
});
