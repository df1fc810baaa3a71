import { describe, expect, it } from 'vitest';
import { waterfallOf, type JaegerSpan, type JaegerTrace } from '@archaics/telemetry-query';
import { summaryOf, traceDetailOf } from './waterfall.ts';

const span = (
  spanID: string,
  parent: string | null,
  processID: string,
  startTime: number,
  duration: number,
  error = false,
): JaegerSpan => ({
  traceID: 't1',
  spanID,
  operationName: `op-${spanID}`,
  references: parent ? [{ refType: 'CHILD_OF', traceID: 't1', spanID: parent }] : [],
  startTime,
  duration,
  tags: error ? [{ key: 'otel.status_code', type: 'string', value: 'ERROR' }] : [{ key: 'http.route', type: 'string', value: '/x' }],
  logs: [],
  processID,
});

const trace: JaegerTrace = {
  traceID: 't1',
  processes: {
    p1: { serviceName: 'product-service', tags: [] },
    p2: { serviceName: 'db-service', tags: [] },
    p3: { serviceName: 'auth-service', tags: [] },
  },
  // Out of order on purpose: the waterfall orders by the tree, children by start.
  spans: [
    span('d', 'c', 'p2', 1_000_400, 500, true),
    span('a', null, 'p1', 1_000_000, 2000),
    span('c', 'a', 'p1', 1_000_300, 900),
    span('b', 'a', 'p1', 1_000_100, 150),
    span('e', 'b', 'p3', 1_000_110, 100),
  ],
};

describe(traceDetailOf.name, () => {
  it('lists spans depth-first with depth, offset from the start, and the failed ones marked', () => {
    const detail = traceDetailOf(waterfallOf(trace));
    expect(detail.rows.map((r) => [r.spanID, r.depth, r.offset, r.service, r.error])).toEqual([
      ['a', 0, 0, 'product-service', false],
      ['b', 1, 100, 'product-service', false],
      ['e', 2, 110, 'auth-service', false],
      ['c', 1, 300, 'product-service', false],
      ['d', 2, 400, 'db-service', true],
    ]);
    expect(detail.duration).toBe(2000);
    expect(detail.services).toEqual(['auth-service', 'db-service', 'product-service']);
    expect(detail.rows[0]!.tags).toEqual([{ key: 'http.route', value: '/x' }]);
  });

  it('summarises a trace by its root, length, services and errors', () => {
    expect(summaryOf(trace)).toEqual({
      traceID: 't1',
      rootService: 'product-service',
      rootOperation: 'op-a',
      startTime: 1_000_000,
      duration: 2000,
      spans: 5,
      services: ['auth-service', 'db-service', 'product-service'],
      errors: 1,
    });
  });
});
