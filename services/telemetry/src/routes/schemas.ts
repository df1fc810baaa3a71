import { Type, type TSchema } from '@sinclair/typebox';

/** OTLP's ExportTraceServiceResponse in its JSON form. */
export const ExportTraceResponse = Type.Object(
  {
    partialSuccess: Type.Object({
      rejectedSpans: Type.Optional(Type.Integer({ minimum: 0, description: 'spans dropped for an invalid id or a missing start time' })),
      errorMessage: Type.Optional(Type.String()),
    }),
  },
  { description: 'OTLP ExportTraceServiceResponse (protobuf-encoded when the request was protobuf)' },
);

const KeyValue = Type.Object({
  key: Type.String(),
  type: Type.String({ description: 'string, bool, int64, float64 or binary (base64)' }),
  value: Type.Unknown(),
});

const Reference = Type.Object({
  refType: Type.String({ description: 'CHILD_OF (the parent) or FOLLOWS_FROM (a link)' }),
  traceID: Type.String(),
  spanID: Type.String(),
});

const Span = Type.Object({
  traceID: Type.String(),
  spanID: Type.String(),
  operationName: Type.String(),
  references: Type.Array(Reference),
  startTime: Type.Integer({ description: 'unix microseconds' }),
  duration: Type.Integer({ description: 'microseconds' }),
  tags: Type.Array(KeyValue),
  logs: Type.Array(Type.Object({ timestamp: Type.Integer(), fields: Type.Array(KeyValue) })),
  processID: Type.String(),
  warnings: Type.Union([Type.Array(Type.String()), Type.Null()]),
});

export const JaegerTrace = Type.Object(
  {
    traceID: Type.String(),
    spans: Type.Array(Span),
    processes: Type.Record(Type.String(), Type.Object({ serviceName: Type.String(), tags: Type.Array(KeyValue) })),
    warnings: Type.Union([Type.Array(Type.String()), Type.Null()]),
  },
  { description: "A trace in jaeger-query's JSON model" },
);

const JaegerErrors = Type.Union([
  Type.Array(Type.Object({ code: Type.Optional(Type.Integer()), msg: Type.String(), traceID: Type.Optional(Type.String()) })),
  Type.Null(),
]);

/** jaeger-query's answer envelope around `data`. */
export const JaegerEnvelope = <T extends TSchema>(data: T) =>
  Type.Object({ data, total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), errors: JaegerErrors });

export const JaegerErrorEnvelope = JaegerEnvelope(Type.Null());

/** A query value that may be repeated (`tag=a:1&tag=b:2`); jaeger-query reads the first of most. */
const repeatable = (description: string) => Type.Optional(Type.Union([Type.String({ description }), Type.Array(Type.String())]));

export const TraceSearchQuery = Type.Object(
  {
    service: repeatable('service name (required unless traceID is given)'),
    operation: repeatable('operation (span) name'),
    tags: repeatable('JSON object of tag key: value, e.g. {"error":"true"}'),
    tag: repeatable('key:value, repeatable'),
    minDuration: repeatable('e.g. 1.2s, 100ms, 500us'),
    maxDuration: repeatable('e.g. 1.2s, 100ms, 500us'),
    limit: repeatable('traces, default 100, at most 1500'),
    start: repeatable('unix microseconds; default end - lookback'),
    end: repeatable('unix microseconds; default now'),
    lookback: repeatable('window before end when start is absent, e.g. 1h; default 2d'),
    traceID: repeatable('fetch these traces instead of searching'),
  },
  { additionalProperties: true },
);

export const LogsQuery = Type.Object({
  service: Type.Optional(Type.String({ description: 'a service name (its file <service>.log); all services when absent' })),
  level: Type.Optional(Type.String({ description: 'DEBUG, INFO, WARN or ERROR, or several comma-separated' })),
  trace_id: Type.Optional(Type.String({ description: '32 hex digits (or a UUID)' })),
  since: Type.Optional(Type.String({ description: 'ISO-8601 time or unix milliseconds' })),
  until: Type.Optional(Type.String({ description: 'ISO-8601 time or unix milliseconds' })),
  q: Type.Optional(Type.String({ description: 'text the message contains (case-sensitive)' })),
  limit: Type.Optional(Type.String({ description: 'lines, default 100, at most 1000 (ignored by the stream)' })),
});

export const LogsResponse = Type.Object({
  data: Type.Array(Type.Object({}, { additionalProperties: true, description: 'a stored JSON log line (SPEC §2 "Logs")' })),
  total: Type.Integer({ description: 'number of lines in data' }),
});
