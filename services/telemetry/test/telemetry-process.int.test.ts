import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { otlpRequest, postJson } from './telemetry-harness.ts';

const REPO = resolve(import.meta.dirname, '../../..');
const MAIN = 'services/telemetry/src/main.ts';

interface Running {
  child: ChildProcess;
  otlpUrl: string;
  queryUrl: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the real process on free ports; resolves once both sides listen. */
function start(home: string, otlpEndpoint: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO,
    env: {
      ...process.env,
      ARCHAICS_HOME: home,
      PORT: '0',
      TELEMETRY_QUERY_PORT: '0',
      HOST: '127.0.0.1',
      CHAOS_TOKEN: 'process-test-token',
      LOG_LEVEL: 'info',
      TELEMETRY_DB_PATH: undefined,
      TELEMETRY_OTLP_PORT: undefined,
      TELEMETRY_LOGS_DIR: undefined,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let output = '';
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`telemetry did not start:\n${output}`)), 20_000);
    const check = (): void => {
      // Fastify logs each listening address; the query side also says which one is its own.
      const query = /query API \(Jaeger, logs\) listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const otlpUrl = [...output.matchAll(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/g)]
        .map((m) => m[1]!)
        .find((url) => url !== query);
      if (query && otlpUrl) {
        clearTimeout(timer);
        ready({ child, otlpUrl, queryUrl: query, output: () => output, exited });
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      check();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => fail(new Error(`telemetry exited with ${code}:\n${output}`)));
  });
}

let home: string | undefined;
let running: Running | undefined;
afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('telemetry process', () => {
  it('does receive spans, answer traces and logs on its two ports, and stop cleanly on SIGTERM', async () => {
    home = mkdtempSync(join(tmpdir(), 'archaics-telemetry-int-'));
    mkdirSync(join(home, 'logs'));
    appendFileSync(
      join(home, 'logs', 'db-service.log'),
      `${JSON.stringify({ service: 'db-service', level: 'ERROR', message: 'disk full', timestamp: new Date().toISOString() })}\n`,
    );
    // Where its own spans would go if it exported them (it must not: it would feed itself).
    let ownExports = 0;
    const sink = createServer((request, response) => {
      ownExports++;
      request.resume();
      response.end('{}');
    });
    await new Promise<void>((listening) => sink.listen(0, '127.0.0.1', listening));
    onTestFinished(() => new Promise<void>((closed) => sink.close(() => closed())));
    running = await start(home, `http://127.0.0.1:${(sink.address() as AddressInfo).port}`);

    const traceId = 'c0ffee00c0ffee00c0ffee00c0ffee00';
    const exported = await postJson(
      running.otlpUrl,
      otlpRequest({
        'db-service': [{ traceId, spanId: 'c0ffee00c0ffee01', name: 'GET /products', startUs: Date.now() * 1000, durationUs: 1500 }],
      }),
    );
    expect(exported.status).toBe(200);
    const trace = await fetch(`${running.queryUrl}/api/traces/${traceId}`);
    expect(trace.status).toBe(200);
    expect(((await trace.json()) as { data: Array<{ spans: unknown[] }> }).data[0]!.spans).toHaveLength(1);
    const services = (await (await fetch(`${running.queryUrl}/api/services`)).json()) as { data: string[] };
    expect(services.data).toEqual(['db-service']);
    const logs = (await (await fetch(`${running.queryUrl}/api/logs?level=ERROR`)).json()) as { data: Array<{ message: string }> };
    expect(logs.data.map((l) => l.message)).toEqual(['disk full']);
    for (const url of [running.otlpUrl, running.queryUrl]) {
      const health = await fetch(`${url}/health`);
      expect(await health.json()).toMatchObject({ status: 'ok', service: 'telemetry', failure: null });
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
    }

    // Its spans would be exported within a second (the batch delay); none may come.
    await new Promise((waited) => setTimeout(waited, 1500));
    expect(ownExports).toBe(0);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.output()).toMatch(/SIGTERM received, closing/);
  });
});
