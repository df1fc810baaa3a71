import { LOG_LEVELS, type LogLevel, type LogLine } from '@archaics/contracts';
import { isRecord } from '../http-query.ts';

/** A SPEC log line as read back: the SPEC fields, plus whatever else the line carried (`http`, `upstream`, `chaos`, ...). */
export type LogRecord = LogLine & { readonly [field: string]: unknown };

/** Which lines to read. Every condition given must hold. */
export interface LogFilter {
  /** Service that wrote the line, e.g. `product-service`. */
  readonly service?: string;
  /** Exact level (DEBUG, INFO, WARN, ERROR). */
  readonly level?: LogLevel;
  /** Lines written while handling this trace (32 hex digits). */
  readonly traceId?: string;
  /** Text the line contains (case-insensitive). */
  readonly text?: string;
}

/** A search over past lines. */
export interface LogQuery extends LogFilter {
  /** Earliest timestamp (Date or ms since the epoch); default one hour before `until`. */
  readonly since?: Date | number;
  /** Latest timestamp (Date or ms since the epoch); default now. */
  readonly until?: Date | number;
  /** At most this many lines (default 100). */
  readonly limit?: number;
}

/** Options of {@link LogReader.tail}. */
export interface TailOptions {
  /**
   * Told about each failure to reach the backend; the tail keeps retrying (with backoff)
   * until the signal aborts. Without it failures are silent.
   */
  readonly onError?: (error: Error) => void;
}

/**
 * The logs seam (ARCHITECTURE "One seam per kind of telemetry"): the local telemetry
 * process's `/api/logs`, or Loki on a real stack.
 */
export interface LogReader {
  /** Past lines matching the query, newest first, parsed from the services' JSON lines. */
  query(query?: LogQuery): Promise<LogRecord[]>;
  /**
   * Calls `onLine` for each new matching line, oldest first, until `signal` aborts; then
   * resolves. Backend failures are retried (see {@link TailOptions}); an exception thrown
   * by `onLine` stops the tail and rejects.
   */
  tail(filter: LogFilter, onLine: (line: LogRecord) => void, signal: AbortSignal, options?: TailOptions): Promise<void>;
}

/** Default number of lines of a query. */
export const DEFAULT_LOG_LIMIT = 100;

const PINO_LEVELS: Readonly<Record<number, LogLevel>> = { 10: 'DEBUG', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'ERROR' };
const LEVEL_ALIASES: Readonly<Record<string, LogLevel>> = {
  TRACE: 'DEBUG',
  WARNING: 'WARN',
  FATAL: 'ERROR',
  CRITICAL: 'ERROR',
  ERR: 'ERROR',
};

/** A level as the SPEC writes it, from what a line or a stream label carries (pino numbers and common aliases included). */
export function normaliseLevel(value: unknown): LogLevel | undefined {
  if (typeof value === 'number') return PINO_LEVELS[value];
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  return (LOG_LEVELS as readonly string[]).includes(upper) ? (upper as LogLevel) : LEVEL_ALIASES[upper];
}

/** What is known about a line from outside it (its stream labels, its storage timestamp). */
export interface LineContext {
  readonly service?: string | undefined;
  readonly level?: string | undefined;
  /** ISO-8601. */
  readonly timestamp?: string | undefined;
}

/**
 * One SPEC log line from a parsed JSON value or raw text: `service`, `level`, `message`,
 * `timestamp` always set (from the context when the line lacks them), `trace_id` when
 * present, other fields kept. A line that is not JSON becomes its `message`.
 */
export function toLogLine(value: unknown, context: LineContext = {}): LogRecord {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isRecord(parsed)) return toLogLine(parsed, context);
    } catch {
      // not JSON: the text is the message
    }
    return lineOf({ message: value }, context);
  }
  return lineOf(isRecord(value) ? value : { message: String(value) }, context);
}

function lineOf(fields: Record<string, unknown>, context: LineContext): LogRecord {
  const { service, level, message, msg, timestamp, time, trace_id: traceId, ...rest } = fields;
  const line: LogRecord = {
    ...rest,
    service: typeof service === 'string' ? service : (context.service ?? 'unknown'),
    level: normaliseLevel(level) ?? normaliseLevel(context.level) ?? 'INFO',
    message: typeof message === 'string' ? message : typeof msg === 'string' ? msg : message === undefined ? '' : JSON.stringify(message),
    timestamp:
      typeof timestamp === 'string'
        ? timestamp
        : typeof time === 'number'
          ? new Date(time).toISOString()
          : (context.timestamp ?? new Date(0).toISOString()),
  };
  if (typeof traceId === 'string' && traceId !== '') line.trace_id = traceId;
  return line;
}

/** Newest first by timestamp; lines with equal timestamps keep their order. */
export function newestFirst<T extends LogLine>(lines: readonly T[]): T[] {
  return lines
    .map((line, index) => ({ line, index, at: Date.parse(line.timestamp) }))
    .sort((a, b) => (b.at || 0) - (a.at || 0) || a.index - b.index)
    .map((entry) => entry.line);
}

/** ms since the epoch of a Date or number. */
export function epochMs(value: Date | number): number {
  return value instanceof Date ? value.getTime() : value;
}
