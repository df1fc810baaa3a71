import { parseLegacyTraceId } from '@archaics/runtime';
import { backendEndpoint, getJson, getText, isRecord, snippet, TelemetryQueryError, type BackendEndpoint } from '../http-query.ts';
import type { JaegerTrace } from './jaeger-types.ts';
import { durationMs, type FindTracesQuery, type TraceReader } from './trace-reader.ts';

/** Where the local telemetry process answers Jaeger's query API. */
export const DEFAULT_TRACE_QUERY_URL = 'http://127.0.0.1:16686';

/** Options of {@link JaegerTraceReader}. */
export interface JaegerTraceReaderOptions {
  /** Deadline of each request (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Extra request headers (e.g. a bearer token in front of a shared Jaeger). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Name used in errors: `jaeger` (default) or `telemetry`. */
  readonly backend?: string;
  /** Clock in ms, for the default search window (default `Date.now`). */
  readonly now?: () => number;
}

const DEFAULT_LIMIT = 20;
const DEFAULT_LOOKBACK_MS = 3_600_000;

/**
 * The trace reader over Jaeger's HTTP query API. The local telemetry process
 * (`http://127.0.0.1:16686`, the default) and a real Jaeger (`JAEGER_URL`) serve the same
 * API, so this one class reads both. Failures reject with a {@link TelemetryQueryError}.
 */
export class JaegerTraceReader implements TraceReader {
  private readonly endpoint: BackendEndpoint;
  private readonly timeoutMs: number;
  private readonly backend: string;
  private readonly now: () => number;

  constructor(baseUrl: string = DEFAULT_TRACE_QUERY_URL, options: JaegerTraceReaderOptions = {}) {
    this.endpoint = backendEndpoint(baseUrl, options.headers);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.backend = options.backend ?? 'jaeger';
    this.now = options.now ?? Date.now;
  }

  /** The base URL asked (without credentials). */
  get url(): string {
    return this.endpoint.baseUrl;
  }

  async services(): Promise<string[]> {
    const data = await this.data('/api/services');
    return stringList(data).sort();
  }

  async operations(service: string): Promise<string[]> {
    const data = await this.data(`/api/services/${encodeURIComponent(service)}/operations`);
    return stringList(data).sort();
  }

  async getTrace(traceId: string): Promise<JaegerTrace | null> {
    const id = normaliseTraceId(traceId);
    const url = `${this.endpoint.baseUrl}/api/traces/${id}`;
    const answer = await getText(this.backend, url, { timeoutMs: this.timeoutMs, headers: this.endpoint.headers });
    if (answer.status === 404) return null;
    if (answer.status < 200 || answer.status >= 300)
      throw new TelemetryQueryError(this.backend, url, 'http', snippet(answer.text), answer.status);
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new TelemetryQueryError(this.backend, url, 'bad_response', `not JSON: ${snippet(answer.text)}`, answer.status);
    }
    const status = answer.status;
    const traces = traceList(this.envelopeData(body, url, status), url, this.backend);
    return traces.find((t) => t.traceID.replace(/^0+/, '') === id.replace(/^0+/, '')) ?? traces[0] ?? null;
  }

  async findTraces(query: FindTracesQuery): Promise<JaegerTrace[]> {
    const params = new URLSearchParams({ service: query.service });
    if (query.operation !== undefined) params.set('operation', query.operation);
    if (query.tags !== undefined && Object.keys(query.tags).length > 0) params.set('tags', JSON.stringify(query.tags));
    if (query.minDuration !== undefined) params.set('minDuration', goDuration(query.minDuration));
    if (query.maxDuration !== undefined) params.set('maxDuration', goDuration(query.maxDuration));
    const endMs = query.end === undefined ? this.now() : toMs(query.end);
    const startMs = query.start === undefined ? endMs - durationMs(query.lookback ?? DEFAULT_LOOKBACK_MS) : toMs(query.start);
    params.set('start', String(Math.floor(startMs * 1000)));
    params.set('end', String(Math.ceil(endMs * 1000)));
    params.set('limit', String(query.limit ?? DEFAULT_LIMIT));
    const path = `/api/traces?${params}`;
    const { status, body, url } = await this.get(path);
    return traceList(this.envelopeData(body, url, status), url, this.backend);
  }

  private async data(path: string): Promise<unknown> {
    const { status, body, url } = await this.get(path);
    return this.envelopeData(body, url, status);
  }

  private async get(path: string): Promise<{ status: number; body: unknown; url: string }> {
    const url = `${this.endpoint.baseUrl}${path}`;
    const answer = await getJson(this.backend, url, { timeoutMs: this.timeoutMs, headers: this.endpoint.headers });
    return { ...answer, url };
  }

  private envelopeData(body: unknown, url: string, status: number): unknown {
    if (!isRecord(body) || !('data' in body)) {
      throw new TelemetryQueryError(this.backend, url, 'bad_response', `not a Jaeger answer: ${snippet(JSON.stringify(body))}`, status);
    }
    return body.data;
  }
}

/** A trace id as Jaeger's URL wants it: lower-case hex (32 digits, a UUID, or a 64-bit id of 16). */
export function normaliseTraceId(traceId: string): string {
  const long = parseLegacyTraceId(traceId);
  if (long !== undefined) return long;
  const short = traceId.trim().toLowerCase();
  if (/^[0-9a-f]{16}$/.test(short) && !/^0+$/.test(short)) return short;
  throw new Error(`not a trace id: "${traceId}" (expected 32 hex digits)`);
}

/** A duration for Jaeger's `minDuration`/`maxDuration` (Go syntax); numbers are milliseconds. */
function goDuration(value: number | string): string {
  const ms = durationMs(value);
  return `${Math.round(ms * 1000)}us`;
}

function toMs(value: Date | number): number {
  return value instanceof Date ? value.getTime() : value;
}

function stringList(data: unknown): string[] {
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) return [];
  // `/api/operations` answers {name, spanKind} objects; the legacy route plain names.
  return data.flatMap((item) => (typeof item === 'string' ? [item] : isRecord(item) && typeof item.name === 'string' ? [item.name] : []));
}

function traceList(data: unknown, url: string, backend: string): JaegerTrace[] {
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) throw new TelemetryQueryError(backend, url, 'bad_response', 'data is not a list of traces');
  return data.map((trace) => {
    if (!isRecord(trace) || typeof trace.traceID !== 'string' || !Array.isArray(trace.spans) || !isRecord(trace.processes)) {
      throw new TelemetryQueryError(backend, url, 'bad_response', `not a Jaeger trace: ${snippet(JSON.stringify(trace))}`);
    }
    for (const span of trace.spans) {
      if (
        !isRecord(span) ||
        typeof span.spanID !== 'string' ||
        typeof span.operationName !== 'string' ||
        typeof span.startTime !== 'number' ||
        typeof span.duration !== 'number' ||
        typeof span.processID !== 'string'
      ) {
        throw new TelemetryQueryError(backend, url, 'bad_response', `not a Jaeger span: ${snippet(JSON.stringify(span))}`);
      }
    }
    const spans = (trace.spans as Record<string, unknown>[]).map((span) => ({
      ...span,
      references: Array.isArray(span.references) ? span.references : [],
      tags: Array.isArray(span.tags) ? span.tags : [],
      logs: Array.isArray(span.logs) ? span.logs : [],
    }));
    return { ...trace, spans } as unknown as JaegerTrace;
  });
}
