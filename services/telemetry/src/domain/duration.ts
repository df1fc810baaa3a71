const UNIT_NANOS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 micro sign
  μs: 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86_400e9,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/y;

/**
 * Parses a duration the way Go's `time.ParseDuration` does (what jaeger-query uses for
 * `minDuration`/`maxDuration`): one or more decimal numbers with a unit each, e.g. `1.2s`,
 * `100ms`, `500us`, `1h30m`; plus `d` for days (lookbacks such as `2d`). Returns
 * nanoseconds, or null when the text is not such a duration. Negative durations are refused.
 */
export function parseDuration(text: string): number | null {
  const value = text.trim().replace(/^\+/, '');
  if (value === '0') return 0;
  if (value === '') return null;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < value.length) {
    const at = PART.lastIndex;
    const match = PART.exec(value);
    if (!match || match.index !== at) return null;
    total += Number(match[1]) * UNIT_NANOS[match[2]!]!;
  }
  return Number.isFinite(total) ? total : null;
}
