/** A typed key/value pair, in the shape Jaeger's JSON API gives tags and log fields. */
export interface Tag {
  readonly key: string;
  readonly type: 'string' | 'bool' | 'int64' | 'float64' | 'binary';
  readonly value: string | number | boolean;
}

export interface SpanEvent {
  readonly timeUs: number;
  readonly name: string;
  readonly attributes: readonly Tag[];
}

export interface SpanLink {
  readonly traceId: string;
  readonly spanId: string;
}

/** One received span, checked and normalized: ids in lowercase hex, times in microseconds. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly service: string;
  readonly operation: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly startUs: number;
  readonly durationUs: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly statusMessage: string;
  /** W3C trace flags (the low 8 bits of OTLP's span flags). */
  readonly flags: number;
  readonly traceState: string;
  readonly scopeName: string;
  readonly scopeVersion: string;
  readonly attributes: readonly Tag[];
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
  /** Resource attributes, `service.name` included. */
  readonly resource: readonly Tag[];
}

/** Jaeger's name for a resource without `service.name` (the collector's translator uses the same). */
export const NO_SERVICE_NAME = 'OTLPResourceNoServiceName';

/** OTLP span kinds as Jaeger's `span.kind` tag spells them. */
export const SPAN_KIND_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: 'internal',
  2: 'server',
  3: 'client',
  4: 'producer',
  5: 'consumer',
});

export const STATUS_OK = 1;
export const STATUS_ERROR = 2;
