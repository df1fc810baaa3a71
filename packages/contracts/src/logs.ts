import { Type, type Static } from '@sinclair/typebox';
import { oneOf } from './one-of.ts';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** A log level, as a schema. */
export const LogLevel = oneOf(LOG_LEVELS);

/** One JSON log line (SPEC §2 "Logs"); extra fields may follow. */
export const LogLine = Type.Object(
  {
    service: Type.String(),
    level: LogLevel,
    message: Type.String(),
    timestamp: Type.String(),
    trace_id: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type LogLine = Static<typeof LogLine>;
