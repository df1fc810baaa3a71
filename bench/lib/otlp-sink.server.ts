// A minimal OTLP/HTTP trace receiver for the bench: answers 200 to POST /v1/traces and
// counts requests, bytes and spans (JSON or protobuf payloads); GET /stats returns the counters.
import { createServer } from 'node:http';
import { decodeExportRequest } from '@archaics/telemetry';

export interface SinkStats {
  requests: number;
  bytes: number;
  /** Spans counted in JSON payloads; protobuf payloads are counted in `protobufRequests` only. */
  spans: number;
  protobufRequests: number;
  byService: Record<string, { requests: number; spans: number }>;
}

const stats: SinkStats = { requests: 0, bytes: 0, spans: 0, protobufRequests: 0, byService: {} };
const SPAN_ID = Buffer.from('"spanId"');
const SERVICE_NAME = /"service\.name","value":\{"stringValue":"([^"]+)"/;

/** Spans and service of a protobuf export request (the services' default protocol). */
function protobufSpans(body: Buffer): { spans: number; service: string } {
  try {
    const request = decodeExportRequest(body) as {
      resourceSpans?: Array<{
        resource?: { attributes?: Array<{ key: string; value?: { stringValue?: string } }> };
        scopeSpans?: Array<{ spans?: unknown[] }>;
      }>;
    };
    let spans = 0;
    let service = 'unknown';
    for (const resource of request.resourceSpans ?? []) {
      service = resource.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? service;
      for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
    }
    return { spans, service };
  } catch {
    return { spans: 0, service: 'unknown' };
  }
}

function countSpans(body: Buffer): number {
  let count = 0;
  for (let at = body.indexOf(SPAN_ID); at !== -1; at = body.indexOf(SPAN_ID, at + SPAN_ID.length)) count++;
  return count;
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && (req.url === '/stats' || req.url === '/health')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url === '/stats' ? stats : { status: 'ok' }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/traces') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    stats.requests++;
    stats.bytes += body.length;
    const json = (req.headers['content-type'] ?? '').includes('json');
    if (json) {
      const spans = countSpans(body);
      stats.spans += spans;
      const service = SERVICE_NAME.exec(body.subarray(0, 4_096).toString('utf8'))?.[1] ?? 'unknown';
      const entry = (stats.byService[service] ??= { requests: 0, spans: 0 });
      entry.requests++;
      entry.spans += spans;
    } else {
      stats.protobufRequests++;
      const { spans, service } = protobufSpans(body);
      stats.spans += spans;
      const entry = (stats.byService[service] ??= { requests: 0, spans: 0 });
      entry.requests++;
      entry.spans += spans;
    }
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    res.end(json ? '{}' : undefined);
  });
});

server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 4318), process.env.HOST ?? '127.0.0.1');
const close = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', close);
process.once('SIGINT', close);
