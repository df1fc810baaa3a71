/** One stored log line: the JSON text written to the log file and its parsed fields. */
export interface LogRecord {
  readonly service: string;
  readonly level: string;
  /** Exactly one JSON object, no newline. */
  readonly raw: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export type OutputStream = 'stdout' | 'stderr';

// Node's own warnings (deprecations, experimental features) are not errors of the service.
const NODE_WARNING = /^\(node:\d+\) \w*Warning: /;

/**
 * Makes a stored record from one line a process printed: a JSON object on stdout is kept
 * as written; anything else (every stderr line, plain text on stdout) is wrapped into the
 * SPEC's JSON line shape, so every stored line parses as JSON. Blank lines give null.
 */
export function toLogRecord(service: string, line: string, stream: OutputStream, now: Date = new Date()): LogRecord | null {
  if (line.trim() === '') return null;
  if (stream === 'stdout') {
    const parsed = parseJsonObject(line);
    if (parsed) {
      return { service, level: typeof parsed.level === 'string' ? parsed.level.toUpperCase() : 'INFO', raw: line, fields: parsed };
    }
  }
  const level = stream === 'stdout' ? 'INFO' : NODE_WARNING.test(line) ? 'WARN' : 'ERROR';
  return supervisorRecord(service, level, line, now, { stream });
}

/** A record the supervisor writes itself, in the SPEC's log line shape. */
export function supervisorRecord(
  service: string,
  level: string,
  message: string,
  now: Date = new Date(),
  extra: Readonly<Record<string, unknown>> = {},
): LogRecord {
  const fields = { service, level, message, timestamp: now.toISOString(), ...extra };
  return { service, level, raw: JSON.stringify(fields), fields };
}

function parseJsonObject(line: string): Record<string, unknown> | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
