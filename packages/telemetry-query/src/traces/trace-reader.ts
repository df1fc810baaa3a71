import type { JaegerTrace } from './jaeger-types.ts';

/** A trace search (Jaeger's `GET /api/traces`). A trace matches when one of its spans matches every condition. */
export interface FindTracesQuery {
  /** Service that emitted the matching span (required by Jaeger). */
  readonly service: string;
  /** Its operation (span name), e.g. `GET /cart`. */
  readonly operation?: string;
  /** Tags the span carries, compared as strings: `{ error: 'true' }`, `{ 'http.response.status_code': '504' }`. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Shortest span duration: milliseconds, or a Go duration string (`250ms`, `1.5s`). */
  readonly minDuration?: number | string;
  /** Longest span duration: milliseconds, or a Go duration string. */
  readonly maxDuration?: number | string;
  /** At most this many traces (Jaeger's default 20 here; Jaeger itself defaults to 100). */
  readonly limit?: number;
  /** Earliest span start: a Date or ms since the epoch. Default `end - lookback`. */
  readonly start?: Date | number;
  /** Latest span start: a Date or ms since the epoch. Default now. */
  readonly end?: Date | number;
  /** How far back from `end` when `start` is not given: ms, or `30s`, `15m`, `1h`, `2d` (default 1h). */
  readonly lookback?: number | string;
}

/**
 * The traces seam (ARCHITECTURE "One seam per kind of telemetry"): Jaeger's query API,
 * whether served by the local telemetry process or a real Jaeger.
 */
export interface TraceReader {
  /** Services that reported spans. */
  services(): Promise<string[]>;
  /** Operation (span) names of a service. */
  operations(service: string): Promise<string[]>;
  /** One trace by id (32 or 16 hex digits); `null` when the backend does not know it. */
  getTrace(traceId: string): Promise<JaegerTrace | null>;
  /** Traces with a span matching the query, as the backend orders them. */
  findTraces(query: FindTracesQuery): Promise<JaegerTrace[]>;
}

const UNIT_MS: Readonly<Record<string, number>> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of a duration given as a number of ms or a string such as `250ms`, `1.5s`,
 * `1m30s`, `2d`. Throws on anything else.
 */
export function durationMs(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`not a duration: ${value}`);
    return value;
  }
  const parts = [...value.trim().matchAll(/(\d+(?:\.\d+)?)(us|µs|ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value.trim()) throw new Error(`not a duration: "${value}"`);
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_MS[unit!]!, 0);
}
