import { LOG_LEVELS } from '@archaics/contracts';
import { badRequest } from '@archaics/server';

/** One stored log line: the text as the supervisor wrote it and its parsed fields. */
export interface LogEntry {
  /** The service whose file holds the line (`<service>.log`). */
  readonly service: string;
  readonly raw: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** Unix ms of its `timestamp`, null when it has none that parses. */
  readonly timeMs: number | null;
}

/** Which lines a logs query or stream wants; every given condition must hold. */
export interface LogFilter {
  readonly service?: string | undefined;
  readonly levels?: ReadonlySet<string> | undefined;
  readonly traceId?: string | undefined;
  readonly sinceMs?: number | undefined;
  readonly untilMs?: number | undefined;
  /**
   * Text the message must contain, ignoring case (as the Loki reader's `|~ "(?i)..."`),
   * in lower case.
   */
  readonly text?: string | undefined;
}

export const DEFAULT_LOG_LIMIT = 100;
export const MAX_LOG_LIMIT = 1000;

/** A service name as it can appear as a log file name. */
export const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const TRACE_ID = /^[0-9a-fA-F-]{1,64}$/;
const UNIX_MS = /^\d{1,15}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export interface LogQueryParams {
  service?: string | undefined;
  level?: string | undefined;
  trace_id?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  q?: string | undefined;
  limit?: string | undefined;
}

/** Reads the parameters of `GET /api/logs` (and its stream); a bad one is a 400 naming it. */
export function parseLogQuery(params: LogQueryParams): { filter: LogFilter; limit: number } {
  const service = present(params.service);
  if (service !== undefined && !SERVICE_NAME.test(service))
    throw badRequest(`service must be a service name such as db-service, got "${service}"`);
  let levels: Set<string> | undefined;
  const level = present(params.level);
  if (level !== undefined) {
    levels = new Set(level.split(',').map((l) => l.trim().toUpperCase()));
    for (const l of levels) {
      if (!(LOG_LEVELS as readonly string[]).includes(l)) {
        throw badRequest(`level must be one of ${LOG_LEVELS.join(', ')} (or several, comma-separated), got "${level}"`);
      }
    }
  }
  const traceIdText = present(params.trace_id);
  let traceId: string | undefined;
  if (traceIdText !== undefined) {
    if (!TRACE_ID.test(traceIdText)) throw badRequest(`trace_id must be 32 hex digits or a UUID, got "${traceIdText}"`);
    traceId = traceIdText.replaceAll('-', '').toLowerCase();
  }
  const sinceMs = instant(params.since, 'since');
  const untilMs = instant(params.until, 'until');
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs > untilMs) throw badRequest('since must not be after until');
  const text = params.q === undefined || params.q === '' ? undefined : params.q;
  if (text !== undefined && text.length > 1000) throw badRequest('q must be at most 1000 characters');
  let limit = DEFAULT_LOG_LIMIT;
  const limitText = present(params.limit);
  if (limitText !== undefined) {
    limit = /^\d{1,5}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_LOG_LIMIT)) throw badRequest(`limit must be an integer 1..${MAX_LOG_LIMIT}, got "${limitText}"`);
  }
  return { filter: { service, levels, traceId, sinceMs, untilMs, text: text?.toLowerCase() }, limit };
}

/** Whether a line passes the filter (the service is chosen by file, before this). */
export function matchesLog(entry: LogEntry, filter: LogFilter): boolean {
  if (filter.service !== undefined && entry.service !== filter.service) return false;
  if (filter.levels) {
    const level = typeof entry.fields.level === 'string' ? entry.fields.level.toUpperCase() : '';
    if (!filter.levels.has(level)) return false;
  }
  if (filter.traceId !== undefined && entry.fields.trace_id !== filter.traceId) return false;
  if (filter.sinceMs !== undefined && (entry.timeMs === null || entry.timeMs < filter.sinceMs)) return false;
  if (filter.untilMs !== undefined && (entry.timeMs === null || entry.timeMs > filter.untilMs)) return false;
  if (filter.text !== undefined) {
    const message = typeof entry.fields.message === 'string' ? entry.fields.message : '';
    if (!message.toLowerCase().includes(filter.text)) return false;
  }
  return true;
}

/** Text that any JSON writer puts in a line as it is (no escapes). */
const PLAIN_ASCII = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * A cheap test on the raw line before it is parsed: false only when the line certainly
 * fails the filter (the trace id, or the text when JSON writes it unescaped, is absent).
 */
export function mayMatchRaw(raw: string, filter: LogFilter): boolean {
  if (filter.traceId !== undefined && !raw.includes(filter.traceId)) return false;
  if (filter.text !== undefined && PLAIN_ASCII.test(filter.text) && !raw.toLowerCase().includes(filter.text)) return false;
  return true;
}

/** Parses one stored line; null when it is not a JSON object. */
export function parseLogLine(service: string, raw: string): LogEntry | null {
  let fields: unknown;
  try {
    fields = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return null;
  const record = fields as Record<string, unknown>;
  const time = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : Number.NaN;
  return { service, raw, fields: record, timeMs: Number.isNaN(time) ? null : time };
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function instant(value: string | undefined, name: string): number | undefined {
  const text = present(value);
  if (text === undefined) return undefined;
  if (UNIX_MS.test(text)) return Number(text);
  const parsed = ISO_DATE.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(parsed)) throw badRequest(`${name} must be an ISO-8601 time or unix milliseconds, got "${text}"`);
  return parsed;
}
