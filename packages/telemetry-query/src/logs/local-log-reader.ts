import { setTimeout as sleep } from 'node:timers/promises';
import { backendEndpoint, getJson, isRecord, snippet, TelemetryQueryError, type BackendEndpoint } from '../http-query.ts';
import { DEFAULT_TRACE_QUERY_URL } from '../traces/jaeger-trace-reader.ts';
import {
  DEFAULT_LOG_LIMIT,
  epochMs,
  newestFirst,
  toLogLine,
  type LogFilter,
  type LogQuery,
  type LogReader,
  type LogRecord,
  type TailOptions,
} from './log-reader.ts';
import { serverSentEvents } from './server-sent-events.ts';

/** Options of {@link LocalLogReader}. */
export interface LocalLogReaderOptions {
  /** Deadline of a query, and of connecting a tail (default 5000 ms). */
  readonly timeoutMs?: number;
  /** First wait before reconnecting a broken tail; doubles up to `maxRetryMs` (default 500 ms). */
  readonly retryMs?: number;
  /** Longest wait between reconnections (default 5000 ms). */
  readonly maxRetryMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The local log reader: the telemetry process's `GET /api/logs` (`{data: [lines], total}`)
 * and its server-sent-events stream `GET /api/logs/stream` (`data: <json line>` per line),
 * both filtered with `service`, `level`, `trace_id`, `since`, `until` (ISO-8601), `q` and
 * `limit`. A tail reconnects after a broken stream; lines written while it was broken are
 * not replayed (a query over that time finds them).
 */
export class LocalLogReader implements LogReader {
  private readonly endpoint: BackendEndpoint;
  private readonly timeoutMs: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;

  constructor(baseUrl: string = DEFAULT_TRACE_QUERY_URL, options: LocalLogReaderOptions = {}) {
    this.endpoint = backendEndpoint(baseUrl, options.headers);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retryMs = options.retryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 5000;
  }

  /** The base URL asked (without credentials). */
  get url(): string {
    return this.endpoint.baseUrl;
  }

  async query(query: LogQuery = {}): Promise<LogRecord[]> {
    const params = filterParams(query);
    if (query.since !== undefined) params.set('since', new Date(epochMs(query.since)).toISOString());
    if (query.until !== undefined) params.set('until', new Date(epochMs(query.until)).toISOString());
    params.set('limit', String(query.limit ?? DEFAULT_LOG_LIMIT));
    const url = `${this.endpoint.baseUrl}/api/logs?${params}`;
    const { status, body } = await getJson('telemetry', url, { timeoutMs: this.timeoutMs, headers: this.endpoint.headers });
    if (!isRecord(body) || !Array.isArray(body.data)) {
      throw new TelemetryQueryError(
        'telemetry',
        url,
        'bad_response',
        `expected {data: [...]}, got ${snippet(JSON.stringify(body))}`,
        status,
      );
    }
    return newestFirst(body.data.map((line) => toLogLine(line)));
  }

  async tail(filter: LogFilter, onLine: (line: LogRecord) => void, signal: AbortSignal, options: TailOptions = {}): Promise<void> {
    const url = `${this.endpoint.baseUrl}/api/logs/stream?${filterParams(filter)}`;
    let delay = this.retryMs;
    while (!signal.aborted) {
      const failure = await this.follow(url, onLine, signal, () => (delay = this.retryMs));
      if (signal.aborted) break;
      if (failure) options.onError?.(failure);
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      delay = Math.min(delay * 2, this.maxRetryMs);
    }
  }

  /** Reads one connection of the stream; resolves with why it ended (undefined: closed by the server or aborted). */
  private async follow(
    url: string,
    onLine: (line: LogRecord) => void,
    signal: AbortSignal,
    connected: () => void,
  ): Promise<Error | undefined> {
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    let timedOut = false;
    const connectTimer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    let streaming = false;
    try {
      const response = await fetch(url, { headers: { accept: 'text/event-stream', ...this.endpoint.headers }, signal: controller.signal });
      clearTimeout(connectTimer);
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => '');
        return new TelemetryQueryError('telemetry', url, 'http', snippet(text), response.status);
      }
      connected();
      streaming = true;
      for await (const event of serverSentEvents(response.body)) {
        if (event.event !== 'message' && event.event !== 'log') continue;
        let value: unknown;
        try {
          value = JSON.parse(event.data);
        } catch {
          value = event.data;
        }
        try {
          onLine(toLogLine(value));
        } catch (error) {
          throw new CallbackError(error);
        }
      }
      return undefined;
    } catch (error) {
      if (error instanceof CallbackError) throw error.cause;
      if (signal.aborted) return undefined;
      if (timedOut && !streaming) return new TelemetryQueryError('telemetry', url, 'timeout', `no stream within ${this.timeoutMs}ms`);
      const detail =
        error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
      return new TelemetryQueryError('telemetry', url, 'unreachable', streaming ? `stream broke: ${detail}` : detail);
    } finally {
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', abort);
      controller.abort();
    }
  }
}

/** An exception of the caller's `onLine`, carried through the stream loop untouched. */
class CallbackError extends Error {
  constructor(override readonly cause: unknown) {
    super('onLine threw');
  }
}

function filterParams(filter: LogFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.service !== undefined) params.set('service', filter.service);
  if (filter.level !== undefined) params.set('level', filter.level);
  if (filter.traceId !== undefined) params.set('trace_id', filter.traceId);
  if (filter.text !== undefined && filter.text !== '') params.set('q', filter.text);
  return params;
}
