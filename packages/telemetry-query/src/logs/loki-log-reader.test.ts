import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend, sendJson } from '../fake-backend.ts';
import { LokiLogReader } from './loki-log-reader.ts';
import type { LogRecord } from './log-reader.ts';

const recorded = readFileSync(new URL('./fixtures/loki-query-range.json', import.meta.url), 'utf8');

const backends: FakeBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.stop()));
});

async function serve(handler: Parameters<typeof FakeBackend.start>[0]): Promise<FakeBackend> {
  const backend = await FakeBackend.start(handler);
  backends.push(backend);
  return backend;
}

interface StoredEntry {
  readonly service: string;
  readonly ns: bigint;
  readonly line: string;
}

/**
 * A fake Loki holding entries in a store: answers query_range over [start, end) in the
 * asked direction and limit, one stream per service, understanding only the stream
 * selector of the LogQL (enough for tails).
 */
async function fakeLoki(store: StoredEntry[], status = { code: 200 }): Promise<FakeBackend> {
  return serve((request, res) => {
    if (request.url.pathname !== '/loki/api/v1/query_range') return sendJson(res, 404, '404 page not found\n', 'text/plain');
    if (status.code !== 200) return sendJson(res, status.code, 'too many outstanding requests\n', 'text/plain; charset=utf-8');
    const params = request.url.searchParams;
    const service = /\{service="([^"]+)"\}/.exec(params.get('query') ?? '')?.[1];
    const start = BigInt(params.get('start')!);
    const end = BigInt(params.get('end')!);
    const forward = params.get('direction') === 'forward';
    const found = store
      .filter((e) => (service === undefined || e.service === service) && e.ns >= start && e.ns < end)
      .sort((a, b) => (a.ns === b.ns ? 0 : a.ns < b.ns === forward ? -1 : 1))
      .slice(0, Number(params.get('limit')));
    const streams = new Map<string, [string, string][]>();
    for (const e of found) streams.set(e.service, [...(streams.get(e.service) ?? []), [e.ns.toString(), e.line]]);
    return sendJson(res, 200, {
      status: 'success',
      data: { resultType: 'streams', result: [...streams].map(([name, values]) => ({ stream: { service: name }, values })), stats: {} },
    });
  });
}

const jsonLine = (service: string, message: string, ms: number): string =>
  JSON.stringify({ level: 'INFO', timestamp: new Date(ms).toISOString(), service, message });
const nsOf = (ms: number): bigint => BigInt(ms) * 1_000_000n;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe(LokiLogReader.name, () => {
  it('does query with LogQL, backward, and merge the streams into lines newest first', async () => {
    const loki = await serve((_request, res) => sendJson(res, 200, recorded));
    const now = Date.parse('2026-01-15T10:31:00Z');
    const reader = new LokiLogReader(loki.url, { now: () => now });
    const lines = await reader.query({ service: 'product-service', level: 'ERROR', limit: 2 });
    expect(lines.map((l) => l.message)).toEqual(['GET /cart 504 1011.8ms', 'db-service timeout after 1001ms — upstream impact detected']);
    expect(lines[0]).toEqual({
      level: 'ERROR',
      timestamp: '2026-01-15T10:30:06.012Z',
      service: 'product-service',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      http: { method: 'GET', route: '/cart', status: 504, duration_ms: 1011.8 },
      message: 'GET /cart 504 1011.8ms',
    });
    expect(Object.fromEntries(loki.requests[0]!.url.searchParams)).toEqual({
      query: '{service="product-service"} | json | level="ERROR"',
      start: String(nsOf(now - 3_600_000)),
      end: String(nsOf(now) + 1n),
      limit: '2',
      direction: 'backward',
    });
  });

  it('does write LogQL for every filter, escaping values', () => {
    const reader = new LokiLogReader('http://127.0.0.1:3100');
    expect(reader.logql({})).toBe('{service=~".+"}');
    expect(reader.logql({ service: 'db-service', text: 'time.out "x"', level: 'WARN', traceId: '0af7651916cd43dd8448eb211c80319c' })).toBe(
      '{service="db-service"} |~ "(?i)time\\\\.out \\"x\\"" | json | level="WARN" | trace_id="0af7651916cd43dd8448eb211c80319c"',
    );
    expect(new LokiLogReader('http://127.0.0.1:3100', { serviceLabel: 'app' }).logql({ service: 'auth-service' })).toBe(
      '{app="auth-service"}',
    );
    expect(() => new LokiLogReader('http://127.0.0.1:3100', { serviceLabel: 'a-b' })).toThrow(/label name/);
  });

  it('does fill a line that is not JSON from its stream labels and timestamp', async () => {
    const loki = await serve((_request, res) =>
      sendJson(res, 200, {
        status: 'success',
        data: {
          resultType: 'streams',
          result: [{ stream: { service: 'db-service', level: 'error' }, values: [['1768473000123000000', 'panic: out of memory']] }],
        },
      }),
    );
    expect(await new LokiLogReader(loki.url).query()).toEqual([
      { service: 'db-service', level: 'ERROR', message: 'panic: out of memory', timestamp: '2026-01-15T10:30:00.123Z' },
    ]);
  });

  it('does reject Loki errors and answers that are not streams', async () => {
    const bad = await serve((request, res) =>
      request.url.searchParams.get('limit') === '1'
        ? sendJson(res, 400, 'parse error at line 1, col 10: syntax error: unexpected IDENTIFIER\n', 'text/plain; charset=utf-8')
        : sendJson(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } }),
    );
    const reader = new LokiLogReader(bad.url);
    await expect(reader.query({ limit: 1 })).rejects.toMatchObject({
      backend: 'loki',
      kind: 'http',
      status: 400,
      message: expect.stringContaining('parse error'),
    });
    await expect(reader.query()).rejects.toMatchObject({ kind: 'bad_response' });
  });

  it('does tail by polling forward: each new line once, in order, late lines within the overlap too', async () => {
    const t0 = Date.parse('2026-01-15T10:30:00Z');
    let clock = t0;
    const store: StoredEntry[] = [
      { service: 'db-service', ns: nsOf(t0 - 10_000), line: jsonLine('db-service', 'before the tail', t0 - 10_000) },
    ];
    const loki = await fakeLoki(store);
    const reader = new LokiLogReader(loki.url, { pollMs: 15, overlapMs: 2000, now: () => clock });
    const seen: LogRecord[] = [];
    const controller = new AbortController();
    const tail = reader.tail({ service: 'db-service' }, (line) => seen.push(line), controller.signal);

    store.push({ service: 'db-service', ns: nsOf(t0 + 1000), line: jsonLine('db-service', 'one', t0 + 1000) });
    store.push({ service: 'auth-service', ns: nsOf(t0 + 1001), line: jsonLine('auth-service', 'other service', t0 + 1001) });
    store.push({ service: 'db-service', ns: nsOf(t0 + 1002), line: jsonLine('db-service', 'two', t0 + 1002) });
    store.push({ service: 'db-service', ns: nsOf(t0 + 9000), line: jsonLine('db-service', 'not yet written', t0 + 9000) });
    clock = t0 + 1500;
    await until(() => seen.length === 2);
    // Ingested late: older than what the tail has seen, but within the overlap.
    store.push({ service: 'db-service', ns: nsOf(t0 + 600), line: jsonLine('db-service', 'late', t0 + 600) });
    await until(() => seen.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.map((l) => l.message)).toEqual(['one', 'two', 'late']);
    expect(seen[0]!.timestamp).toBe('2026-01-15T10:30:01.000Z');
    const polls = loki.requests.map((r) => r.url.searchParams);
    expect(polls.every((p) => p.get('direction') === 'forward' && p.get('query') === '{service="db-service"}')).toBe(true);
    expect(polls.every((p) => BigInt(p.get('start')!) >= nsOf(t0))).toBe(true);
    controller.abort();
    await expect(tail).resolves.toBeUndefined();
  });

  it('does read on at once when a poll comes back full', async () => {
    const t0 = Date.parse('2026-01-15T10:30:00Z');
    let calls = 0;
    const store: StoredEntry[] = [];
    const loki = await fakeLoki(store);
    // The tail starts at t0; every poll after sees t0 + 10 ms.
    const reader = new LokiLogReader(loki.url, { pollMs: 10_000, batchSize: 3, now: () => (calls++ === 0 ? t0 : t0 + 10) });
    const seen: string[] = [];
    const controller = new AbortController();
    for (let i = 0; i < 7; i++)
      store.push({ service: 'db-service', ns: nsOf(t0) + BigInt(i + 1), line: jsonLine('db-service', `line ${i}`, t0) });
    const tail = reader.tail({}, (line) => seen.push(line.message), controller.signal);
    await until(() => seen.length === 7);
    expect(seen).toEqual(store.map((_, i) => `line ${i}`));
    controller.abort();
    await tail;
  });

  it('does not get stuck on more lines at one instant than a batch holds', async () => {
    const t0 = Date.parse('2026-01-15T10:30:00Z');
    let calls = 0;
    const store: StoredEntry[] = [];
    const loki = await fakeLoki(store);
    const reader = new LokiLogReader(loki.url, { pollMs: 10, batchSize: 3, now: () => (calls++ === 0 ? t0 : t0 + 10) });
    const seen: string[] = [];
    const controller = new AbortController();
    for (let i = 0; i < 5; i++) store.push({ service: 'db-service', ns: nsOf(t0 + 1), line: jsonLine('db-service', `burst ${i}`, t0 + 1) });
    store.push({ service: 'db-service', ns: nsOf(t0 + 2), line: jsonLine('db-service', 'after', t0 + 2) });
    const tail = reader.tail({}, (line) => seen.push(line.message), controller.signal);
    await until(() => seen.includes('after'));
    expect(seen.slice(0, 3)).toEqual(['burst 0', 'burst 1', 'burst 2']);
    controller.abort();
    await tail;
  });

  it('does tell onError when Loki refuses a poll and keeps polling', async () => {
    const status = { code: 429 };
    const store: StoredEntry[] = [];
    const loki = await fakeLoki(store, status);
    const reader = new LokiLogReader(loki.url, { pollMs: 15 });
    const errors: Error[] = [];
    const seen: string[] = [];
    const controller = new AbortController();
    const tail = reader.tail({}, (line) => seen.push(line.message), controller.signal, { onError: (e) => errors.push(e) });
    await until(() => errors.length > 0);
    expect(errors[0]).toMatchObject({ kind: 'http', status: 429 });
    status.code = 200;
    const t = Date.now();
    store.push({ service: 'db-service', ns: nsOf(t), line: jsonLine('db-service', 'back', t) });
    await until(() => seen.length === 1);
    controller.abort();
    await tail;
  });
});
