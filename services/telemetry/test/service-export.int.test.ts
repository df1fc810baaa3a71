import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// A real service process (db-service) exporting its spans with @archaics/server's OTLP exporter
// to a real telemetry process; the spans are read back through the Jaeger API.

const REPO = resolve(import.meta.dirname, '../../..');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Listening URLs in the order the process logged them. */
  urls: string[];
}

const children: Running[] = [];
let home: string | undefined;
afterEach(async () => {
  for (const running of children.splice(0)) {
    if (running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
  }
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

/** Starts `script` and resolves once it logged `listening` URLs. */
function start(script: string, env: Record<string, string | undefined>, listening: number): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', CHAOS_TOKEN: 'service-export-test-token', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let output = '';
  const running: Running = { child, output: () => output, exited, urls: [] };
  children.push(running);
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`${script} did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      running.urls = [...output.matchAll(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]!);
      if (running.urls.length >= listening) {
        clearTimeout(timer);
        ready(running);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => fail(new Error(`${script} exited with ${code}:\n${output}`)));
  });
}

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: string; traceID: string; spanID: string }>;
  tags: Array<{ key: string; type: string; value: unknown }>;
  processID: string;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

async function traceOf(queryUrl: string, traceId: string, spans: number): Promise<JaegerTrace | null> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await fetch(`${queryUrl}/api/traces/${traceId}`);
    if (response.status === 200) {
      const trace = ((await response.json()) as { data: JaegerTrace[] }).data[0]!;
      if (trace.spans.length >= spans) return trace;
    } else {
      await response.arrayBuffer();
    }
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('db-service exporting to the telemetry process', () => {
  it.each(['http/protobuf', 'http/json'])(
    'does store its spans (%s) with their parents, on the timer and on SIGTERM',
    async (protocol) => {
      home = mkdtempSync(join(tmpdir(), 'archaics-service-export-'));
      const telemetry = await start(
        'services/telemetry/src/main.ts',
        { ARCHAICS_HOME: join(home, 'telemetry'), TELEMETRY_QUERY_PORT: '0' },
        2,
      );
      const query = /query API \(Jaeger, logs\) listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(telemetry.output())![1]!;
      const otlp = telemetry.urls.find((url) => url !== query)!;
      const db = await start(
        'services/db/src/main.ts',
        { ARCHAICS_HOME: join(home, 'db'), DB_PATH: ':memory:', OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_EXPORTER_OTLP_PROTOCOL: protocol },
        1,
      );
      const dbUrl = db.urls[0]!;
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parents = ['00f067aa0ba902b7', '00f067aa0ba902b8'];

      // First request: exported by the timer while the service runs.
      const first = await fetch(`${dbUrl}/products`, { headers: { traceparent: `00-${traceId}-${parents[0]}-01` } });
      expect(first.status).toBe(200);
      expect(first.headers.get('x-trace-id')).toBe(traceId);
      await first.arrayBuffer();
      const early = await traceOf(query, traceId, 1);
      expect(early?.spans).toHaveLength(1);

      // Second request in the same trace: still queued when SIGTERM comes, sent on shutdown.
      const second = await fetch(`${dbUrl}/products`, { headers: { traceparent: `00-${traceId}-${parents[1]}-01` } });
      await second.arrayBuffer();
      db.child.kill('SIGTERM');
      expect(await db.exited).toBe(0);

      const trace = await traceOf(query, traceId, 2);
      expect(trace).not.toBeNull();
      expect(trace!.spans).toHaveLength(2);
      for (const span of trace!.spans) {
        expect(span.traceID).toBe(traceId);
        expect(span.operationName).toBe('GET /products');
        expect(trace!.processes[span.processID]?.serviceName).toBe('db-service');
        expect(span.tags).toEqual(
          expect.arrayContaining([
            { key: 'span.kind', type: 'string', value: 'server' },
            { key: 'http.response.status_code', type: 'int64', value: 200 },
            { key: 'otel.scope.name', type: 'string', value: '@archaics/server' },
          ]),
        );
      }
      // Each server span hangs under the remote parent its request named.
      expect(trace!.spans.map((span) => span.references).sort((a, b) => a[0]!.spanID.localeCompare(b[0]!.spanID))).toEqual(
        parents.map((spanID) => [{ refType: 'CHILD_OF', traceID: traceId, spanID }]),
      );
    },
    60_000,
  );
});
