import { isErrorSpan, parentSpanId, spanTree, type JaegerTrace, type SpanNode } from '@archaics/telemetry-query';
import type { TraceDetail, TraceSummary, WaterfallRow } from '../../shared/api-types.ts';

/** The rows of a trace's waterfall: depth-first through the span tree, children by start time. */
export function waterfallOf(trace: JaegerTrace): TraceDetail {
  const start = Math.min(...trace.spans.map((s) => s.startTime));
  const end = Math.max(...trace.spans.map((s) => s.startTime + s.duration));
  const rows: WaterfallRow[] = [];
  const visit = (node: SpanNode, depth: number): void => {
    const span = node.span;
    rows.push({
      spanID: span.spanID,
      parentSpanID: parentSpanId(span) ?? null,
      service: node.service,
      operation: span.operationName,
      depth,
      offset: span.startTime - start,
      duration: span.duration,
      error: isErrorSpan(span),
      tags: span.tags.map((tag) => ({ key: tag.key, value: String(tag.value) })),
    });
    for (const child of node.children) visit(child, depth + 1);
  };
  for (const root of spanTree(trace)) visit(root, 0);
  return {
    traceID: trace.traceID,
    duration: trace.spans.length === 0 ? 0 : end - start,
    services: [...new Set(rows.map((r) => r.service))].sort(),
    rows,
  };
}

/** One line of a trace search: the root span, the length, the services, the failed spans. */
export function summaryOf(trace: JaegerTrace): TraceSummary {
  const detail = waterfallOf(trace);
  const root = detail.rows[0];
  const first = trace.spans.reduce((a, b) => (b.startTime < a.startTime ? b : a), trace.spans[0]!);
  return {
    traceID: trace.traceID,
    rootService: root?.service ?? 'unknown',
    rootOperation: root?.operation ?? '',
    startTime: first?.startTime ?? 0,
    duration: detail.duration,
    spans: trace.spans.length,
    services: detail.services,
    errors: detail.rows.filter((r) => r.error).length,
  };
}
