import { SPAN_KIND_NAMES, STATUS_ERROR, STATUS_OK, type SpanRecord, type Tag } from './span.ts';

/** A tag or log field of Jaeger's JSON model (`model/json` of jaeger). */
export interface JaegerKeyValue {
  key: string;
  type: string;
  value: string | number | boolean;
}

export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: JaegerReference[];
  startTime: number;
  duration: number;
  tags: JaegerKeyValue[];
  logs: Array<{ timestamp: number; fields: JaegerKeyValue[] }>;
  processID: string;
  warnings: string[] | null;
}

export interface JaegerProcess {
  serviceName: string;
  tags: JaegerKeyValue[];
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

const byKey = (a: JaegerKeyValue, b: JaegerKeyValue): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const copy = (tag: Tag): JaegerKeyValue => ({ key: tag.key, type: tag.type, value: tag.value });

/**
 * Renders the spans of one trace as jaeger-query (v2) renders a trace received over OTLP:
 * its sort adjuster first orders resource, span and event attributes by key and events by
 * time; then the OpenTelemetry collector's OTLP→Jaeger translation makes the tags (scope,
 * then the attributes, then kind and status), events become logs (`event: <name>` first),
 * the parent a CHILD_OF reference, links FOLLOWS_FROM ones, the resource the process.
 * `flags` is left out, as the translation leaves it at 0 and Jaeger omits a zero.
 */
export function toJaegerTrace(spans: readonly SpanRecord[]): JaegerTrace {
  const sorted = [...spans].sort((a, b) => a.startUs - b.startUs || (a.spanId < b.spanId ? -1 : 1));
  const processes: Record<string, JaegerProcess> = {};
  const processIds = new Map<string, string>();
  const jaegerSpans = sorted.map((span) => {
    const process: JaegerProcess = {
      serviceName: span.service,
      tags: span.resource
        .filter((tag) => tag.key !== 'service.name')
        .map(copy)
        .sort(byKey),
    };
    const identity = JSON.stringify(process);
    let processId = processIds.get(identity);
    if (processId === undefined) {
      processId = `p${processIds.size + 1}`;
      processIds.set(identity, processId);
      processes[processId] = process;
    }
    return toJaegerSpan(span, processId);
  });
  return { traceID: sorted[0]?.traceId ?? '', spans: jaegerSpans, processes, warnings: null };
}

function toJaegerSpan(span: SpanRecord, processID: string): JaegerSpan {
  const references: JaegerReference[] = [];
  if (span.parentSpanId) references.push({ refType: 'CHILD_OF', traceID: span.traceId, spanID: span.parentSpanId });
  for (const link of span.links) references.push({ refType: 'FOLLOWS_FROM', traceID: link.traceId, spanID: link.spanId });
  return {
    traceID: span.traceId,
    spanID: span.spanId,
    operationName: span.operation,
    references,
    startTime: span.startUs,
    duration: span.durationUs,
    tags: spanTags(span),
    logs: [...span.events]
      .sort((a, b) => a.timeUs - b.timeUs)
      .map((event) => ({
        timestamp: event.timeUs,
        fields: [
          // The translator does not add the name when an attribute is already called `event`.
          ...(event.name && !event.attributes.some((a) => a.key === 'event') ? [{ key: 'event', type: 'string', value: event.name }] : []),
          ...event.attributes.map(copy).sort(byKey),
        ],
      })),
    processID,
    warnings: null,
  };
}

/** The tags {@link spanTags} derives from OTLP fields rather than copies from attributes. */
export const DERIVED_TAG_KEYS: ReadonlySet<string> = new Set([
  'otel.scope.name',
  'otel.scope.version',
  'span.kind',
  'otel.status_code',
  'error',
  'otel.status_description',
  'w3c.tracestate',
]);

/** A span's tags as Jaeger shows them: the scope, the attributes by key, then kind, status and trace state. */
export function spanTags(span: SpanRecord): JaegerKeyValue[] {
  const tags: JaegerKeyValue[] = [];
  if (span.scopeName) tags.push({ key: 'otel.scope.name', type: 'string', value: span.scopeName });
  if (span.scopeVersion) tags.push({ key: 'otel.scope.version', type: 'string', value: span.scopeVersion });
  tags.push(...span.attributes.map(copy).sort(byKey));
  const kind = SPAN_KIND_NAMES[span.kind];
  if (kind) tags.push({ key: 'span.kind', type: 'string', value: kind });
  if (span.statusCode === STATUS_OK) tags.push({ key: 'otel.status_code', type: 'string', value: 'OK' });
  if (span.statusCode === STATUS_ERROR) {
    tags.push({ key: 'otel.status_code', type: 'string', value: 'ERROR' });
    tags.push({ key: 'error', type: 'bool', value: true });
  }
  if (span.statusMessage) tags.push({ key: 'otel.status_description', type: 'string', value: span.statusMessage });
  if (span.traceState) tags.push({ key: 'w3c.tracestate', type: 'string', value: span.traceState });
  return tags;
}

/** The envelope of every jaeger-query answer (`structuredResponse` of its HTTP handler). */
export interface JaegerResponse<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: Array<{ code?: number; msg: string; traceID?: string }> | null;
}

export function jaegerData<T>(data: T, total: number): JaegerResponse<T> {
  return { data, total, limit: 0, offset: 0, errors: null };
}

export function jaegerError(code: number, msg: string): JaegerResponse<null> {
  return { data: null, total: 0, limit: 0, offset: 0, errors: [{ code, msg }] };
}
