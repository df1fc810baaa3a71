/** A span of seconds for people: `42s`, `4m 05s`, `2h 03m`, `3d 04h`. */
export function formatSeconds(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s}s`;
  const two = (n: number): string => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${two(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${two(Math.floor((s % 86_400) / 3600))}h`;
}

/** Milliseconds with a precision that suits their size: `0.42 ms`, `12.3 ms`, `512 ms`, `1.20 s`. */
export function formatMillis(ms: number): string {
  // Thresholds sit where rounding would carry into the next unit or digit (999.7 ms is 1.00 s, not 1000 ms).
  if (ms >= 999.5) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 99.95) return `${ms.toFixed(0)} ms`;
  if (ms >= 9.995) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** A ratio 0..1 as a percentage with one decimal. */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/**
 * A duration argument in seconds: `90`, `90s`, `1.5m`, `2h`, `1d`, or combined (`1m30s`).
 * Undefined when the text is not one.
 */
export function parseSeconds(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return undefined;
  const unit: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };
  return parts.reduce((total, [, amount, suffix]) => total + Number(amount) * (unit[suffix ?? 's'] ?? 1), 0);
}
