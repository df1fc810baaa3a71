import type { JaegerSpan, JaegerTrace } from './jaeger-types.ts';

/** The service that emitted a span (its process's `serviceName`); `unknown` when the trace lacks the process. */
export function serviceOf(span: JaegerSpan, trace: JaegerTrace): string {
  return trace.processes[span.processID]?.serviceName ?? 'unknown';
}

/** The value of a span tag, or undefined. */
export function tagValue(span: JaegerSpan, key: string): string | number | boolean | undefined {
  return span.tags.find((tag) => tag.key === key)?.value;
}

/** The parent span id: the first `CHILD_OF` reference in the same trace (Jaeger puts the parent first). */
export function parentSpanId(span: JaegerSpan): string | undefined {
  const sameTrace = span.references.filter((ref) => ref.traceID === span.traceID);
  return (sameTrace.find((ref) => ref.refType === 'CHILD_OF') ?? sameTrace[0])?.spanID;
}

/** True for a failed span: the `error` tag (OpenTracing) or OpenTelemetry's `otel.status_code` = ERROR. */
export function isErrorSpan(span: JaegerSpan): boolean {
  const error = tagValue(span, 'error');
  return error === true || error === 'true' || tagValue(span, 'otel.status_code') === 'ERROR';
}

/** The failed spans of a trace, earliest first. */
export function errorSpans(trace: JaegerTrace): JaegerSpan[] {
  return trace.spans.filter(isErrorSpan).sort(byStart);
}

/** A span in its tree, with its service. */
export interface SpanNode {
  readonly span: JaegerSpan;
  readonly service: string;
  /** Child spans, earliest first. */
  readonly children: SpanNode[];
}

/**
 * The parent/child tree of a trace: its roots (normally one), children ordered by start.
 * A span whose parent is missing from the trace (not yet received, or dropped) becomes a
 * root, so no span is lost.
 */
export function spanTree(trace: JaegerTrace): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const span of [...trace.spans].sort(byStart)) {
    if (!nodes.has(span.spanID)) nodes.set(span.spanID, { span, service: serviceOf(span, trace), children: [] });
  }
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parentId = parentSpanId(node.span);
    const parent = parentId === undefined || parentId === node.span.spanID ? undefined : nodes.get(parentId);
    if (parent && !isAncestor(node, parent)) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** One span of a trace's waterfall (see {@link waterfallOf}). */
export interface WaterfallSpan {
  readonly span: JaegerSpan;
  readonly service: string;
  readonly parentSpanId: string | null;
  /** 0 for a root, 1 for its children, ... */
  readonly depth: number;
  /** Microseconds since the trace's first span started. */
  readonly offset: number;
  readonly error: boolean;
  /**
   * Whether each span on the way down from below the root to this one (this one last) is
   * the last child of its parent: `[]` for a root. What a drawn tree (`├─`, `└─`) needs.
   */
  readonly lastChild: readonly boolean[];
}

/** A trace laid out as a waterfall: its spans in display order, with what every view of it shows. */
export interface Waterfall {
  readonly traceId: string;
  /** Microseconds from the first span's start to the last one's end; 0 for a trace without spans. */
  readonly duration: number;
  /** The services with a span in the trace, sorted. */
  readonly services: string[];
  /** Depth first through {@link spanTree}, children by start. */
  readonly spans: WaterfallSpan[];
  readonly errorCount: number;
}

/** The spans of a trace in waterfall order (parent before children, each subtree by start), with offsets and depths. */
export function waterfallOf(trace: JaegerTrace): Waterfall {
  const start = Math.min(...trace.spans.map((s) => s.startTime));
  const end = Math.max(...trace.spans.map((s) => endOf(s)));
  const spans: WaterfallSpan[] = [];
  const visit = (node: SpanNode, lastChild: readonly boolean[]): void => {
    const span = node.span;
    spans.push({
      span,
      service: node.service,
      parentSpanId: parentSpanId(span) ?? null,
      depth: lastChild.length,
      offset: span.startTime - start,
      error: isErrorSpan(span),
      lastChild,
    });
    node.children.forEach((child, i) => visit(child, [...lastChild, i === node.children.length - 1]));
  };
  for (const root of spanTree(trace)) visit(root, []);
  return {
    traceId: trace.traceID,
    duration: trace.spans.length === 0 ? 0 : end - start,
    services: [...new Set(spans.map((s) => s.service))].sort(),
    spans,
    errorCount: spans.filter((s) => s.error).length,
  };
}

/** A stretch of time on the critical path, spent in one span's own work (microseconds). */
export interface CriticalPathSegment {
  readonly spanID: string;
  readonly service: string;
  readonly operationName: string;
  /** Microseconds since the epoch. */
  readonly start: number;
  /** Microseconds since the epoch. */
  readonly end: number;
}

/**
 * The critical path of a trace, earliest first: walking back from the end of the root,
 * the time is charged to the child that finished last (clipped to its parent's end — a
 * callee that outlives a caller who gave up only counts while the caller waited), then to
 * the child that finished before that one started, and the gaps to the parent itself (the
 * method of Jaeger UI's critical path). With several roots, the one that ends last is used.
 */
export function criticalPath(trace: JaegerTrace): CriticalPathSegment[] {
  const roots = spanTree(trace);
  if (roots.length === 0) return [];
  const root = roots.reduce((a, b) => (endOf(b.span) > endOf(a.span) ? b : a));
  const segments: CriticalPathSegment[] = [];
  walk(root, root.span.startTime, endOf(root.span), segments);
  return segments.reverse();
}

function walk(node: SpanNode, low: number, high: number, out: CriticalPathSegment[]): void {
  const start = Math.max(node.span.startTime, low);
  const end = Math.min(endOf(node.span), high);
  if (end <= start) return;
  const segment = (from: number, to: number): CriticalPathSegment => ({
    spanID: node.span.spanID,
    service: node.service,
    operationName: node.span.operationName,
    start: from,
    end: to,
  });
  let cursor = end;
  const pending = [...node.children];
  for (;;) {
    let best: SpanNode | undefined;
    let bestEnd = Number.NEGATIVE_INFINITY;
    for (const child of pending) {
      if (child.span.startTime >= cursor) continue;
      const childEnd = Math.min(endOf(child.span), cursor);
      if (childEnd > bestEnd) [best, bestEnd] = [child, childEnd];
    }
    if (best === undefined || bestEnd <= start) break;
    pending.splice(pending.indexOf(best), 1);
    if (bestEnd < cursor) out.push(segment(bestEnd, cursor));
    walk(best, start, bestEnd, out);
    cursor = Math.max(best.span.startTime, start);
  }
  if (cursor > start) out.push(segment(start, cursor));
}

function isAncestor(candidate: SpanNode, of: SpanNode): boolean {
  // Guards against reference cycles in malformed traces: never attach a node under its own descendant.
  const stack = [...candidate.children];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next === of) return true;
    stack.push(...next.children);
  }
  return false;
}

const endOf = (span: JaegerSpan): number => span.startTime + span.duration;
const byStart = (a: JaegerSpan, b: JaegerSpan): number => a.startTime - b.startTime;
