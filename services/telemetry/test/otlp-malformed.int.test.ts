import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeExportResponse, encodeExportRequest } from '../src/domain/otlp-proto.ts';
import { registerOtlpRoutes } from '../src/routes/otlp.route.ts';
import { nanos, otlpRequest, postJson, startTelemetry, type RunningTelemetry } from './telemetry-harness.ts';

const MAX_BODY = 64 * 1024;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const NUM_RUNS = 150;

let running: RunningTelemetry;
beforeAll(async () => {
  running = await startTelemetry({ TELEMETRY_MAX_BODY_BYTES: String(MAX_BODY) });
});
afterAll(async () => running.stop());

type Body = { bytes: Uint8Array; type: 'json' | 'protobuf'; gzip?: boolean };

async function send(body: Body): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const headers: Record<string, string> = { 'content-type': body.type === 'json' ? 'application/json' : 'application/x-protobuf' };
  if (body.gzip) headers['content-encoding'] = 'gzip';
  const response = await fetch(`${running.otlpUrl}/v1/traces`, { method: 'POST', headers, body: body.bytes });
  const buffer = Buffer.from(await response.arrayBuffer());
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, json: isJson ? (JSON.parse(buffer.toString('utf8')) as Record<string, unknown>) : null };
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/** A valid request of a few spans, as OTLP/JSON. */
const validTree = (count = 3) =>
  otlpRequest({
    'db-service': Array.from({ length: count }, (_, i) => ({
      traceId: TRACE,
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: 'GET /products',
      startUs: Date.now() * 1000 - 1000,
      durationUs: 500,
      attributes: { 'http.route': '/products', n: i },
    })),
  });

/** The same request as protobuf (ids as bytes, given base64 to protobufjs). */
function validProtobuf(): Uint8Array {
  const tree = validTree() as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
  for (const span of tree.resourceSpans[0]!.scopeSpans[0]!.spans) {
    span.traceId = Buffer.from(String(span.traceId), 'hex').toString('base64');
    span.spanId = Buffer.from(String(span.spanId), 'hex').toString('base64');
  }
  return encodeExportRequest(tree);
}

/** Replaces the value at a random path of a JSON tree. */
function mutate(tree: unknown, choose: (n: number) => number, replacement: unknown): unknown {
  if (typeof tree !== 'object' || tree === null) return replacement;
  const keys = Object.keys(tree);
  if (keys.length === 0) return replacement;
  const pick = choose(keys.length + 1);
  if (pick === keys.length) return replacement;
  const key = keys[pick]!;
  const copy: Record<string, unknown> = Array.isArray(tree)
    ? ([...tree] as unknown as Record<string, unknown>)
    : { ...(tree as Record<string, unknown>) };
  copy[key] = mutate((tree as Record<string, unknown>)[key], choose, replacement);
  return copy;
}

/** Every answer: 200 (a valid message, possibly empty or with spans dropped) or 400/413 with {error, detail}; never 5xx. */
function expectHandled(answer: { status: number; json: Record<string, unknown> | null }, allowed: readonly number[]): void {
  expect(allowed).toContain(answer.status);
  if (answer.status >= 400) expect(answer.json).toMatchObject({ error: expect.any(String), detail: expect.any(String) });
}

describe(`${registerOtlpRoutes.name} with malformed input`, () => {
  it('does answer random bytes sent as protobuf with 200 or 400, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        expectHandled(await send({ bytes, type: 'protobuf' }), [200, 400]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('does answer a truncated or corrupted valid protobuf request with 200 or 400', async () => {
    const valid = validProtobuf();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: valid.length - 1 }),
        fc.option(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }))),
        async (cut, flip) => {
          const bytes = Uint8Array.from(valid);
          if (flip) bytes[flip[0]] = flip[1];
          expectHandled(await send({ bytes: bytes.subarray(0, cut), type: 'protobuf' }), [200, 400]);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('does answer random JSON, and random text, with 200 or 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
          fc.string({ unit: 'binary', maxLength: 500 }),
        ),
        async (text) => {
          expectHandled(await send({ bytes: utf8(text), type: 'json' }), [200, 400]);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('does answer a valid request with a value of the wrong type anywhere with 200 or 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.infiniteStream(fc.nat()), fc.jsonValue(), async (choices, replacement) => {
        const iterator = choices[Symbol.iterator]();
        const tree = mutate(validTree(), (n) => (iterator.next().value as number) % n, replacement);
        const answer = await send({ bytes: utf8(JSON.stringify(tree)), type: 'json' });
        expectHandled(answer, [200, 400]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('does answer absurdly deep nesting with 400, in JSON and in protobuf', async () => {
    const deepJson = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    expectHandled(await send({ bytes: utf8(deepJson), type: 'json' }), [400]);
    let value: unknown = { stringValue: 'bottom' };
    for (let i = 0; i < 1000; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
    const deepAttribute = validTree(1) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
    deepAttribute.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes = [{ key: 'deep', value }];
    expectHandled(await send({ bytes: utf8(JSON.stringify(deepAttribute)), type: 'json' }), [400]);
    // AnyValue{arrayValue{values: AnyValue{...}}} nested 5 000 times, inside one attribute of one span.
    const field = (tag: number, body: Buffer): Buffer => {
      const length: number[] = [];
      for (let n = body.length; ; n >>>= 7) {
        if (n < 128) {
          length.push(n);
          break;
        }
        length.push((n & 127) | 128);
      }
      return Buffer.concat([Buffer.from([(tag << 3) | 2, ...length]), body]);
    };
    let nested = field(1, Buffer.from('x'));
    for (let i = 0; i < 5_000; i++) nested = field(5, field(1, nested));
    const request = field(1, field(2, field(2, field(9, Buffer.concat([field(1, Buffer.from('k')), field(2, nested)])))));
    expectHandled(await send({ bytes: request, type: 'protobuf' }), [400]);
  });

  it('does answer a body over the limit with 413, compressed or once decompressed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: MAX_BODY + 1, max: 3 * MAX_BODY }),
        fc.constantFrom<'json' | 'protobuf'>('json', 'protobuf'),
        async (size, type) => {
          const answer = await send({ bytes: new Uint8Array(size).fill(0x20), type });
          expectHandled(answer, [413]);
        },
      ),
      { numRuns: 20 },
    );
    // A small gzip body that inflates past the limit (a "zip bomb").
    const bomb = gzipSync(Buffer.alloc(MAX_BODY * 20, 0x20));
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const answer = await send({ bytes: bomb, type: 'json', gzip: true });
    expectHandled(answer, [413]);
    expect(answer.json?.error).toBe('payload_too_large');
  });

  it('does answer bytes that are not gzip, sent as gzip, with 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), fc.constantFrom<'json' | 'protobuf'>('json', 'protobuf'), async (bytes, type) => {
        expectHandled(await send({ bytes, type, gzip: true }), [400]);
      }),
      { numRuns: 50 },
    );
  });

  it('does keep answering and storing after all that', async () => {
    const health = await fetch(`${running.otlpUrl}/health`);
    expect(health.status).toBe(200);
    const traceId = 'feedfacefeedfacefeedfacefeedface';
    const ok = await postJson(
      running.otlpUrl,
      otlpRequest({ 'db-service': [{ traceId, spanId: 'feedfacefeedface', name: 'after', startUs: Date.now() * 1000, durationUs: 1 }] }),
    );
    expect(ok.status).toBe(200);
    const trace = await fetch(`${running.queryUrl}/api/traces/${traceId}`);
    expect(trace.status).toBe(200);
    // The protobuf answer is a real ExportTraceServiceResponse, with the rejected count.
    const protoAnswer = await fetch(`${running.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: encodeExportRequest({
        resourceSpans: [
          {
            scopeSpans: [
              { spans: [{ traceId: Buffer.alloc(16).toString('base64'), spanId: 'AQIDBAUGBwg=', startTimeUnixNano: nanos(1) }] },
            ],
          },
        ],
      }),
    });
    expect(protoAnswer.status).toBe(200);
    expect(protoAnswer.headers.get('content-type')).toBe('application/x-protobuf');
    const decoded = decodeExportResponse(new Uint8Array(await protoAnswer.arrayBuffer()));
    expect(decoded).toEqual({ partialSuccess: { rejectedSpans: 1, errorMessage: expect.stringMatching(/traceId must be 32 hex digits/) } });
  });
});
