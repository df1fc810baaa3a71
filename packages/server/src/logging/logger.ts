import { context, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const LEVEL_NAMES: Readonly<Record<string, string>> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
};

/**
 * Field names whose values are never written. A safety net: code never logs secrets on
 * purpose. Explicit paths only, since wildcards make every line slower to write.
 */
const REDACTED_PATHS = [
  'password',
  'token',
  'access_token',
  'authorization',
  'secret',
  'api_key',
  'body.password',
  'headers.authorization',
  'req.headers.authorization',
];

export interface LoggerOptions {
  /** Service name written on every line. */
  service: string;
  /** pino level name: debug, info, warn or error. */
  level?: string;
  /** Where lines go; stdout when omitted (flushed on exit, so a crash fault keeps its last lines). */
  destination?: DestinationStream;
}

/** The trace id of the active span, if any. */
export function activeTraceId(): string | undefined {
  const span = trace.getSpan(context.active());
  const id = span?.spanContext().traceId;
  return id && id !== '00000000000000000000000000000000' ? id : undefined;
}

/**
 * A pino logger writing the SPEC's JSON line: service, level (DEBUG/INFO/WARN/ERROR),
 * message, timestamp (ISO-8601 UTC with ms) and the active trace id.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      messageKey: 'message',
      base: { service: options.service },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: {
        level: (label) => ({ level: LEVEL_NAMES[label] ?? label.toUpperCase() }),
      },
      mixin: () => {
        const traceId = activeTraceId();
        return traceId ? { trace_id: traceId } : {};
      },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
