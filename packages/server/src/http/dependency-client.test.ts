import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.ts';
import { captureLogger } from '../testing/log-capture.ts';
import { createTracing } from '../tracing/tracing.ts';
import { FAULT_TYPES } from '@archaics/contracts';
import { ChaosEngine } from '../chaos/chaos-engine.ts';
import { DependencyClient, UpstreamFailure, type EdgeFaults } from './dependency-client.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
const clients: DependencyClient[] = [];

async function fakeUpstream(handler: Handler): Promise<{ url: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function client(url: string, overrides: { timeoutMs?: number; breakerThreshold?: number; edgeFaults?: EdgeFaults } = {}) {
  const log = captureLogger('product-service');
  const metrics = createMetrics('product-service', { defaults: false });
  const tracing = createTracing({ service: 'product-service', version: 't' });
  const c = new DependencyClient({
    service: 'product-service',
    upstream: 'db-service',
    baseUrl: url,
    logger: log.logger,
    metrics,
    tracing,
    ...overrides,
  });
  clients.push(c);
  return { c, log, metrics, tracing };
}

const failureOf = async (promise: Promise<unknown>): Promise<UpstreamFailure> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamFailure);
    return error as UpstreamFailure;
  }
  throw new Error('expected an UpstreamFailure');
};

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

describe(DependencyClient.name, () => {
  it('returns JSON answers, 4xx included', async () => {
    const up = await fakeUpstream((req, res) => {
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
    const { c } = client(up.url);
    expect((await c.request({ method: 'GET', path: '/products' })).body).toEqual({ path: '/products' });
    expect((await c.request({ method: 'GET', path: '/missing' })).status).toBe(404);
  });

  it('gives up at the deadline and logs the upstream, the outcome and the elapsed time', async () => {
    const up = await fakeUpstream(() => undefined);
    const { c, log } = client(up.url, { timeoutMs: 200 });
    const start = performance.now();
    const failure = await failureOf(c.request({ method: 'GET', path: '/products' }));
    const elapsed = performance.now() - start;
    expect(failure.kind).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(700);
    const line = log.records().find((r) => r.level === 'WARN');
    expect(String(line?.message)).toMatch(/^db-service timeout after \d+ms — upstream impact detected$/);
  });

  it('retries failed idempotent reads once, and never a write', async () => {
    const up = await fakeUpstream((_req, res) => {
      res.writeHead(500).end('{}');
    });
    const { c } = client(up.url);
    expect((await failureOf(c.request({ method: 'GET', path: '/products' }))).kind).toBe('error');
    expect(up.seen).toHaveLength(2);
    expect((await failureOf(c.request({ method: 'POST', path: '/cart/add', body: {} }))).kind).toBe('error');
    expect(up.seen).toHaveLength(3);
  });

  it('opens the circuit after consecutive failures and then fails at once', async () => {
    const up = await fakeUpstream((_req, res) => {
      res.writeHead(503).end('{}');
    });
    const { c } = client(up.url, { breakerThreshold: 3 });
    for (let i = 0; i < 3; i++) await failureOf(c.request({ method: 'POST', path: '/x', body: {} }));
    const before = up.seen.length;
    const start = performance.now();
    const failure = await failureOf(c.request({ method: 'POST', path: '/x', body: {} }));
    expect(failure.kind).toBe('circuit_open');
    expect(performance.now() - start).toBeLessThan(50);
    expect(up.seen.length).toBe(before);
    expect(c.circuitState).toBe('open');
  });

  it('reports an unreachable upstream', async () => {
    const { c } = client('http://127.0.0.1:9', { timeoutMs: 500 });
    expect((await failureOf(c.request({ method: 'GET', path: '/' }))).kind).toBe('unreachable');
  });

  it('treats a body that is not JSON as a bad response', async () => {
    const up = await fakeUpstream((_req, res) => {
      res.writeHead(200).end('<html>');
    });
    const { c } = client(up.url);
    expect((await failureOf(c.request({ method: 'POST', path: '/x', body: {} }))).kind).toBe('bad_response');
  });

  it('sends traceparent and X-Trace-ID of the active trace', async () => {
    const up = await fakeUpstream((_req, res) => {
      res.writeHead(200).end('{}');
    });
    const { c, tracing } = client(up.url);
    const parent = tracing.tracer.startSpan('server');
    await context.with(trace.setSpan(context.active(), parent), () => c.request({ method: 'GET', path: '/' }));
    parent.end();
    const headers = up.seen[0]?.headers ?? {};
    const traceId = parent.spanContext().traceId;
    expect(headers['x-trace-id']).toBe(traceId);
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  describe('edge faults', () => {
    /** A caller's chaos engine that knows db-service as an upstream, and a client to db on it. */
    async function edge(query: Record<string, string>, timeoutMs = 300) {
      const up = await fakeUpstream((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
      const chaos = new ChaosEngine({
        service: 'product-service',
        allowedTypes: FAULT_TYPES,
        logger: captureLogger('product-service').logger,
      });
      chaos.addUpstream('db-service');
      chaos.inject({ target: 'db-service', ...query });
      const made = client(up.url, { timeoutMs, edgeFaults: chaos });
      const outcomes = async (): Promise<string> =>
        (await made.metrics.registry.metrics())
          .split('\n')
          .filter((l) => l.startsWith('upstream_requests_total{'))
          .join('\n');
      return { up, chaos, ...made, outcomes };
    }

    it('partition fails at once as unreachable and sends nothing', async () => {
      const { c, up, outcomes } = await edge({ type: 'partition' });
      const start = performance.now();
      const failure = await failureOf(c.request({ method: 'GET', path: '/products' }));
      expect(failure.kind).toBe('unreachable');
      expect(performance.now() - start).toBeLessThan(150);
      expect(up.seen).toHaveLength(0);
      expect(await outcomes()).toContain('outcome="unreachable"} 1');
    });

    it('blackhole ends at the deadline as a timeout and sends nothing', async () => {
      const { c, up, log } = await edge({ type: 'blackhole' }, 300);
      const start = performance.now();
      const failure = await failureOf(c.request({ method: 'GET', path: '/products' }));
      const elapsed = performance.now() - start;
      expect(failure.kind).toBe('timeout');
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(900);
      expect(up.seen).toHaveLength(0);
      expect(log.records().some((r) => /^db-service timeout after \d+ms/.test(String(r.message)))).toBe(true);
    });

    it('blackhole lets a pending call go on to the upstream when the fault is reset', async () => {
      const { c, up, chaos } = await edge({ type: 'blackhole' }, 2000);
      const pending = c.request({ method: 'GET', path: '/products' });
      await new Promise((r) => setTimeout(r, 100));
      chaos.reset();
      expect((await pending).body).toEqual({ ok: true });
      expect(up.seen).toHaveLength(1);
    });

    it('latency delays the call, then the upstream answers', async () => {
      const { c, up } = await edge({ type: 'latency', ms: '150' }, 1000);
      const response = await c.request({ method: 'GET', path: '/products' });
      expect(response.body).toEqual({ ok: true });
      expect(response.elapsedMs).toBeGreaterThanOrEqual(145);
      expect(up.seen).toHaveLength(1);
    });

    it('latency beyond the deadline is a timeout', async () => {
      const { c, up } = await edge({ type: 'latency', ms: '2000' }, 200);
      expect((await failureOf(c.request({ method: 'GET', path: '/products' }))).kind).toBe('timeout');
      expect(up.seen).toHaveLength(0);
    });

    it.each(['500', '502', '503'])('error %s fails as if the upstream had answered it, and sends nothing', async (status) => {
      const { c, up, outcomes } = await edge({ type: 'error', status });
      const failure = await failureOf(c.request({ method: 'POST', path: '/cart/add', body: {} }));
      expect(failure).toMatchObject({ kind: 'error', status: Number(status) });
      expect(up.seen).toHaveLength(0);
      expect(await outcomes()).toContain('outcome="error"} 1');
    });

    it('error 429 is returned as that answer, with Retry-After', async () => {
      const { c, up } = await edge({ type: 'error', status: '429', duration: '20' });
      const response = await c.request({ method: 'GET', path: '/products' });
      expect(response.status).toBe(429);
      expect(response.body).toEqual({ error: 'injected_error', service: 'db-service' });
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(19);
      expect(up.seen).toHaveLength(0);
    });

    it('leaves calls alone at probability 0 and once the fault is reset', async () => {
      const { c, up, chaos } = await edge({ type: 'partition', probability: '0' });
      expect((await c.request({ method: 'GET', path: '/products' })).body).toEqual({ ok: true });
      chaos.inject({ type: 'partition', target: 'db-service' });
      await failureOf(c.request({ method: 'POST', path: '/x', body: {} }));
      chaos.reset();
      expect((await c.request({ method: 'GET', path: '/products' })).body).toEqual({ ok: true });
      expect(up.seen).toHaveLength(2);
    });
  });
});
