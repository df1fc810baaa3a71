import { describe, expect, it } from 'vitest';
import { formatMillis, formatSeconds, parseSeconds } from './units.ts';

describe(formatSeconds.name, () => {
  it('writes a span of seconds in its two largest units', () => {
    expect([0, 42.9, 60, 245, 3600, 7380, 86_400 * 3 + 3600 * 4].map(formatSeconds)).toEqual([
      '0s',
      '42s',
      '1m 00s',
      '4m 05s',
      '1h 00m',
      '2h 03m',
      '3d 04h',
    ]);
  });
});

describe(formatMillis.name, () => {
  it('keeps three significant digits and never shows 1000 ms', () => {
    expect([0.4213, 9.996, 12.34, 512.4, 999.7, 1046.5].map(formatMillis)).toEqual([
      '0.42 ms',
      '10.0 ms',
      '12.3 ms',
      '512 ms',
      '1.00 s',
      '1.05 s',
    ]);
  });
});

describe(parseSeconds.name, () => {
  it('reads plain seconds and unit suffixes, and nothing else', () => {
    expect(['90', '90s', '1.5m', '2h', '1d', '1m30s', '500ms'].map(parseSeconds)).toEqual([90, 90, 90, 7200, 86_400, 90, 0.5]);
    expect(['', 'soon', '5 m', '-3', '1x'].map(parseSeconds)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
