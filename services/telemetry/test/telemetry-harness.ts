import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetrics } from '@archaics/server';
import { type Env } from '@archaics/runtime';
import { captureLogger, type CapturedLogger } from '@archaics/server/testing';
import { buildApp, type TelemetryApp, type TelemetryAppDeps } from '../src/app.ts';
import { loadConfig, type TelemetryConfig } from '../src/config.ts';

export interface RunningTelemetry {
  telemetry: TelemetryApp;
  config: TelemetryConfig;
  log: CapturedLogger;
  home: string;
  logsDir: string;
  otlpUrl: string;
  queryUrl: string;
  stop(): Promise<void>;
}

/** A telemetry process in this process, listening on free ports, with a fresh state folder. */
export async function startTelemetry(env: Env = {}, deps: TelemetryAppDeps = {}): Promise<RunningTelemetry> {
  const home = mkdtempSync(join(tmpdir(), 'archaics-telemetry-'));
  const logsDir = join(home, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const log = captureLogger('telemetry');
  const config = loadConfig({
    ARCHAICS_HOME: home,
    CHAOS_TOKEN: 'telemetry-test-token',
    TELEMETRY_OTLP_PORT: '0',
    TELEMETRY_QUERY_PORT: '0',
    TELEMETRY_LOG_POLL_MS: '50',
    ...env,
  });
  const telemetry = await buildApp(config, { logger: log.logger, metrics: createMetrics('telemetry', { defaults: false }), ...deps });
  const otlpUrl = await telemetry.otlp.listen({ host: '127.0.0.1', port: 0 });
  const queryUrl = await telemetry.query.listen({ host: '127.0.0.1', port: 0 });
  return {
    telemetry,
    config,
    log,
    home,
    logsDir,
    otlpUrl,
    queryUrl,
    async stop() {
      await telemetry.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Unix nanoseconds as OTLP/JSON writes them. */
export const nanos = (micros: number): string => `${BigInt(micros) * 1000n}`;

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startUs: number;
  durationUs: number;
  attributes?: Record<string, string | number | boolean>;
  status?: { code: number; message?: string };
  events?: Array<{ timeUs: number; name: string; attributes?: Record<string, string | number | boolean> }>;
}

/** OTLP/JSON attributes from plain values (integers as intValue, other numbers as doubleValue). */
export function otlpAttributes(values: Record<string, string | number | boolean> = {}): unknown[] {
  return Object.entries(values).map(([key, value]) => ({
    key,
    value:
      typeof value === 'string'
        ? { stringValue: value }
        : typeof value === 'boolean'
          ? { boolValue: value }
          : Number.isInteger(value)
            ? { intValue: String(value) }
            : { doubleValue: value },
  }));
}

/** An OTLP/JSON ExportTraceServiceRequest with one resource per service. */
export function otlpRequest(
  byService: Record<string, SpanSpec[]>,
  scope = { name: '@archaics/server', version: '0.1.0' },
): Record<string, unknown> {
  return {
    resourceSpans: Object.entries(byService).map(([service, spans]) => ({
      resource: {
        attributes: otlpAttributes({
          'service.name': service,
          'service.version': '0.1.0',
          'telemetry.sdk.language': 'nodejs',
          'telemetry.sdk.name': 'opentelemetry',
          'telemetry.sdk.version': '2.12.1',
        }),
      },
      scopeSpans: [
        {
          scope,
          spans: spans.map((span) => ({
            traceId: span.traceId,
            spanId: span.spanId,
            ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
            name: span.name,
            kind: span.kind ?? 2,
            flags: 0x101,
            startTimeUnixNano: nanos(span.startUs),
            endTimeUnixNano: nanos(span.startUs + span.durationUs),
            attributes: otlpAttributes(span.attributes),
            events: (span.events ?? []).map((event) => ({
              timeUnixNano: nanos(event.timeUs),
              name: event.name,
              attributes: otlpAttributes(event.attributes),
            })),
            status: span.status ?? {},
          })),
        },
      ],
    })),
  };
}

/** POSTs an OTLP/JSON request. */
export async function postJson(otlpUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${otlpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** GETs a JSON answer of the query side. */
export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
