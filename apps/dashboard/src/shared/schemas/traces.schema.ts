import { Type, type Static } from '@sinclair/typebox';
import { oneOf } from '@archaics/contracts';

/** One line of a trace search. */
export const TraceSummary = Type.Object({
  traceID: Type.String(),
  rootService: Type.String(),
  rootOperation: Type.String(),
  /** Microseconds since the epoch. */
  startTime: Type.Number(),
  /** Microseconds. */
  duration: Type.Number(),
  spans: Type.Integer(),
  services: Type.Array(Type.String()),
  errors: Type.Integer(),
});
export type TraceSummary = Static<typeof TraceSummary>;

/** One span of a trace's waterfall. */
export const WaterfallRow = Type.Object({
  spanID: Type.String(),
  parentSpanID: Type.Union([Type.String(), Type.Null()]),
  service: Type.String(),
  operation: Type.String(),
  depth: Type.Integer(),
  /** Microseconds from the trace's start. */
  offset: Type.Number(),
  duration: Type.Number(),
  error: Type.Boolean(),
  tags: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
});
export type WaterfallRow = Static<typeof WaterfallRow>;

/** `GET /api/traces/:id`: the waterfall of one trace. */
export const TraceDetail = Type.Object({
  traceID: Type.String(),
  duration: Type.Number(),
  services: Type.Array(Type.String()),
  rows: Type.Array(WaterfallRow),
});
export type TraceDetail = Static<typeof TraceDetail>;

export const TraceSearchResponse = Type.Object({ traces: Type.Array(TraceSummary) });
export type TraceSearchResponse = Static<typeof TraceSearchResponse>;

export const TraceServicesResponse = Type.Object({ services: Type.Array(Type.String()) });
export type TraceServicesResponse = Static<typeof TraceServicesResponse>;

export const TraceOperationsResponse = Type.Object({ operations: Type.Array(Type.String()) });
export type TraceOperationsResponse = Static<typeof TraceOperationsResponse>;

export const TraceOperationsQuery = Type.Object({ service: Type.String({ minLength: 1, maxLength: 128 }) });

export const TraceSearchQuery = Type.Object({
  service: Type.String({ minLength: 1, maxLength: 128 }),
  operation: Type.Optional(Type.String({ maxLength: 256 })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1..100, default 20' })),
  lookback: Type.Optional(Type.String({ pattern: '^[0-9]+(s|m|h|d)$', description: 'default 1h' })),
  errors: Type.Optional(oneOf(['true', 'false'], { description: 'only traces with a failed span' })),
});

/** A trace id: 16 or 32 hex digits, or a UUID. */
export const TraceIdParams = Type.Object({
  id: Type.String({
    pattern: '^([0-9a-fA-F]{16}|[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$',
  }),
});
