import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.ts';
import { captureLogger } from '../testing/log-capture.ts';
import { createTracing } from '../tracing/tracing.ts';
import { DependencyClient, UpstreamFailure } from './dependency-client.ts';

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

function client(url: string, overrides: { timeoutMs?: number; breakerThreshold?: number } = {}) {
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
});
