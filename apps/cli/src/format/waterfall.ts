import { tagValue, type JaegerSpan, type Waterfall } from '@archaics/telemetry-query';
import type { Painter } from './color.ts';
import { renderTable } from './table.ts';
import { formatMillis } from './units.ts';

/** One span of the waterfall, in display order (depth first, children by start); `--json` prints these. */
export interface WaterfallRow {
  readonly span_id: string;
  readonly parent_span_id: string | null;
  readonly depth: number;
  readonly service: string;
  readonly operation: string;
  /** Milliseconds since the trace's first span started. */
  readonly start_ms: number;
  readonly duration_ms: number;
  readonly error: boolean;
  /** The HTTP status the span recorded, if any. */
  readonly status_code: number | null;
  /** Why it failed (`otel.status_description`, `error.type`), if known. */
  readonly error_detail: string | null;
  /** Box-drawing prefix showing the span's place in the tree (`├─ `, `│  └─ `). */
  readonly tree: string;
}

export interface WaterfallSummary {
  readonly trace_id: string;
  readonly duration_ms: number;
  readonly services: string[];
  readonly span_count: number;
  readonly error_count: number;
  readonly spans: WaterfallRow[];
}

/** The CLI's rows of a trace's {@link Waterfall}: milliseconds, HTTP status, failure detail and tree prefixes. */
export function waterfallSummary(waterfall: Waterfall): WaterfallSummary {
  const rows = waterfall.spans.map((entry): WaterfallRow => {
    const { span, lastChild } = entry;
    return {
      span_id: span.spanID,
      parent_span_id: entry.parentSpanId,
      depth: entry.depth,
      service: entry.service,
      operation: span.operationName,
      start_ms: entry.offset / 1000,
      duration_ms: span.duration / 1000,
      error: entry.error,
      status_code: statusCode(span),
      error_detail: entry.error ? errorDetail(span) : null,
      tree: treePrefix(lastChild),
    };
  });
  return {
    trace_id: waterfall.traceId,
    duration_ms: waterfall.duration / 1000,
    services: waterfall.services,
    span_count: rows.length,
    error_count: waterfall.errorCount,
    spans: rows,
  };
}

/** `│  └─ ` for a last child whose parent is not one; '' for a root. */
function treePrefix(lastChild: readonly boolean[]): string {
  if (lastChild.length === 0) return '';
  const guides = lastChild.slice(0, -1).map((last) => (last ? '   ' : '│  '));
  return `${guides.join('')}${lastChild.at(-1) ? '└─ ' : '├─ '}`;
}

export interface WaterfallOptions {
  /** Characters of the bar column. */
  readonly barWidth: number;
  readonly paint: Painter;
}

/** The waterfall for a terminal: a header line, then one line per span with a bar scaled to the whole trace. */
export function renderWaterfall(summary: WaterfallSummary, options: WaterfallOptions): string {
  const { paint, barWidth } = options;
  const total = summary.duration_ms;
  const errors =
    summary.error_count === 0
      ? paint('green', 'no errors')
      : paint('red', `${summary.error_count} error${summary.error_count === 1 ? '' : 's'}`);
  const header =
    `trace ${paint('bold', summary.trace_id)}  ${formatMillis(total)}, ${summary.span_count} span${summary.span_count === 1 ? '' : 's'}, ` +
    `${summary.services.length} service${summary.services.length === 1 ? '' : 's'} (${summary.services.join(', ')}), ${errors}\n\n`;
  const rows = summary.spans.map((row) => {
    const bar = barOf(row.start_ms, row.duration_ms, total, barWidth);
    const status = row.status_code === null ? '' : String(row.status_code);
    return [
      row.service,
      `${paint('dim', row.tree)}${row.error ? paint('red', `${row.operation} ✗`) : row.operation}`,
      formatMillis(row.start_ms),
      formatMillis(row.duration_ms),
      `|${row.error ? paint('red', bar) : paint('cyan', bar)}|`,
      row.error ? paint('red', [status, row.error_detail ?? ''].filter(Boolean).join(' ')) : status,
    ];
  });
  const axis = `0${formatMillis(total).padStart(barWidth + 1)}`;
  return (
    header +
    renderTable(
      [
        { header: 'service' },
        { header: 'operation' },
        { header: 'start', align: 'right' },
        { header: 'duration', align: 'right' },
        { header: axis },
        { header: 'status' },
      ],
      rows,
    )
  );
}

/** Spaces up to the start, then at least one block; `width` characters in all. */
export function barOf(startMs: number, durationMs: number, totalMs: number, width: number): string {
  if (!(totalMs > 0)) return '█'.padEnd(width);
  const from = Math.min(width - 1, Math.floor((startMs / totalMs) * width));
  const length = Math.max(1, Math.round((durationMs / totalMs) * width));
  const to = Math.min(width, from + length);
  return `${' '.repeat(from)}${'█'.repeat(to - from)}${' '.repeat(width - to)}`;
}

function statusCode(span: JaegerSpan): number | null {
  const value = tagValue(span, 'http.response.status_code') ?? tagValue(span, 'http.status_code');
  const code = typeof value === 'string' ? Number(value) : value;
  return typeof code === 'number' && Number.isFinite(code) ? code : null;
}

function errorDetail(span: JaegerSpan): string | null {
  for (const key of ['otel.status_description', 'error.type', 'error.message']) {
    const value = tagValue(span, key);
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}
