import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { getJson, otlpRequest, postJson, startTelemetry, type RunningTelemetry } from './telemetry-harness.ts';

let dir: string | undefined;
let running: RunningTelemetry | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** One gauge or counter sample of the telemetry process's /metrics, by name and labels as written. */
async function metric(url: string, sample: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

/** `traces` traces of a server span and two client spans each, exported as protobuf by the real SDK exporter. */
async function exportProtobuf(otlpUrl: string, traces: number): Promise<string[]> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'product-service', 'service.version': '0.1.0' }),
    spanProcessors: [
      new BatchSpanProcessor(new ProtoExporter({ url: `${otlpUrl}/v1/traces` }), { maxExportBatchSize: 64, maxQueueSize: 4096 }),
    ],
  });
  const tracer = provider.getTracer('@archaics/server', '0.1.0');
  const ids: string[] = [];
  for (let i = 0; i < traces; i++) {
    const root = tracer.startSpan('GET /products', {
      kind: SpanKind.SERVER,
      attributes: { 'http.route': '/products', n: i, tags: ['a', 'b'] },
    });
    const parent = trace.setSpan(context.active(), root);
    for (const upstream of ['auth-service', 'db-service']) {
      tracer.startSpan(`GET ${upstream}`, { kind: SpanKind.CLIENT, attributes: { 'peer.service': upstream } }, parent).end();
    }
    root.end();
    ids.push(root.spanContext().traceId);
  }
  await provider.forceFlush();
  await provider.shutdown();
  return ids;
}

describe('the span store across a restart', () => {
  it('does answer every trace the same after reopening its file, and counts what it holds on /metrics', async () => {
    dir = mkdtempSync(join(tmpdir(), 'archaics-store-reopen-'));
    const env = { TELEMETRY_DB_PATH: join(dir, 'telemetry.sqlite'), TELEMETRY_MAX_SPANS: '500' };
    running = await startTelemetry(env);
    // 200 traces of 3 spans in protobuf requests of 64 spans; one OTLP/JSON request; a protobuf request sent twice.
    const ids = await exportProtobuf(running.otlpUrl, 200);
    const jsonTrace = 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0';
    expect(
      (
        await postJson(
          running.otlpUrl,
          otlpRequest({
            'db-service': [
              { traceId: jsonTrace, spanId: 'b0b0b0b0b0b0b0b0', name: 'GET /products', startUs: Date.now() * 1000, durationUs: 900 },
            ],
          }),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await postJson(
          running.otlpUrl,
          otlpRequest({
            'db-service': [
              { traceId: jsonTrace, spanId: 'b0b0b0b0b0b0b0b0', name: 'GET /products', startUs: Date.now() * 1000, durationUs: 900 },
            ],
          }),
        )
      ).status,
    ).toBe(200);

    // 601 spans written, 500 kept: the first 101 written (the first 33 traces and 2 spans of the 34th) are gone.
    expect(await metric(running.otlpUrl, 'telemetry_spans_written_total')).toBe(601);
    expect(await metric(running.otlpUrl, 'telemetry_spans_stored{service="product-service"}')).toBe(499);
    expect(await metric(running.otlpUrl, 'telemetry_spans_stored{service="db-service"}')).toBe(1);
    expect(await metric(running.otlpUrl, 'telemetry_traces_stored')).toBe(168);
    const read = async (id: string): Promise<unknown> => (await getJson(`${running!.queryUrl}/api/traces/${id}`)).body;
    const search = async (): Promise<unknown> =>
      (await getJson(`${running!.queryUrl}/api/traces?service=product-service&limit=20&lookback=1h`)).body;
    const before = { traces: await Promise.all([...ids, jsonTrace].map(read)), search: await search() };
    expect((before.traces[0] as { data: unknown }).data).toBeNull();
    expect((before.traces[33] as { data: Array<{ spans: unknown[] }> }).data[0]!.spans).toHaveLength(1);
    expect((before.traces[34] as { data: Array<{ spans: unknown[] }> }).data[0]!.spans).toHaveLength(3);
    expect((before.traces[200] as { data: Array<{ spans: unknown[] }> }).data[0]!.spans).toHaveLength(1);
    expect((before.search as { data: unknown[] }).data).toHaveLength(20);

    const { config } = running;
    await running.telemetry.close();
    running = await startTelemetry(env);
    expect(running.config.dbPath).toBe(config.dbPath);
    const after = { traces: await Promise.all([...ids, jsonTrace].map(read)), search: await search() };
    expect(after).toEqual(before);
    expect(await metric(running.otlpUrl, 'telemetry_spans_written_total')).toBe(0);
    expect(await metric(running.otlpUrl, 'telemetry_spans_stored{service="product-service"}')).toBe(499);
    expect(await metric(running.otlpUrl, 'telemetry_span_blocks_unreadable_total')).toBe(0);
    // The spans the size bound deleted stay deleted, and a span stored before is not written again.
    expect(
      (
        await postJson(
          running.otlpUrl,
          otlpRequest({
            'db-service': [
              { traceId: jsonTrace, spanId: 'b0b0b0b0b0b0b0b0', name: 'GET /products', startUs: Date.now() * 1000, durationUs: 900 },
            ],
          }),
        )
      ).status,
    ).toBe(200);
    expect(await metric(running.otlpUrl, 'telemetry_spans_written_total')).toBe(0);
  });
});
