import { describe, expect, it } from 'vitest';
import { toJaegerTrace } from './jaeger.ts';
import type { SpanRecord } from './span.ts';

const span = (overrides: Partial<SpanRecord>): SpanRecord => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  parentSpanId: null,
  service: 'payment-service',
  operation: 'POST /create-checkout-session',
  kind: 0,
  startUs: 100,
  durationUs: 50,
  statusCode: 0,
  statusMessage: '',
  flags: 1,
  traceState: '',
  scopeName: '',
  scopeVersion: '',
  attributes: [],
  events: [],
  links: [],
  resource: [{ key: 'service.name', type: 'string', value: 'payment-service' }],
  ...overrides,
});

describe(toJaegerTrace.name, () => {
  it('does order spans by start, share processes between equal resources and number them by first use', () => {
    const trace = toJaegerTrace([
      span({
        spanId: '0000000000000003',
        startUs: 300,
        service: 'db-service',
        resource: [{ key: 'service.name', type: 'string', value: 'db-service' }],
      }),
      span({ spanId: '0000000000000001', startUs: 100 }),
      span({ spanId: '0000000000000002', startUs: 200, parentSpanId: '0000000000000001' }),
    ]);
    expect(trace.spans.map((s) => [s.spanID, s.processID])).toEqual([
      ['0000000000000001', 'p1'],
      ['0000000000000002', 'p1'],
      ['0000000000000003', 'p2'],
    ]);
    expect(trace.processes).toEqual({ p1: { serviceName: 'payment-service', tags: [] }, p2: { serviceName: 'db-service', tags: [] } });
    expect(trace.spans[1]!.references).toEqual([
      { refType: 'CHILD_OF', traceID: '0af7651916cd43dd8448eb211c80319c', spanID: '0000000000000001' },
    ]);
  });

  it('does write OK status, trace state and links, and no kind tag for an unspecified kind', () => {
    const [jaegerSpan] = toJaegerTrace([
      span({ statusCode: 1, traceState: 'rojo=00f067aa0ba902b7', links: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) }] }),
    ]).spans;
    expect(jaegerSpan!.tags).toEqual([
      { key: 'otel.status_code', type: 'string', value: 'OK' },
      { key: 'w3c.tracestate', type: 'string', value: 'rojo=00f067aa0ba902b7' },
    ]);
    expect(jaegerSpan!.references).toEqual([{ refType: 'FOLLOWS_FROM', traceID: 'ab'.repeat(16), spanID: 'cd'.repeat(8) }]);
  });

  it('does make logs of events: by time, the name first unless an attribute is already called event', () => {
    const [jaegerSpan] = toJaegerTrace([
      span({
        events: [
          { timeUs: 20, name: 'second', attributes: [{ key: 'event', type: 'string', value: 'own' }] },
          {
            timeUs: 10,
            name: 'first',
            attributes: [
              { key: 'z', type: 'int64', value: 1 },
              { key: 'a', type: 'bool', value: true },
            ],
          },
        ],
      }),
    ]).spans;
    expect(jaegerSpan!.logs).toEqual([
      {
        timestamp: 10,
        fields: [
          { key: 'event', type: 'string', value: 'first' },
          { key: 'a', type: 'bool', value: true },
          { key: 'z', type: 'int64', value: 1 },
        ],
      },
      { timestamp: 20, fields: [{ key: 'event', type: 'string', value: 'own' }] },
    ]);
  });
});
