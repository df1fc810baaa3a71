import { describe, expect, it } from 'vitest';
import { ConfigError } from '@archaics/runtime';
import { FakeBackend, sendJson } from './fake-backend.ts';
import { LocalLogReader } from './logs/local-log-reader.ts';
import { LokiLogReader } from './logs/loki-log-reader.ts';
import { PrometheusMetricsReader } from './metrics/prometheus-metrics-reader.ts';
import { ScrapeMetricsReader } from './metrics/scrape-metrics-reader.ts';
import { createTelemetryReaders, readTelemetryConfig } from './telemetry-readers.ts';
import { JaegerTraceReader } from './traces/jaeger-trace-reader.ts';

describe(createTelemetryReaders.name, () => {
  it('does read everything locally by default: scrapes at the canonical ports, the telemetry process on :16686', () => {
    const readers = createTelemetryReaders({});
    expect(readers.metrics).toBeInstanceOf(ScrapeMetricsReader);
    expect((readers.metrics as ScrapeMetricsReader).targets).toEqual([
      { service: 'auth-service', url: 'http://127.0.0.1:8001' },
      { service: 'db-service', url: 'http://127.0.0.1:8002' },
      { service: 'product-service', url: 'http://127.0.0.1:8003' },
      { service: 'payment-service', url: 'http://127.0.0.1:8004' },
    ]);
    expect(readers.traces).toBeInstanceOf(JaegerTraceReader);
    expect((readers.traces as JaegerTraceReader).url).toBe('http://127.0.0.1:16686');
    expect(readers.logs).toBeInstanceOf(LocalLogReader);
    expect((readers.logs as LocalLogReader).url).toBe('http://127.0.0.1:16686');
    expect(readers.config.traces.kind).toBe('local');
  });

  it('does follow the service URLs, the port offset and TELEMETRY_QUERY_URL', () => {
    const config = readTelemetryConfig({ ARCHAICS_PORT_OFFSET: '100', DB_SERVICE_URL: 'http://db.internal:9000/' });
    expect(config.metrics).toMatchObject({
      kind: 'scrape',
      targets: [
        { service: 'auth-service', url: 'http://127.0.0.1:8101' },
        { service: 'db-service', url: 'http://db.internal:9000' },
        { service: 'product-service', url: 'http://127.0.0.1:8103' },
        { service: 'payment-service', url: 'http://127.0.0.1:8104' },
      ],
    });
    expect(config.traces.url).toBe('http://127.0.0.1:16786');
    expect(readTelemetryConfig({ ARCHAICS_PORT_OFFSET: '100', TELEMETRY_QUERY_URL: 'http://127.0.0.1:26686' }).logs.url).toBe(
      'http://127.0.0.1:26686',
    );
  });

  it('does switch to the real-stack backends when their URLs are set', () => {
    const readers = createTelemetryReaders({
      PROMETHEUS_URL: 'http://prometheus:9090',
      PROMETHEUS_RATE_WINDOW: '30s',
      PROMETHEUS_TARGET_LABEL: 'app',
      JAEGER_URL: 'http://jaeger:16686',
      LOKI_URL: 'http://loki:3100',
      LOKI_SERVICE_LABEL: 'app',
      TELEMETRY_TIMEOUT_MS: '2500',
    });
    expect(readers.metrics).toBeInstanceOf(PrometheusMetricsReader);
    expect((readers.metrics as PrometheusMetricsReader).queries.up).toBe(
      'min by (app) (up{app=~"auth-service|db-service|product-service|payment-service"})',
    );
    expect((readers.metrics as PrometheusMetricsReader).queries.requests).toContain('[30s]');
    expect((readers.traces as JaegerTraceReader).url).toBe('http://jaeger:16686');
    expect(readers.logs).toBeInstanceOf(LokiLogReader);
    expect((readers.logs as LokiLogReader).logql({ service: 'db-service' })).toBe('{app="db-service"}');
    expect(readers.config).toMatchObject({
      metrics: { kind: 'prometheus', window: '30s', targetLabel: 'app', timeoutMs: 2500 },
      traces: { kind: 'jaeger', timeoutMs: 2500 },
      logs: { kind: 'loki', serviceLabel: 'app' },
    });
    expect(Object.isFrozen(readers.config.metrics)).toBe(true);
  });

  it('does fail naming the variable when a value is bad', () => {
    const bad: [Record<string, string>, string][] = [
      [{ PROMETHEUS_URL: 'prometheus:9090' }, 'PROMETHEUS_URL'],
      [{ PROMETHEUS_URL: 'http://p:9090', PROMETHEUS_RATE_WINDOW: '1 minute' }, 'PROMETHEUS_RATE_WINDOW'],
      [{ PROMETHEUS_URL: 'http://p:9090', PROMETHEUS_TARGET_LABEL: 'kubernetes-app' }, 'PROMETHEUS_TARGET_LABEL'],
      [{ JAEGER_URL: 'ftp://jaeger' }, 'JAEGER_URL'],
      [{ LOKI_URL: 'http://loki:3100', LOKI_SERVICE_LABEL: 'a b' }, 'LOKI_SERVICE_LABEL'],
      [{ AUTH_SERVICE_URL: 'nope' }, 'AUTH_SERVICE_URL'],
      [{ SCRAPE_TIMEOUT_MS: '0' }, 'SCRAPE_TIMEOUT_MS'],
      [{ TELEMETRY_TIMEOUT_MS: 'soon' }, 'TELEMETRY_TIMEOUT_MS'],
      [{ ARCHAICS_PORT_OFFSET: '-1' }, 'ARCHAICS_PORT_OFFSET'],
    ];
    for (const [env, variable] of bad) {
      let error: unknown;
      try {
        createTelemetryReaders(env);
      } catch (e) {
        error = e;
      }
      expect(error, variable).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(variable);
    }
  });

  it('does give readers that really read from where the configuration points', async () => {
    const telemetry = await FakeBackend.start((request, res) =>
      request.url.pathname === '/api/services'
        ? sendJson(res, 200, { data: ['db-service'], total: 1, limit: 0, offset: 0, errors: null })
        : sendJson(res, 200, {
            data: [{ service: 'db-service', level: 'INFO', message: 'ready', timestamp: '2026-01-15T10:30:00.000Z' }],
            total: 1,
          }),
    );
    try {
      const readers = createTelemetryReaders({ TELEMETRY_QUERY_URL: telemetry.url });
      expect(await readers.traces.services()).toEqual(['db-service']);
      expect((await readers.logs.query({ service: 'db-service' }))[0]?.message).toBe('ready');
    } finally {
      await telemetry.stop();
    }
  });
});
