import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeDecodedRequest } from './otlp-message.ts';
import { decodeExportMessage, decodeExportRequest, encodeExportRequest } from './otlp-proto.ts';
import { normalizeExportRequest } from './otlp-request.ts';

// The direct path from protobufjs's messages must give exactly what the general path gives
// (toObject, then the normalizer shared with OTLP/JSON): same spans, rejections and reasons.

const b64 = (bytes: number[]): string => Buffer.from(bytes).toString('base64');
const idBytes = (length: number) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: length, maxLength: length }) },
    { weight: 1, arbitrary: fc.constant(Array<number>(length).fill(0)) },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: length + 2 }) },
  );
const nanos = fc.oneof(
  fc.bigInt({ min: 0n, max: 18_446_744_073_709_551_615n }),
  fc.bigInt({ min: 1_700_000_000_000_000_000n, max: 1_900_000_000_000_000_000n }),
  fc.constant(0n),
);
const scalar = fc.oneof(
  fc.record({ stringValue: fc.string({ maxLength: 12 }) }),
  fc.record({ boolValue: fc.boolean() }),
  fc.record({ intValue: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String) }),
  fc.record({ doubleValue: fc.oneof(fc.double(), fc.constant(Number.NaN), fc.constant(Infinity)) }),
  fc.record({ bytesValue: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }).map(b64) }),
  fc.constant({}),
);
const keyValues = (value: fc.Arbitrary<Record<string, unknown>>) =>
  fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value }, { requiredKeys: ['key'] }), { maxLength: 4 });
const span = (value: fc.Arbitrary<Record<string, unknown>>) =>
  fc.record(
    {
      traceId: idBytes(16).map(b64),
      spanId: idBytes(8).map(b64),
      parentSpanId: idBytes(8).map(b64),
      traceState: fc.string({ maxLength: 6 }),
      flags: fc.integer({ min: 0, max: 0xffff_ffff }),
      name: fc.string({ maxLength: 10 }),
      kind: fc.integer({ min: -2, max: 8 }),
      startTimeUnixNano: nanos.map(String),
      endTimeUnixNano: nanos.map(String),
      attributes: keyValues(value),
      events: fc.array(fc.record({ timeUnixNano: nanos.map(String), name: fc.string({ maxLength: 5 }), attributes: keyValues(value) }), {
        maxLength: 2,
      }),
      links: fc.array(fc.record({ traceId: idBytes(16).map(b64), spanId: idBytes(8).map(b64) }), { maxLength: 2 }),
      status: fc.record({ code: fc.integer({ min: -1, max: 4 }), message: fc.string({ maxLength: 6 }) }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );
const request = (value: fc.Arbitrary<Record<string, unknown>>) =>
  fc.record({
    resourceSpans: fc.array(
      fc.record(
        {
          resource: fc.record({
            attributes: fc.oneof(
              keyValues(value),
              fc.constant([{ key: 'service.name', value: { stringValue: 'db-service' } }]),
              fc.constant([{ key: 'service.name', value: { intValue: '7' } }]),
            ),
          }),
          scopeSpans: fc.array(
            fc.record(
              {
                scope: fc.record({ name: fc.string({ maxLength: 6 }), version: fc.string({ maxLength: 4 }) }, { requiredKeys: [] }),
                spans: fc.array(span(value), { maxLength: 4 }),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
  });

describe('normalizeDecodedRequest', () => {
  it('gives the same spans, rejections and reasons as the general path (property)', () => {
    fc.assert(
      fc.property(request(scalar), (tree) => {
        const bytes = encodeExportRequest(tree);
        const general = normalizeExportRequest(decodeExportRequest(bytes), 'base64');
        expect(normalizeDecodedRequest(decodeExportMessage(bytes))).toEqual(general);
      }),
      { numRuns: 400 },
    );
  });

  it('leaves array and map values to the general path', () => {
    const tree = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: b64(Array(16).fill(1)),
                  spanId: b64(Array(8).fill(2)),
                  startTimeUnixNano: '1768473000000000000',
                  attributes: [{ key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }] } } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const bytes = encodeExportRequest(tree);
    expect(normalizeDecodedRequest(decodeExportMessage(bytes))).toBeNull();
    expect(normalizeExportRequest(decodeExportRequest(bytes), 'base64').spans[0]!.attributes).toEqual([
      { key: 'tags', type: 'string', value: '["a"]' },
    ]);
  });

  it('turns nanoseconds into microseconds exactly, up to the largest fixed64', () => {
    for (const value of ['1', '999', '1000', '1768473000123456789', '9007199254740993000', '18446744073709551615']) {
      const tree = {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  { traceId: b64(Array(16).fill(1)), spanId: b64(Array(8).fill(2)), startTimeUnixNano: value, endTimeUnixNano: value },
                ],
              },
            ],
          },
        ],
      };
      const result = normalizeDecodedRequest(decodeExportMessage(encodeExportRequest(tree)));
      const expected = Number(BigInt(value) / 1000n);
      if (expected <= 0) expect(result?.rejected).toBe(1);
      else expect(result?.spans[0]?.startUs, value).toBe(expected);
    }
  });
});
