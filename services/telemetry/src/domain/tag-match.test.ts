import { describe, expect, it } from 'vitest';
import type { SpanRecord } from './span.ts';
import { matchesTag } from './tag-match.ts';

const span: SpanRecord = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  parentSpanId: null,
  service: 'db-service',
  operation: 'GET /products',
  kind: 2,
  startUs: 1_768_473_000_000_000,
  durationUs: 1500,
  statusCode: 2,
  statusMessage: 'disk full',
  flags: 1,
  traceState: 'vendor=1',
  scopeName: '@archaics/server',
  scopeVersion: '0.1.0',
  attributes: [
    { key: 'http.response.status_code', type: 'int64', value: 500 },
    { key: 'ratio', type: 'float64', value: 0.25 },
    { key: 'cached', type: 'bool', value: false },
  ],
  events: [{ timeUs: 1_768_473_000_000_500, name: 'exception', attributes: [{ key: 'exception.type', type: 'string', value: 'IOError' }] }],
  links: [],
  resource: [
    { key: 'service.name', type: 'string', value: 'db-service' },
    { key: 'host.name', type: 'string', value: 'lab' },
  ],
};

describe(matchesTag.name, () => {
  it('does match span, process and log tags compared as text, and the tags Jaeger derives from OTLP fields', () => {
    const matching: Array<[string, string]> = [
      ['http.response.status_code', '500'],
      ['ratio', '0.25'],
      ['cached', 'false'],
      ['host.name', 'lab'],
      ['exception.type', 'IOError'],
      ['event', 'exception'],
      ['span.kind', 'server'],
      ['error', 'true'],
      ['otel.status_code', 'ERROR'],
      ['otel.status_description', 'disk full'],
      ['otel.scope.name', '@archaics/server'],
      ['otel.scope.version', '0.1.0'],
      ['w3c.tracestate', 'vendor=1'],
    ];
    for (const [key, value] of matching) expect(matchesTag(span, key, value), `${key}=${value}`).toBe(true);
    const missing: Array<[string, string]> = [
      ['http.response.status_code', '200'],
      ['span.kind', 'client'],
      ['error', 'false'],
      ['otel.status_code', 'OK'],
      ['event', 'retry'],
      ['nobody', 'x'],
    ];
    for (const [key, value] of missing) expect(matchesTag(span, key, value), `${key}=${value}`).toBe(false);
    expect(matchesTag({ ...span, statusCode: 0 }, 'error', 'true')).toBe(false);
  });
});
