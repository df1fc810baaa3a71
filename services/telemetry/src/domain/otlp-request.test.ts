import { describe, expect, it } from 'vitest';
import { decodeExportRequest, encodeExportRequest } from './otlp-proto.ts';
import { normalizeExportRequest, OtlpFormatError } from './otlp-request.ts';
import { NO_SERVICE_NAME } from './span.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const PARENT = 'eee19b7ec3c1b173';

function request(
  span: Record<string, unknown>,
  resourceAttributes: unknown[] = [{ key: 'service.name', value: { stringValue: 'db-service' } }],
) {
  return {
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes },
        scopeSpans: [{ scope: { name: '@archaics/server', version: '0.1.0' }, spans: [span] }],
      },
    ],
  };
}

const valid = {
  traceId: TRACE,
  spanId: SPAN,
  parentSpanId: PARENT,
  name: 'GET /products',
  kind: 2,
  startTimeUnixNano: '1768473000000123456',
  endTimeUnixNano: '1768473000041373456',
  attributes: [
    { key: 's', value: { stringValue: 'text' } },
    { key: 'b', value: { boolValue: false } },
    { key: 'i', value: { intValue: '504' } },
    { key: 'n', value: { intValue: 7 } },
    { key: 'd', value: { doubleValue: 0.25 } },
    { key: 'nan', value: { doubleValue: 'NaN' } },
    { key: 'bytes', value: { bytesValue: 'AAAwOQ==' } },
    { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } } },
    { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } } },
    { key: 'empty', value: {} },
  ],
  events: [
    { timeUnixNano: 1768473000001000000, name: 'exception', attributes: [{ key: 'exception.type', value: { stringValue: 'Error' } }] },
  ],
  links: [{ traceId: TRACE, spanId: PARENT }],
  status: { code: 2, message: 'boom' },
  flags: 0x301,
  traceState: 'vendor=1',
};

describe(normalizeExportRequest.name, () => {
  it('does turn an OTLP/JSON span into a record: hex ids, microseconds, typed attributes', () => {
    const { spans, rejected } = normalizeExportRequest(request(valid), 'hex');
    expect(rejected).toBe(0);
    expect(spans).toEqual([
      {
        traceId: TRACE,
        spanId: SPAN,
        parentSpanId: PARENT,
        service: 'db-service',
        operation: 'GET /products',
        kind: 2,
        startUs: 1_768_473_000_000_123,
        durationUs: 41_250,
        statusCode: 2,
        statusMessage: 'boom',
        flags: 1,
        traceState: 'vendor=1',
        scopeName: '@archaics/server',
        scopeVersion: '0.1.0',
        attributes: [
          { key: 's', type: 'string', value: 'text' },
          { key: 'b', type: 'bool', value: false },
          { key: 'i', type: 'int64', value: 504 },
          { key: 'n', type: 'int64', value: 7 },
          { key: 'd', type: 'float64', value: 0.25 },
          { key: 'nan', type: 'string', value: 'NaN' },
          { key: 'bytes', type: 'binary', value: 'AAAwOQ==' },
          { key: 'list', type: 'string', value: '["a",1]' },
          { key: 'map', type: 'string', value: '{"k":true}' },
          { key: 'empty', type: 'string', value: '' },
        ],
        events: [
          { timeUs: 1_768_473_000_001_000, name: 'exception', attributes: [{ key: 'exception.type', type: 'string', value: 'Error' }] },
        ],
        links: [{ traceId: TRACE, spanId: PARENT }],
        resource: [{ key: 'service.name', type: 'string', value: 'db-service' }],
      },
    ]);
  });

  it('does read enum names, snake_case fields and a missing service name as Jaeger does', () => {
    const { spans } = normalizeExportRequest(
      request(
        {
          trace_id: TRACE,
          span_id: SPAN,
          name: 'x',
          kind: 'SPAN_KIND_CLIENT',
          start_time_unix_nano: '1000',
          status: { code: 'STATUS_CODE_OK' },
        },
        [],
      ),
      'hex',
    );
    expect(spans[0]).toMatchObject({ kind: 3, statusCode: 1, service: NO_SERVICE_NAME, parentSpanId: null, startUs: 1, durationUs: 0 });
  });

  it('does drop spans with invalid ids or no start time, counting them and saying why', () => {
    const bad = [
      { ...valid, traceId: '00000000000000000000000000000000' },
      { ...valid, traceId: 'abc' },
      { ...valid, spanId: 'zzzzzzzzzzzzzzzz' },
      { ...valid, spanId: undefined },
      { ...valid, parentSpanId: '123' },
      { ...valid, startTimeUnixNano: undefined },
    ];
    const tree = request(valid);
    (tree.resourceSpans[0]!.scopeSpans[0]!.spans as unknown[]).push(...bad, {
      ...valid,
      spanId: 'eee19b7ec3c1b175',
      parentSpanId: '0000000000000000',
    });
    const { spans, rejected, reasons } = normalizeExportRequest(tree, 'hex');
    expect(spans.map((s) => [s.spanId, s.parentSpanId])).toEqual([
      [SPAN, PARENT],
      ['eee19b7ec3c1b175', null],
    ]);
    expect(rejected).toBe(6);
    expect(reasons).toHaveLength(5);
    expect(reasons[0]).toMatch(/spans\[1\]: traceId must be 32 hex digits/);
  });

  it('does refuse a wrong type anywhere, naming the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /^request must be an object/],
      [[], /^request must be an object/],
      [{ resourceSpans: {} }, /^resourceSpans must be an array/],
      [{ resourceSpans: [7] }, /^resourceSpans\[0\] must be an object/],
      [request({ ...valid, name: 42 }), /spans\[0\]\.name must be a string/],
      [request({ ...valid, kind: 2.5 }), /spans\[0\]\.kind must be an integer/],
      [request({ ...valid, startTimeUnixNano: '-5' }), /startTimeUnixNano must be unix nanoseconds/],
      [request({ ...valid, startTimeUnixNano: '99999999999999999999' }), /startTimeUnixNano is out of range/],
      [request({ ...valid, traceId: 12 }), /traceId must be a string/],
      [
        request({ ...valid, attributes: [{ key: 'k', value: { intValue: 'ten' } }] }),
        /attributes\[0\]\.value\.intValue must be an integer/,
      ],
      [request({ ...valid, attributes: [{ key: 'k', value: { boolValue: 'yes' } }] }), /boolValue must be a boolean/],
      [request({ ...valid, attributes: [{ key: 'k', value: { bytesValue: '***' } }] }), /bytesValue must be base64/],
      [request({ ...valid, events: 'none' }), /events must be an array/],
      [request({ ...valid, status: 'ok' }), /status must be an object/],
      [request({ ...valid, flags: -1 }), /flags must be a non-negative integer/],
    ];
    for (const [tree, message] of cases) {
      expect(() => normalizeExportRequest(tree, 'hex')).toThrow(OtlpFormatError);
      expect(() => normalizeExportRequest(tree, 'hex')).toThrow(message);
    }
  });

  it('does refuse values nested deeper than 16 levels', () => {
    let value: Record<string, unknown> = { stringValue: 'bottom' };
    for (let i = 0; i < 40; i++) value = { arrayValue: { values: [value] } };
    expect(() => normalizeExportRequest(request({ ...valid, attributes: [{ key: 'deep', value }] }), 'hex')).toThrow(
      /nested deeper than 16/,
    );
  });

  it('does read the same span from its protobuf encoding (ids as bytes)', () => {
    const toBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
    const proto = request({
      ...valid,
      traceId: toBase64(TRACE),
      spanId: toBase64(SPAN),
      parentSpanId: toBase64(PARENT),
      links: [{ traceId: toBase64(TRACE), spanId: toBase64(PARENT) }],
      attributes: valid.attributes.filter((a) => a.key !== 'nan' && a.key !== 'empty'),
      events: [{ ...valid.events[0], timeUnixNano: '1768473000001000000' }],
    });
    const decoded = decodeExportRequest(encodeExportRequest(proto));
    const fromProto = normalizeExportRequest(decoded, 'base64').spans[0]!;
    const fromJson = normalizeExportRequest(
      request({ ...valid, attributes: valid.attributes.filter((a) => a.key !== 'nan' && a.key !== 'empty') }),
      'hex',
    ).spans[0]!;
    expect(fromProto).toEqual(fromJson);
  });
});
