import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createTracing, encodeTraceRequestJson, encodeTraceRequestProto } from '@archaics/server';
import { median } from './markdown-table.ts';

/** Options of {@link measureSerializers}. */
export interface SerializerSettings {
  /** Spans in one export request (the services' exporter sends batches of up to 1024). */
  batch: number;
  /** Time each serialiser runs per round, ms. */
  roundMs: number;
  /** Rounds; the serialisers take turns within each, and the median round counts. */
  rounds: number;
}

/** One serialiser's figure for the same spans. */
export interface SerializerRow {
  serializer: string;
  format: 'protobuf' | 'json';
  usPerSpan: number;
  spansPerS: number;
  bytesPerSpan: number;
  /** Throughput over the project's encoder of the same format (1 = as fast). */
  vsEncoder: number;
}

interface Candidate {
  serializer: string;
  format: 'protobuf' | 'json';
  encode(spans: ReadableSpan[]): { length: number } | undefined;
}

const CANDIDATES: readonly Candidate[] = [
  { serializer: '@archaics/server encoder', format: 'protobuf', encode: (spans) => encodeTraceRequestProto(spans) },
  {
    serializer: 'otlp-transformer ProtobufTraceSerializer',
    format: 'protobuf',
    encode: (spans) => ProtobufTraceSerializer.serializeRequest(spans),
  },
  { serializer: '@archaics/server encoder', format: 'json', encode: (spans) => Buffer.from(encodeTraceRequestJson(spans)) },
  { serializer: 'otlp-transformer JsonTraceSerializer', format: 'json', encode: (spans) => JsonTraceSerializer.serializeRequest(spans) },
];

/**
 * Spans shaped like the chain's: per request a product server span, its two client spans
 * (auth, db) and the auth and db server spans, with the attributes @archaics/server writes.
 */
export async function chainLikeSpans(count: number): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing({ service: 'product-service', version: '0.1.0', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const server = (route: string, parent = context.active()) =>
    tracing.tracer.startSpan(
      `GET ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'url.path': route, 'http.route': route } },
      parent,
    );
  const client = (upstream: string, path: string, parent = context.active()) =>
    tracing.tracer.startSpan(
      `GET ${upstream}${path}`,
      { kind: SpanKind.CLIENT, attributes: { 'peer.service': upstream, 'http.request.method': 'GET', 'url.path': path } },
      parent,
    );
  for (let i = 0; exporter.getFinishedSpans().length < count; i++) {
    const root = server('/products');
    const inRoot = trace.setSpan(context.active(), root);
    for (const [upstream, path] of [
      ['auth-service', '/validate'],
      ['db-service', '/products'],
    ] as const) {
      const call = client(upstream, path, inRoot);
      const hop = server(path, trace.setSpan(context.active(), call));
      hop.setAttribute('http.response.status_code', 200);
      hop.end();
      call.setAttribute('http.response.status_code', 200);
      call.end();
    }
    root.setAttribute('http.response.status_code', i % 50 === 0 ? 500 : 200);
    if (i % 50 === 0) root.setStatus({ code: SpanStatusCode.ERROR });
    root.end();
  }
  const spans = exporter.getFinishedSpans().slice(0, count);
  await tracing.shutdown();
  return spans;
}

/**
 * The project's OTLP encoder against @opentelemetry/otlp-transformer's serialisers, on the
 * same spans in the same process: each serialiser encodes whole export requests of `batch`
 * spans for `roundMs`, in turns, for `rounds` rounds.
 */
export async function measureSerializers(settings: SerializerSettings): Promise<SerializerRow[]> {
  const spans = await chainLikeSpans(settings.batch);
  const perRound = new Map<Candidate, number[]>(CANDIDATES.map((c) => [c, []]));
  const bytes = new Map<Candidate, number>();
  for (const candidate of CANDIDATES) {
    // Warm-up: let the JIT settle, and check each gives a request.
    const start = performance.now();
    while (performance.now() - start < Math.min(300, settings.roundMs)) bytes.set(candidate, candidate.encode(spans)?.length ?? 0);
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const candidate of CANDIDATES) {
      let requests = 0;
      const start = performance.now();
      let elapsed = 0;
      while (elapsed < settings.roundMs) {
        candidate.encode(spans);
        requests++;
        elapsed = performance.now() - start;
      }
      perRound.get(candidate)!.push((elapsed * 1000) / (requests * spans.length));
    }
  }
  const usOf = (candidate: Candidate): number => median(perRound.get(candidate)!);
  const encoder = (format: Candidate['format']): Candidate =>
    CANDIDATES.find((c) => c.format === format && c.serializer.startsWith('@archaics'))!;
  return CANDIDATES.map((candidate) => {
    const us = usOf(candidate);
    return {
      serializer: candidate.serializer,
      format: candidate.format,
      usPerSpan: us,
      spansPerS: 1e6 / us,
      bytesPerSpan: (bytes.get(candidate) ?? 0) / spans.length,
      vsEncoder: usOf(encoder(candidate.format)) / us,
    };
  });
}
