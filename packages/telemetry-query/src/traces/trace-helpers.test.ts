import { describe, expect, it } from 'vitest';
import type { JaegerSpan, JaegerTrace } from './jaeger-types.ts';
import { criticalPath, errorSpans, isErrorSpan, parentSpanId, serviceOf, spanTree, tagValue, waterfallOf } from './trace-helpers.ts';
import { FIXTURE_TRACE_IDS, traceFixtures } from './trace-reader.contract.ts';

const fixture = (id: string): JaegerTrace => traceFixtures().find((t) => t.traceID === id)!;

/** A minimal trace: spans given as [id, parent, start, duration, process]. */
function traceOf(spans: [string, string | null, number, number, string][]): JaegerTrace {
  const traceID = 'f'.repeat(32);
  return {
    traceID,
    processes: { p1: { serviceName: 'product-service', tags: [] }, p2: { serviceName: 'db-service', tags: [] } },
    spans: spans.map(([spanID, parent, startTime, duration, processID]): JaegerSpan => ({
      traceID,
      spanID,
      operationName: `op-${spanID}`,
      references: parent === null ? [] : [{ refType: 'CHILD_OF', traceID, spanID: parent }],
      startTime,
      duration,
      tags: [],
      logs: [],
      processID,
    })),
  };
}

describe(serviceOf.name, () => {
  it('does name the service through the span process', () => {
    const trace = fixture(FIXTURE_TRACE_IDS.productsOk);
    expect(trace.spans.map((s) => serviceOf(s, trace))).toEqual([
      'product-service',
      'product-service',
      'auth-service',
      'product-service',
      'db-service',
    ]);
    expect(serviceOf({ ...trace.spans[0]!, processID: 'p9' }, trace)).toBe('unknown');
  });
});

describe(parentSpanId.name, () => {
  it('does take the CHILD_OF reference of the same trace, ignoring links to other traces', () => {
    const span = fixture(FIXTURE_TRACE_IDS.productsOk).spans[1]!;
    expect(parentSpanId(span)).toBe('a2fb4a1d1a96d312');
    const linked: JaegerSpan = {
      ...span,
      references: [
        { refType: 'CHILD_OF', traceID: 'e'.repeat(32), spanID: 'ffffffffffffffff' },
        { refType: 'FOLLOWS_FROM', traceID: span.traceID, spanID: '0000000000000002' },
        { refType: 'CHILD_OF', traceID: span.traceID, spanID: '0000000000000003' },
      ],
    };
    expect(parentSpanId(linked)).toBe('0000000000000003');
    expect(parentSpanId({ ...span, references: [] })).toBeUndefined();
  });
});

describe(isErrorSpan.name, () => {
  it('does recognise the error tag and the OpenTelemetry status', () => {
    const span = fixture(FIXTURE_TRACE_IDS.productsOk).spans[0]!;
    expect(isErrorSpan(span)).toBe(false);
    expect(isErrorSpan({ ...span, tags: [{ key: 'error', type: 'bool', value: true }] })).toBe(true);
    expect(isErrorSpan({ ...span, tags: [{ key: 'error', type: 'string', value: 'true' }] })).toBe(true);
    expect(isErrorSpan({ ...span, tags: [{ key: 'otel.status_code', type: 'string', value: 'ERROR' }] })).toBe(true);
    expect(tagValue(span, 'http.response.status_code')).toBe(200);
  });
});

describe(errorSpans.name, () => {
  it('does list the failed spans earliest first: the caller, its failed call, both failed attempts', () => {
    const trace = fixture(FIXTURE_TRACE_IDS.checkoutDbError);
    expect(errorSpans(trace).map((s) => [serviceOf(s, trace), s.operationName])).toEqual([
      ['payment-service', 'POST /create-checkout-session'],
      ['payment-service', 'GET db-service/cart/u-7f3a'],
      ['db-service', 'GET /cart/:user_id'],
      ['db-service', 'GET /cart/:user_id'],
    ]);
    expect(errorSpans(fixture(FIXTURE_TRACE_IDS.productsOk))).toEqual([]);
  });
});

describe(spanTree.name, () => {
  it('does build the call tree with services, children earliest first', () => {
    const [root, ...others] = spanTree(fixture(FIXTURE_TRACE_IDS.productsOk));
    expect(others).toEqual([]);
    const shape = (node: NonNullable<typeof root>): unknown => [node.service, node.span.operationName, node.children.map(shape)];
    expect(shape(root!)).toEqual([
      'product-service',
      'GET /products',
      [
        ['product-service', 'GET auth-service/validate', [['auth-service', 'GET /validate', []]]],
        ['product-service', 'GET db-service/products', [['db-service', 'GET /products', []]]],
      ],
    ]);
  });

  it('does keep spans whose parent is missing as roots, and survives reference cycles', () => {
    const orphans = spanTree(
      traceOf([
        ['a', null, 0, 10, 'p1'],
        ['b', 'missing', 2, 3, 'p2'],
      ]),
    );
    expect(orphans.map((n) => n.span.spanID)).toEqual(['a', 'b']);
    const cycle = spanTree(
      traceOf([
        ['a', 'b', 0, 10, 'p1'],
        ['b', 'a', 1, 5, 'p2'],
      ]),
    );
    const count = (nodes: readonly { children: readonly unknown[] }[]): number =>
      nodes.reduce((n, node) => n + 1 + count(node.children as { children: readonly unknown[] }[]), 0);
    expect(count(cycle)).toBe(2);
  });
});

describe(criticalPath.name, () => {
  it('does cover the root from start to end with contiguous segments, earliest first', () => {
    const trace = fixture(FIXTURE_TRACE_IDS.productsOk);
    const path = criticalPath(trace);
    const root = trace.spans[0]!;
    expect(path[0]!.start).toBe(root.startTime);
    expect(path.at(-1)!.end).toBe(root.startTime + root.duration);
    for (let i = 1; i < path.length; i++) expect(path[i]!.start).toBe(path[i - 1]!.end);
    expect(path.map((s) => s.service)).toEqual([
      'product-service',
      'product-service',
      'auth-service',
      'product-service',
      'product-service',
      'product-service',
      'db-service',
      'product-service',
      'product-service',
    ]);
  });

  it('does charge a timed-out call to the slow callee only while the caller waited', () => {
    const trace = fixture(FIXTURE_TRACE_IDS.cartDbTimeout);
    const path = criticalPath(trace);
    const db = path.filter((s) => s.service === 'db-service');
    expect(db).toHaveLength(1);
    const client = trace.spans.find((s) => s.spanID === '00f067aa0ba902b7')!;
    expect(db[0]!.end).toBe(client.startTime + client.duration);
    const root = trace.spans.find((s) => s.spanID === 'b7ad6b7169203331')!;
    expect(path.at(-1)!.end).toBe(root.startTime + root.duration);
  });

  it('does follow the child that finished last, then the one that finished before it started', () => {
    // root 0-100; a 10-40; b 20-90 (overlaps a); c 50-60 inside b's time but a sibling.
    const path = criticalPath(
      traceOf([
        ['root', null, 0, 100, 'p1'],
        ['a', 'root', 10, 30, 'p2'],
        ['b', 'root', 20, 70, 'p2'],
        ['c', 'root', 50, 10, 'p2'],
      ]),
    );
    expect(path.map((s) => [s.spanID, s.start, s.end])).toEqual([
      ['root', 0, 10],
      ['a', 10, 20],
      ['b', 20, 90],
      ['root', 90, 100],
    ]);
  });

  it('does return nothing for an empty trace', () => {
    expect(criticalPath(traceOf([]))).toEqual([]);
  });
});

describe(waterfallOf.name, () => {
  it('lays spans out depth first, children by start, with offsets from the first start and the last-child path', () => {
    // Out of order on purpose; c's parent is not in the trace, so it is a second root.
    const trace = traceOf([
      ['d', 'b', 1_300, 200, 'p2'],
      ['a', null, 1_000, 1_000, 'p1'],
      ['c', 'gone', 1_900, 300, 'p1'],
      ['b', 'a', 1_100, 500, 'p1'],
      ['e', 'a', 1_700, 100, 'p2'],
    ]);
    const waterfall = waterfallOf(trace);
    expect(waterfall.spans.map((s) => [s.span.spanID, s.depth, s.offset, s.service, s.parentSpanId, s.lastChild])).toEqual([
      ['a', 0, 0, 'product-service', null, []],
      ['b', 1, 100, 'product-service', 'a', [false]],
      ['d', 2, 300, 'db-service', 'b', [false, true]],
      ['e', 1, 700, 'db-service', 'a', [true]],
      ['c', 0, 900, 'product-service', 'gone', []],
    ]);
    expect(waterfall).toMatchObject({
      traceId: trace.traceID,
      duration: 1_200,
      services: ['db-service', 'product-service'],
      errorCount: 0,
    });
  });

  it('counts the failed spans and gives a trace without spans no length', () => {
    const trace = fixture(FIXTURE_TRACE_IDS.productsOk);
    const failed = {
      ...trace,
      spans: trace.spans.map((s, i) => (i === 1 ? { ...s, tags: [...s.tags, { key: 'error', type: 'bool', value: true }] } : s)),
    };
    expect(waterfallOf(failed).errorCount).toBe(1);
    expect(
      waterfallOf(failed)
        .spans.filter((s) => s.error)
        .map((s) => s.span.spanID),
    ).toEqual([trace.spans[1]!.spanID]);
    expect(waterfallOf({ ...trace, spans: [] })).toEqual({ traceId: trace.traceID, duration: 0, services: [], spans: [], errorCount: 0 });
  });
});
