import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend, sendJson } from '../fake-backend.ts';
import { TelemetryQueryError } from '../http-query.ts';
import { LocalLogReader } from './local-log-reader.ts';
import type { LogRecord } from './log-reader.ts';

const LINES: LogRecord[] = [
  {
    service: 'product-service',
    level: 'INFO',
    message: 'GET /products 200 4.1ms',
    timestamp: '2026-01-15T10:30:00.004Z',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  },
  {
    service: 'product-service',
    level: 'WARN',
    message: 'db-service timeout after 1001ms — upstream impact detected',
    timestamp: '2026-01-15T10:30:06.011Z',
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    upstream: { name: 'db-service', outcome: 'timeout', elapsed_ms: 1001 },
  },
  {
    service: 'db-service',
    level: 'WARN',
    message: 'Injected timeout — sleeping 2s',
    timestamp: '2026-01-15T10:30:05.011Z',
    trace_id: '0af7651916cd43dd8448eb211c80319c',
  },
  {
    service: 'product-service',
    level: 'ERROR',
    message: 'GET /cart 504 1011.8ms',
    timestamp: '2026-01-15T10:30:06.012Z',
    trace_id: '0af7651916cd43dd8448eb211c80319c',
  },
];

/** A stand-in for the telemetry process's logs API: a store with filters, and an SSE stream the test feeds. */
class FakeTelemetryLogs {
  readonly streams = new Set<{ res: ServerResponse; params: URLSearchParams }>();
  streamStatus = 200;

  private constructor(readonly backend: FakeBackend) {}

  static async start(lines: readonly LogRecord[]): Promise<FakeTelemetryLogs> {
    let fake: FakeTelemetryLogs | undefined;
    const backend = await FakeBackend.start((request, res) => {
      const params = request.url.searchParams;
      if (request.url.pathname === '/api/logs') {
        const found = lines.filter((line) => matches(line, params));
        // Oldest first on purpose: the reader must order newest first itself.
        return sendJson(res, 200, { data: found.slice(0, Number(params.get('limit') ?? 100)), total: found.length });
      }
      if (request.url.pathname === '/api/logs/stream') {
        if (fake!.streamStatus !== 200) return sendJson(res, fake!.streamStatus, { error: 'not ready' });
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        res.write(': connected\n\n');
        const stream = { res, params };
        fake!.streams.add(stream);
        res.on('close', () => fake!.streams.delete(stream));
        return undefined;
      }
      return sendJson(res, 404, { error: 'not_found' });
    });
    fake = new FakeTelemetryLogs(backend);
    return fake;
  }

  get url(): string {
    return this.backend.url;
  }

  /** Sends a line to every open stream whose filter it matches. */
  emit(line: LogRecord): void {
    for (const { res, params } of this.streams) if (matches(line, params)) res.write(`data: ${JSON.stringify(line)}\n\n`);
  }

  /** Closes every open stream, as a restarting telemetry process would. */
  dropStreams(): void {
    for (const { res } of this.streams) res.destroy();
    this.streams.clear();
  }

  async waitForStreams(count: number): Promise<void> {
    for (let i = 0; i < 200 && this.streams.size < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(this.streams.size).toBe(count);
  }
}

function matches(line: LogRecord, params: URLSearchParams): boolean {
  const since = params.get('since');
  const until = params.get('until');
  const q = params.get('q')?.toLowerCase();
  return (
    (!params.get('service') || line.service === params.get('service')) &&
    (!params.get('level') || line.level === params.get('level')) &&
    (!params.get('trace_id') || line.trace_id === params.get('trace_id')) &&
    (!since || line.timestamp >= since) &&
    (!until || line.timestamp <= until) &&
    (!q || line.message.toLowerCase().includes(q))
  );
}

const fakes: FakeTelemetryLogs[] = [];
const others: FakeBackend[] = [];
afterEach(async () => {
  await Promise.all([...fakes.splice(0).map((f) => f.backend.stop()), ...others.splice(0).map((b) => b.stop())]);
});

async function start(lines: readonly LogRecord[] = LINES): Promise<FakeTelemetryLogs> {
  const fake = await FakeTelemetryLogs.start(lines);
  fakes.push(fake);
  return fake;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe(LocalLogReader.name, () => {
  it('does query /api/logs with the filters and return the lines newest first', async () => {
    const fake = await start();
    const reader = new LocalLogReader(fake.url);
    const lines = await reader.query({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      since: new Date('2026-01-15T10:30:00Z'),
      until: Date.parse('2026-01-15T10:31:00Z'),
      limit: 10,
    });
    expect(lines.map((l) => [l.service, l.level])).toEqual([
      ['product-service', 'ERROR'],
      ['product-service', 'WARN'],
      ['db-service', 'WARN'],
    ]);
    expect(lines[1]).toEqual(LINES[1]);
    expect(Object.fromEntries(fake.backend.requestsTo('/api/logs')[0]!.url.searchParams)).toEqual({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      since: '2026-01-15T10:30:00.000Z',
      until: '2026-01-15T10:31:00.000Z',
      limit: '10',
    });
    expect(await reader.query({ service: 'product-service', level: 'ERROR', text: 'CART' })).toEqual([LINES[3]]);
    expect(Object.fromEntries(fake.backend.requestsTo('/api/logs')[1]!.url.searchParams)).toEqual({
      service: 'product-service',
      level: 'ERROR',
      q: 'CART',
      limit: '100',
    });
  });

  it('does reject an answer that is not the logs envelope, or an error status', async () => {
    const odd = await FakeBackend.start((request, res) =>
      request.url.searchParams.get('service') === 'x' ? sendJson(res, 500, { error: 'boom' }) : sendJson(res, 200, [1, 2]),
    );
    others.push(odd);
    const reader = new LocalLogReader(odd.url);
    await expect(reader.query()).rejects.toMatchObject({ backend: 'telemetry', kind: 'bad_response' });
    await expect(reader.query({ service: 'x' })).rejects.toMatchObject({ kind: 'http', status: 500 });
  });

  it('does tail the live stream with the filters until the signal aborts', async () => {
    const fake = await start([]);
    const reader = new LocalLogReader(fake.url);
    const seen: LogRecord[] = [];
    const controller = new AbortController();
    const tail = reader.tail({ service: 'product-service', level: 'WARN' }, (line) => seen.push(line), controller.signal);
    await fake.waitForStreams(1);
    expect(Object.fromEntries(fake.backend.requestsTo('/api/logs/stream')[0]!.url.searchParams)).toEqual({
      service: 'product-service',
      level: 'WARN',
    });
    for (const line of LINES) fake.emit(line);
    await until(() => seen.length === 1);
    expect(seen).toEqual([LINES[1]]);
    controller.abort();
    await expect(tail).resolves.toBeUndefined();
    await until(() => fake.streams.size === 0);
  });

  it('does reconnect after the stream breaks or is refused, telling onError, and carries on', async () => {
    const fake = await start([]);
    const reader = new LocalLogReader(fake.url, { retryMs: 20, maxRetryMs: 40 });
    const seen: string[] = [];
    const errors: Error[] = [];
    const controller = new AbortController();
    const tail = reader.tail({}, (line) => seen.push(line.message), controller.signal, { onError: (e) => errors.push(e) });
    await fake.waitForStreams(1);
    fake.emit(LINES[0]!);
    await until(() => seen.length === 1);

    fake.streamStatus = 503;
    fake.dropStreams();
    await until(() => errors.length >= 2);
    expect(errors[0]).toBeInstanceOf(TelemetryQueryError);
    expect(errors[0]).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('stream broke') });
    expect(errors[1]).toMatchObject({ kind: 'http', status: 503 });

    fake.streamStatus = 200;
    await fake.waitForStreams(1);
    fake.emit(LINES[3]!);
    await until(() => seen.length === 2);
    expect(seen).toEqual([LINES[0]!.message, LINES[3]!.message]);
    controller.abort();
    await tail;
  });

  it('does stop and reject when onLine throws', async () => {
    const fake = await start([]);
    const reader = new LocalLogReader(fake.url);
    const tail = reader.tail(
      {},
      () => {
        throw new Error('consumer broke');
      },
      new AbortController().signal,
    );
    await fake.waitForStreams(1);
    fake.emit(LINES[0]!);
    await expect(tail).rejects.toThrow('consumer broke');
  });
});
