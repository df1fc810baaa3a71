import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JaegerTraceReader, LocalLogReader, serviceOf, type JaegerTrace, type LogRecord } from '@archaics/telemetry-query';
import { call, newUser, startTestStack, type TestStack } from './support/test-stack.ts';

// The local telemetry process under the real stack: traces through Jaeger's API, logs through /api/logs.
let stack: TestStack;
let jwt: string;

beforeAll(async () => {
  stack = await startTestStack({ portOffset: 12_000 });
  ({ jwt } = await newUser(stack));
}, 90_000);
afterAll(async () => stack?.stop());

async function eventually<T>(fn: () => Promise<T | null | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('local traces', () => {
  it('returns the tour trace with product, auth and db spans linked parent to child', async () => {
    const res = await call(`${stack.url('product-service')}/products`, { token: jwt });
    const traceId = res.headers.get('x-trace-id')!;
    const reader = new JaegerTraceReader(stack.queryUrl);
    const trace = await eventually<JaegerTrace>(async () => {
      const t = await reader.getTrace(traceId);
      return t && new Set(t.spans.map((s) => serviceOf(s, t))).size >= 3 ? t : null;
    });
    const services = new Set(trace.spans.map((s) => serviceOf(s, trace)));
    expect([...services].sort()).toEqual(['auth-service', 'db-service', 'product-service']);
    const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
    const roots = trace.spans.filter((s) => s.references.length === 0);
    expect(roots).toHaveLength(1);
    expect(serviceOf(roots[0]!, trace)).toBe('product-service');
    for (const span of trace.spans) {
      for (const ref of span.references) {
        const parent = byId.get(ref.spanID);
        expect(parent, `parent of ${span.operationName}`).toBeDefined();
        const what = `${serviceOf(span, trace)} ${span.operationName} under ${serviceOf(parent!, trace)} ${parent!.operationName}`;
        const end = (s: { startTime: number; duration: number }): number => s.startTime + s.duration;
        expect(span.duration, what).toBeGreaterThan(0);
        if (serviceOf(span, trace) === serviceOf(parent!, trace)) {
          // One process, one clock: a child lies inside its parent (1 ms for rounding to µs).
          expect(span.startTime, what).toBeGreaterThanOrEqual(parent!.startTime - 1000);
          expect(end(span), what).toBeLessThanOrEqual(end(parent!) + 1000);
        } else {
          // A server span under another process's client span. Start times of separate processes carry their
          // own clock offsets (OpenTelemetry JS anchors timestamps at each process's start), hence 5 ms of skew.
          // The server began after the client sent and before the client had its answer. Its end is not bounded
          // by the client's: it ends on the response's 'finish' event, which a busy event loop can run after the
          // client has already read the answer.
          expect(span.startTime, what).toBeGreaterThanOrEqual(parent!.startTime - 5000);
          expect(span.startTime, what).toBeLessThanOrEqual(end(parent!) + 5000);
        }
      }
    }
    // Each server span of auth and db hangs under a client span of product.
    for (const service of ['auth-service', 'db-service']) {
      const server = trace.spans.find((s) => serviceOf(s, trace) === service)!;
      const parent = byId.get(server.references[0]!.spanID)!;
      expect(serviceOf(parent, trace)).toBe('product-service');
    }
  });

  it('lists recent product-service traces', async () => {
    const reader = new JaegerTraceReader(stack.queryUrl);
    const traces = await eventually(async () => {
      const found = await reader.findTraces({ service: 'product-service', limit: 20 });
      return found.length > 0 ? found : null;
    });
    expect(traces.length).toBeLessThanOrEqual(20);
    for (const t of traces) expect(t.spans.some((s) => serviceOf(s, t) === 'product-service')).toBe(true);
  });
});

describe('local logs', () => {
  it("returns a request's lines from every service it touched, by trace id", async () => {
    const res = await call(`${stack.url('product-service')}/cart`, { token: jwt });
    const traceId = res.headers.get('x-trace-id')!;
    const reader = new LocalLogReader(stack.queryUrl);
    const lines = await eventually(async () => {
      const found = await reader.query({ traceId });
      return new Set(found.map((l) => l.service)).size >= 3 ? found : null;
    });
    expect(new Set(lines.map((l) => l.service))).toEqual(new Set(['product-service', 'auth-service', 'db-service']));
    for (const line of lines) expect(line.trace_id).toBe(traceId);
  });

  it("tails a new request's lines within a second", async () => {
    const reader = new LocalLogReader(stack.queryUrl);
    const controller = new AbortController();
    const seen: LogRecord[] = [];
    const tail = reader.tail({ service: 'db-service' }, (line) => seen.push(line), controller.signal).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    const res = await call(`${stack.url('db-service')}/products`, { headers: { 'x-trace-id': 'f'.repeat(31) + 'a' } });
    const sentAt = Date.now();
    const line = await eventually(async () => seen.find((l) => l.trace_id === res.headers.get('x-trace-id')), 3000);
    const latency = Date.now() - sentAt;
    controller.abort();
    await tail;
    expect(line.service).toBe('db-service');
    expect(latency).toBeLessThan(1000);
  });
});
