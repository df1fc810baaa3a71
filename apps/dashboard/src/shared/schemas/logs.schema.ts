import { Type, type Static } from '@sinclair/typebox';
import { LogLevel, LogLine } from '@archaics/contracts';

/** `GET /api/logs`: the contract's log lines (service, level, message, timestamp, trace_id). */
export const LogsResponse = Type.Object({ lines: Type.Array(LogLine) });
export type LogsResponse = Static<typeof LogsResponse>;

/** The filter of `GET /api/logs` and `GET /api/logs/stream`. */
export const LogFilterQuery = Type.Object({
  service: Type.Optional(Type.String({ maxLength: 128 })),
  level: Type.Optional(LogLevel),
  trace_id: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F-]{16,36}$' })),
  text: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1..500, default 100 (not for the stream)' })),
});
export type LogFilterQuery = Static<typeof LogFilterQuery>;
