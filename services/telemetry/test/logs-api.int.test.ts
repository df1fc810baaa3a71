import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLogRoutes } from '../src/routes/logs.route.ts';
import { getJson, startTelemetry, type RunningTelemetry } from './telemetry-harness.ts';

let running: RunningTelemetry;
beforeAll(async () => {
  // The default poll interval, so that "within a second" is checked as shipped.
  running = await startTelemetry({ TELEMETRY_STREAM_HEARTBEAT_MS: '200', TELEMETRY_MAX_STREAMS: '3', TELEMETRY_LOG_POLL_MS: '250' });
});
afterAll(async () => running.stop());

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const at = (second: number) => new Date(Date.UTC(2026, 0, 15, 10, 30, second)).toISOString();
const line = (service: string, second: number, level: string, message: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ service, level, message, timestamp: at(second), ...extra })}\n`;

/** An open `/api/logs/stream`: its events as they come, and how to close it. */
interface OpenStream {
  status: number;
  events: string[];
  comments: string[];
  waitFor(check: () => boolean, ms: number): Promise<number>;
  close(): void;
}

async function openStream(query: string): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(`${running.queryUrl}/api/logs/stream?${query}`, { signal: controller.signal });
  const events: string[] = [];
  const comments: string[] = [];
  if (response.ok && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    void (async () => {
      try {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          buffer += chunk.value;
          for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.startsWith('data: ')) events.push(block.slice('data: '.length));
            else if (block.startsWith(':')) comments.push(block);
          }
        }
      } catch {
        // Aborted by close().
      }
    })();
  }
  return {
    status: response.status,
    events,
    comments,
    async waitFor(check, ms) {
      const started = Date.now();
      while (!check()) {
        if (Date.now() - started > ms) throw new Error(`not within ${ms}ms; events: ${JSON.stringify(events)}`);
        await new Promise((done) => setTimeout(done, 10));
      }
      return Date.now() - started;
    },
    close: () => controller.abort(),
  };
}

describe(registerLogRoutes.name, () => {
  it('does answer stored lines newest first across services and rotated files, filtered', async () => {
    const dir = running.logsDir;
    writeFileSync(
      join(dir, 'db-service.log.1'),
      line('db-service', 1, 'INFO', 'GET /products 200 2.1ms') +
        line('db-service', 3, 'WARN', 'Injected timeout — sleeping 2s', { trace_id: TRACE }),
    );
    writeFileSync(join(dir, 'db-service.log'), line('db-service', 5, 'INFO', 'GET /products 200 2004.0ms', { trace_id: TRACE }));
    writeFileSync(
      join(dir, 'product-service.log'),
      line('product-service', 2, 'INFO', 'GET /products 200 9ms') +
        line('product-service', 4, 'WARN', 'db-service timeout after 1002ms — upstream impact detected', { trace_id: TRACE }),
    );
    const messages = async (query: string) => {
      const { status, body } = await getJson(`${running.queryUrl}/api/logs?${query}`);
      expect(status).toBe(200);
      const data = body.data as Array<{ service: string; timestamp: string }>;
      expect(body.total).toBe(data.length);
      return data.map((l) => `${l.service}@${new Date(l.timestamp).getUTCSeconds()}`);
    };
    expect(await messages('')).toEqual(['db-service@5', 'product-service@4', 'db-service@3', 'product-service@2', 'db-service@1']);
    expect(await messages('limit=2')).toEqual(['db-service@5', 'product-service@4']);
    expect(await messages('service=db-service')).toEqual(['db-service@5', 'db-service@3', 'db-service@1']);
    expect(await messages('level=WARN')).toEqual(['product-service@4', 'db-service@3']);
    expect(await messages(`trace_id=${TRACE}&service=db-service`)).toEqual(['db-service@5', 'db-service@3']);
    expect(await messages(`since=${encodeURIComponent(at(2))}&until=${Date.parse(at(4))}`)).toEqual([
      'product-service@4',
      'db-service@3',
      'product-service@2',
    ]);
    expect(await messages('q=UPSTREAM%20IMPACT')).toEqual(['product-service@4']);
    const full = await getJson(`${running.queryUrl}/api/logs?service=product-service&level=WARN`);
    expect(full.body.data).toEqual([
      {
        service: 'product-service',
        level: 'WARN',
        message: 'db-service timeout after 1002ms — upstream impact detected',
        timestamp: at(4),
        trace_id: TRACE,
      },
    ]);
  });

  it('does answer a bad parameter with 400 naming it', async () => {
    for (const [query, name] of [
      ['level=LOUD', 'level'],
      ['limit=5000', 'limit'],
      ['since=last-week', 'since'],
      ['trace_id=%24%24', 'trace_id'],
      ['service=..%2Fsecret', 'service'],
    ] as const) {
      const { status, body } = await getJson(`${running.queryUrl}/api/logs?${query}`);
      expect(status, query).toBe(400);
      expect(body, query).toEqual({ error: 'bad_request', detail: expect.stringMatching(new RegExp(`^${name} `)) });
    }
    const stream = await fetch(`${running.queryUrl}/api/logs/stream?level=LOUD`);
    expect(stream.status).toBe(400);
  });

  it('does stream a new matching line within a second of its being written, through a rotation', async () => {
    const path = join(running.logsDir, 'auth-service.log');
    writeFileSync(path, line('auth-service', 10, 'ERROR', 'before the stream'));
    const stream = await openStream('service=auth-service&level=ERROR');
    expect(stream.status).toBe(200);
    try {
      await stream.waitFor(() => stream.comments.includes(': connected'), 1000);
      appendFileSync(path, line('auth-service', 11, 'INFO', 'not an error'));
      appendFileSync(path, line('auth-service', 12, 'ERROR', 'login store unavailable'));
      const elapsed = await stream.waitFor(() => stream.events.length >= 1, 1000);
      expect(elapsed).toBeLessThan(1000);
      expect(JSON.parse(stream.events[0]!)).toMatchObject({ level: 'ERROR', message: 'login store unavailable' });
      // The supervisor rotates: the file becomes .1 and a new one starts.
      appendFileSync(path, line('auth-service', 13, 'ERROR', 'last line before rotation'));
      renameSync(path, `${path}.1`);
      writeFileSync(path, line('auth-service', 14, 'ERROR', 'first line after rotation'));
      await stream.waitFor(() => stream.events.length >= 3, 1000);
      expect(stream.events.map((e) => (JSON.parse(e) as { message: string }).message)).toEqual([
        'login store unavailable',
        'last line before rotation',
        'first line after rotation',
      ]);
      await stream.waitFor(() => stream.comments.includes(': ping'), 1000);
    } finally {
      stream.close();
    }
  });

  it('does bound concurrent streams and frees a place when a client goes away', async () => {
    const streams = await Promise.all([openStream(''), openStream(''), openStream('')]);
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    const refused = await fetch(`${running.queryUrl}/api/logs/stream`);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: 'too_many_streams' });
    streams[0].close();
    let admitted: OpenStream | undefined;
    const deadline = Date.now() + 2000;
    while (!admitted && Date.now() < deadline) {
      const attempt = await openStream('');
      if (attempt.status === 200) admitted = attempt;
      else await new Promise((done) => setTimeout(done, 20));
    }
    expect(admitted).toBeDefined();
    // Left open on purpose: closing the app must end them rather than wait.
    void streams;
  });
});
