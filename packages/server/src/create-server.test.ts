import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FAULT_TYPES, oneOf, type FaultType } from '@archaics/contracts';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { captureLogger } from './testing/log-capture.ts';
import { createTracing } from './tracing/tracing.ts';
import { createServer } from './create-server.ts';

const TOKEN = 'test-chaos-token-123';
const auth = { authorization: `Bearer ${TOKEN}` };
let app: FastifyInstance | undefined;

async function build(options: { exit?: (code: number) => void; chaosToken?: string | null; faultTypes?: readonly FaultType[] } = {}) {
  const log = captureLogger('db-service');
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing({ service: 'db-service', version: 't', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  app = await createServer({
    service: 'db-service',
    version: 't',
    chaosToken: options.chaosToken === undefined ? TOKEN : options.chaosToken,
    faultTypes: options.faultTypes ?? FAULT_TYPES,
    logger: log.logger,
    tracing,
    ...(options.exit ? { exit: options.exit } : {}),
  });
  app.get('/things', async (request) => {
    request.log.info('handling things');
    return { ok: true, fault: request.fault?.type ?? null };
  });
  await app.ready();
  return { app, log, exporter };
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe(createServer.name, () => {
  it('refuses /inject-failure and /reset without a token (401) and with a wrong one (403)', async () => {
    const { app, log } = await build();
    for (const url of ['/inject-failure?type=error', '/reset']) {
      expect((await app.inject({ method: 'POST', url })).statusCode).toBe(401);
      const wrong = await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer nope' } });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json()).toMatchObject({ error: 'forbidden' });
    }
    expect(log.lines.join('\n')).not.toContain(TOKEN);
  });

  it('lifts the token check when the token is null (CHAOS_OPEN=1) and warns', async () => {
    const { app, log } = await build({ chaosToken: null });
    expect((await app.inject({ method: 'POST', url: '/inject-failure?type=error' })).statusCode).toBe(200);
    expect(log.records().some((r) => r.level === 'WARN' && String(r.message).includes('CHAOS_OPEN'))).toBe(true);
  });

  it('names the bad parameter in a 400', async () => {
    const { app } = await build();
    const res = await app.inject({ method: 'POST', url: '/inject-failure?type=timeout&intensity=99', headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request', detail: expect.stringMatching(/^intensity/) });
    const unknown = await app.inject({ method: 'POST', url: '/inject-failure?type=fire', headers: auth });
    expect(unknown.json().detail).toContain('allowed: timeout, error, cpu, crash, bad_data');
  });

  it('lists the allowed values when a union of literals refuses a value', async () => {
    const log = captureLogger('db-service');
    app = await createServer({ service: 'db-service', version: 't', chaosToken: TOKEN, faultTypes: [], logger: log.logger });
    app.get('/levels', { schema: { querystring: Type.Object({ level: oneOf(['INFO', 'WARN'] as const) }) } }, async () => ({ ok: true }));
    await app.ready();
    const res = await app.inject({ method: 'GET', url: '/levels?level=LOUD' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', detail: 'querystring.level must be one of INFO, WARN' });
    expect((await app.inject({ method: 'GET', url: '/levels?level=WARN' })).statusCode).toBe(200);
  });

  it('answers 500 injected_error on business routes but never on control routes', async () => {
    const { app } = await build();
    await app.inject({ method: 'POST', url: '/inject-failure?type=error', headers: auth });
    const res = await app.inject({ url: '/things' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'injected_error', service: 'db-service' });
    for (const url of ['/health', '/metrics', '/docs/json']) expect((await app.inject({ url })).statusCode).toBe(200);
    const health = (await app.inject({ url: '/health' })).json();
    expect(health).toMatchObject({ status: 'ok', service: 'db-service', failure: { type: 'error', intensity: 1, probability: 1 } });
    expect((await app.inject({ method: 'POST', url: '/reset', headers: auth })).json()).toMatchObject({ cleared: 'error' });
    expect((await app.inject({ url: '/things' })).statusCode).toBe(200);
  });

  it('delays by 2 × intensity seconds on timeout', async () => {
    const { app } = await build();
    const timed = async (): Promise<number> => {
      const start = performance.now();
      await app.inject({ url: '/things' });
      return performance.now() - start;
    };
    await app.inject({ method: 'POST', url: '/inject-failure?type=timeout&intensity=1', headers: auth });
    const one = await timed();
    await app.inject({ method: 'POST', url: '/inject-failure?type=timeout&intensity=2', headers: auth });
    const two = await timed();
    expect(one).toBeGreaterThanOrEqual(1990);
    expect(two).toBeGreaterThanOrEqual(3990);
    expect(two).toBeLessThan(6000);
  });

  it('exits with code 1 on the next request under crash, and at once when probability is 1', async () => {
    const exit = vi.fn();
    const { app } = await build({ exit });
    await app.inject({ method: 'POST', url: '/inject-failure?type=crash&probability=0.999', headers: auth });
    expect(exit).not.toHaveBeenCalled();
    await app.inject({ url: '/things' }).catch(() => undefined);
    expect(exit).toHaveBeenCalledWith(1);
    exit.mockClear();
    await app.inject({ method: 'POST', url: '/inject-failure?type=crash', headers: auth });
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(1), { timeout: 1000 });
  });

  it('marks bad_data on the request for the route to apply', async () => {
    const { app } = await build();
    await app.inject({ method: 'POST', url: '/inject-failure?type=bad_data', headers: auth });
    expect((await app.inject({ url: '/things' })).json()).toEqual({ ok: true, fault: 'bad_data' });
  });

  it('keeps a client X-Trace-ID (a UUID becomes its 32 hex digits) in the header, the logs and the span', async () => {
    const { app, log, exporter } = await build();
    const res = await app.inject({ url: '/things', headers: { 'x-trace-id': '550e8400-e29b-41d4-a716-446655440000' } });
    expect(res.headers['x-trace-id']).toBe('550e8400e29b41d4a716446655440000');
    const lines = log.records().filter((r) => r.message === 'handling things');
    expect(lines[0]?.trace_id).toBe('550e8400e29b41d4a716446655440000');
    expect(exporter.getFinishedSpans()[0]?.spanContext().traceId).toBe('550e8400e29b41d4a716446655440000');
  });

  it('continues a W3C traceparent and starts a trace without one', async () => {
    const { app, exporter } = await build();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await app.inject({ url: '/things', headers: { traceparent } });
    expect(res.headers['x-trace-id']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const span = exporter.getFinishedSpans()[0];
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    const fresh = await app.inject({ url: '/things' });
    expect(fresh.headers['x-trace-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh.headers['x-trace-id']).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('writes log lines with the SPEC fields', async () => {
    const { app, log } = await build();
    await app.inject({ url: '/things' });
    for (const record of log.records()) {
      expect(record).toMatchObject({
        service: 'db-service',
        level: expect.stringMatching(/^(DEBUG|INFO|WARN|ERROR)$/),
        message: expect.any(String),
      });
      expect(String(record.timestamp)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(log.records().filter((r) => r.message === 'handling things')[0]?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('serves metrics and an OpenAPI 3 document', async () => {
    const { app } = await build();
    await app.inject({ url: '/things' });
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('http_requests_total{service="db-service",method="GET",route="/things",status="200"} 1');
    expect(metrics).toContain('http_request_duration_seconds_bucket');
    expect(metrics).toContain('process_cpu_seconds_total');
    expect(metrics).toContain('nodejs_eventloop_lag_seconds');
    const doc = (await app.inject({ url: '/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/inject-failure', '/reset', '/things']));
  });

  it('counts exported and failed spans in /metrics when spans are exported over OTLP', async () => {
    const received: number[] = [];
    const collector = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(1);
        res.end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const port = (collector.address() as AddressInfo).port;
    const metricValue = async (target: FastifyInstance, outcome: string): Promise<number> => {
      const text = (await target.inject('/metrics')).body;
      const line = text.split('\n').find((l) => l.startsWith(`otlp_exported_spans_total{service="db-service",outcome="${outcome}"}`));
      return line === undefined ? Number.NaN : Number(line.split(' ').pop());
    };
    try {
      for (const [endpoint, outcome] of [
        [`http://127.0.0.1:${port}`, 'exported'],
        ['http://127.0.0.1:1', 'failed'],
      ] as const) {
        app = await createServer({
          service: 'db-service',
          version: 't',
          chaosToken: TOKEN,
          faultTypes: FAULT_TYPES,
          logger: captureLogger('db-service').logger,
          otlpEndpoint: endpoint,
        });
        app.get('/things', async () => ({ ok: true }));
        await app.ready();
        expect(await metricValue(app, outcome)).toBe(0);
        for (let i = 0; i < 3; i++) expect((await app.inject('/things')).statusCode).toBe(200);
        // Batches go out every second; a failed one after its retries (0.25 s, 0.5 s). Each /metrics read is a span too.
        await vi.waitFor(async () => expect(await metricValue(app!, outcome)).toBeGreaterThanOrEqual(3), { timeout: 8_000, interval: 200 });
        expect(await metricValue(app, outcome === 'exported' ? 'failed' : 'exported')).toBe(0);
        expect(await metricValue(app, 'dropped')).toBe(0);
        await app.close();
        app = undefined;
      }
      expect(received.length).toBeGreaterThanOrEqual(1);
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  }, 20_000);

  it('mounts no chaos endpoints on a service without fault types, and never faults it', async () => {
    const { app, log } = await build({ faultTypes: [], chaosToken: null });
    for (const url of ['/inject-failure?type=error', '/reset']) {
      const res = await app.inject({ method: 'POST', url, headers: auth });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: 'not_found', detail: `no route POST ${url.split('?')[0]}` });
    }
    const doc = (await app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/metrics', '/things']));
    expect(Object.keys(doc.paths)).not.toContain('/inject-failure');
    expect(Object.keys(doc.paths)).not.toContain('/reset');
    expect((await app.inject({ url: '/things' })).json()).toEqual({ ok: true, fault: null });
    expect((await app.inject({ url: '/health' })).json()).toMatchObject({ status: 'ok', failure: null });
    // No chaos endpoints, so nothing to warn about.
    expect(log.records().some((r) => String(r.message).includes('CHAOS_OPEN'))).toBe(false);
  });

  it('names server span attributes after the semantic conventions', async () => {
    const { app, exporter } = await build();
    await app.inject({ url: '/things?page=2' });
    const span = exporter.getFinishedSpans().find((s) => s.name === 'GET /things');
    expect(span?.attributes).toEqual({
      'http.request.method': 'GET',
      'url.path': '/things',
      'http.route': '/things',
      'http.response.status_code': 200,
    });
    expect(span?.resource.attributes).toMatchObject({ 'service.name': 'db-service', 'service.version': 't' });
  });

  it('answers invalid JSON and unknown routes with a 4xx body', async () => {
    const { app } = await build();
    app.log.level = 'silent';
    const res = await app.inject({
      method: 'POST',
      url: '/reset',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{bad',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_json');
    expect((await app.inject({ url: '/nope' })).json()).toMatchObject({ error: 'not_found' });
  });
});
