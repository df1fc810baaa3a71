const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/** Parses a k6 duration (`500ms`, `30s`, `1m30s`, `2h`) into milliseconds; throws on anything else. */
export function parseDuration(text: string): number {
  const source = text.trim();
  if (source === '') throw new Error('an empty duration');
  let total = 0;
  PART.lastIndex = 0;
  let end = 0;
  for (let match = PART.exec(source); match !== null; match = PART.exec(source)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    end = PART.lastIndex;
  }
  if (end !== source.length || !Number.isFinite(total)) {
    throw new Error(`"${text}" is not a duration (use e.g. 500ms, 30s, 1m30s, 2h)`);
  }
  return total;
}

/** Milliseconds as a short k6-style duration: `45s`, `2m`, `1m30s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const totalS = Math.round(ms / 100) / 10;
  const h = Math.floor(totalS / 3_600);
  const m = Math.floor((totalS % 3_600) / 60);
  const s = Math.round((totalS % 60) * 10) / 10;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 || (h === 0 && m === 0) ? `${s}s` : ''}`;
}
