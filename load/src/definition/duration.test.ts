import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';

describe(parseDuration.name, () => {
  it('reads k6 durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('1h2m3s')).toBe(3_723_000);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', '30', 's', '30 s', '10x', '-5s', '1m 30s', '5s!']) {
      expect(() => parseDuration(bad), bad).toThrow();
    }
  });
});

describe(formatDuration.name, () => {
  it('writes durations back the way k6 does', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(120_000)).toBe('2m');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(3_723_000)).toBe('1h2m3s');
  });
});
