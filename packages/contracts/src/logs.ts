import { Type, type Static } from '@sinclair/typebox';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One JSON log line (SPEC §2 "Logs"); extra fields may follow. */
export const LogLine = Type.Object(
  {
    service: Type.String(),
    level: Type.Unsafe<LogLevel>({ type: 'string', enum: [...LOG_LEVELS] }),
    message: Type.String(),
    timestamp: Type.String(),
    trace_id: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type LogLine = Static<typeof LogLine>;
