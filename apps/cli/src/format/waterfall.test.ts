import { describe, expect, it } from 'vitest';
import type { JaegerSpan, JaegerTrace } from '@archaics/telemetry-query';
import { waterfallOf } from '@archaics/telemetry-query';
import { barOf, renderWaterfall, waterfallSummary } from './waterfall.ts';

const TRACE = 'a'.repeat(32);
const T0 = 1_768_473_000_000_000;

function span(
  id: string,
  parent: string | undefined,
  process: string,
  name: string,
  startMs: number,
  durationMs: number,
  tags: Record<string, string | number | boolean> = {},
): JaegerSpan {
  return {
    traceID: TRACE,
    spanID: id,
    operationName: name,
    references: parent ? [{ refType: 'CHILD_OF', traceID: TRACE, spanID: parent }] : [],
    startTime: T0 + startMs * 1000,
    duration: durationMs * 1000,
    tags: Object.entries(tags).map(([key, value]) => ({
      key,
      type: typeof value === 'number' ? 'int64' : typeof value === 'boolean' ? 'bool' : 'string',
      value,
    })),
    logs: [],
    processID: process,
  };
}

// product → auth /validate, then product → db /products that timed out.
const trace: JaegerTrace = {
  traceID: TRACE,
  processes: {
    p1: { serviceName: 'product-service', tags: [] },
    p2: { serviceName: 'auth-service', tags: [] },
    p3: { serviceName: 'db-service', tags: [] },
  },
  spans: [
    span('d2', 'd1', 'p3', 'GET /products', 12, 80, { error: true, 'otel.status_description': 'client aborted' }),
    span('r', undefined, 'p1', 'GET /products', 0, 100, { 'http.response.status_code': 504, 'otel.status_code': 'ERROR' }),
    span('a1', 'r', 'p1', 'GET auth-service/validate', 1, 9, { 'http.response.status_code': 200 }),
    span('a2', 'a1', 'p2', 'GET /validate', 2, 6, { 'http.response.status_code': 200 }),
    span('d1', 'r', 'p1', 'GET db-service/products', 11, 89, { 'otel.status_code': 'ERROR', 'error.type': 'timeout' }),
  ],
};

describe(waterfallSummary.name, () => {
  it('orders spans parent first, children by start, with tree prefixes and offsets from the trace start', () => {
    const summary = waterfallSummary(waterfallOf(trace));
    expect(summary).toMatchObject({
      trace_id: TRACE,
      duration_ms: 100,
      span_count: 5,
      error_count: 3,
      services: ['auth-service', 'db-service', 'product-service'],
    });
    expect(summary.spans.map((s) => `${s.tree}${s.service} ${s.operation} @${s.start_ms} +${s.duration_ms}`)).toEqual([
      'product-service GET /products @0 +100',
      '├─ product-service GET auth-service/validate @1 +9',
      '│  └─ auth-service GET /validate @2 +6',
      '└─ product-service GET db-service/products @11 +89',
      '   └─ db-service GET /products @12 +80',
    ]);
    expect(summary.spans.map((s) => [s.error, s.status_code, s.error_detail])).toEqual([
      [true, 504, null],
      [false, 200, null],
      [false, 200, null],
      [true, null, 'timeout'],
      [true, null, 'client aborted'],
    ]);
  });
});

describe(renderWaterfall.name, () => {
  it('draws one line per span with a bar scaled to the trace and the failures marked', () => {
    const text = renderWaterfall(waterfallSummary(waterfallOf(trace)), { barWidth: 20, paint: (_color, t) => t });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(`trace ${TRACE}  100 ms, 5 spans, 3 services (auth-service, db-service, product-service), 3 errors`);
    expect(lines[3]).toMatch(/^ {2}product-service +GET \/products ✗ +0\.00 ms +100 ms +\|█{20}\| +504$/);
    expect(lines[5]).toMatch(/^ {2}auth-service +│ {2}└─ GET \/validate +2\.00 ms +6\.00 ms +\|█ {19}\| +200$/);
    expect(lines[7]).toMatch(/^ {2}db-service +└─ GET \/products ✗ +12\.0 ms +80\.0 ms +\| {2}█{16} {2}\| +client aborted$/);
  });
});

describe(barOf.name, () => {
  it('always shows at least one block, inside the width', () => {
    expect(barOf(0, 0, 100, 10)).toBe('█         ');
    expect(barOf(100, 0, 100, 10)).toBe('         █');
    expect(barOf(50, 50, 100, 10)).toBe('     █████');
    expect(barOf(0, 0, 0, 4)).toBe('█   ');
  });
});
