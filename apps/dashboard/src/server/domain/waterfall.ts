import { waterfallOf, type JaegerTrace, type Waterfall } from '@archaics/telemetry-query';
import type { TraceDetail, TraceSummary } from '../../shared/api-types.ts';

/** The waterfall of a trace as the Traces view draws it: microseconds, and every span's tags as text. */
export function traceDetailOf(waterfall: Waterfall): TraceDetail {
  return {
    traceID: waterfall.traceId,
    duration: waterfall.duration,
    services: waterfall.services,
    rows: waterfall.spans.map(({ span, service, parentSpanId, depth, offset, error }) => ({
      spanID: span.spanID,
      parentSpanID: parentSpanId,
      service,
      operation: span.operationName,
      depth,
      offset,
      duration: span.duration,
      error,
      tags: span.tags.map((tag) => ({ key: tag.key, value: String(tag.value) })),
    })),
  };
}

/** One line of a trace search: the root span, the length, the services, the failed spans. */
export function summaryOf(trace: JaegerTrace): TraceSummary {
  const waterfall = waterfallOf(trace);
  const root = waterfall.spans[0];
  const first = trace.spans.reduce((a, b) => (b.startTime < a.startTime ? b : a), trace.spans[0]!);
  return {
    traceID: trace.traceID,
    rootService: root?.service ?? 'unknown',
    rootOperation: root?.span.operationName ?? '',
    startTime: first?.startTime ?? 0,
    duration: waterfall.duration,
    spans: trace.spans.length,
    services: waterfall.services,
    errors: waterfall.errorCount,
  };
}
