import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JaegerTrace, LogQuery, LogReader, LogRecord, MetricsReader, MetricsSample, TraceReader } from '@archaics/telemetry-query';
import type { BusinessService, Incident } from '@archaics/contracts';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { HealthAnswer } from '../../src/clients/service-control.ts';
import type { Platform } from '../../src/clients/platform.ts';
import { loadConfig } from '../../src/config.ts';
import { metricsSample } from './samples.ts';

export const TOKEN = 'test-chaos-token';
export const SECRET = 'test-webhook-secret';

/**
 * A fake world for the operator: one injected fault that shows in the metrics the way the
 * real services show it, /health and /reset that clear it, a recording platform.
 */
export class FakeWorld {
  fault: { service: BusinessService; type: 'error' } | null = null;
  readonly resets: BusinessService[] = [];
  readonly restarts: BusinessService[] = [];
  readonly scales: Array<[BusinessService, number]> = [];
  logLines: LogRecord[] = [];

  readonly metrics: MetricsReader = {
    sample: async (): Promise<MetricsSample> => {
      if (this.fault?.service === 'db-service') {
        const edge = [{ upstream: 'db-service', errorRatio: 1 }];
        return metricsSample({
          'db-service': { errorRatio: 1 },
          'product-service': { errorRatio: 1, upstreams: edge },
          'payment-service': { errorRatio: 1, upstreams: edge },
        });
      }
      return metricsSample();
    },
  };

  readonly logs: LogReader = {
    query: async (query?: LogQuery) => this.logLines.filter((l) => query?.level === undefined || l.level === query.level),
    tail: async () => undefined,
  };

  readonly traces: TraceReader = {
    services: async () => [],
    operations: async () => [],
    getTrace: async (): Promise<JaegerTrace | null> => null,
    findTraces: async () => [],
  };

  readonly services = {
    health: async (service: BusinessService): Promise<HealthAnswer> => ({
      reachable: true,
      uptimeS: 300,
      failure: this.fault?.service === service ? { type: this.fault.type } : null,
    }),
    reset: async (service: BusinessService): Promise<unknown> => {
      this.resets.push(service);
      const cleared = this.fault?.service === service ? this.fault.type : null;
      if (cleared) this.fault = null;
      return cleared;
    },
  };

  readonly platform: Platform = {
    kind: 'local',
    restart: async (service) => {
      this.restarts.push(service);
      if (this.fault?.service === service) this.fault = null;
      return `restarted ${service}`;
    },
    scale: async (service, replicas) => {
      this.scales.push([service, replicas]);
      return `scaled ${service}`;
    },
  };
}

export interface Harness {
  readonly app: FastifyInstance;
  readonly world: FakeWorld;
  readonly home: string;
  waitFor(id: string, statuses?: readonly string[]): Promise<Incident>;
  close(): Promise<void>;
}

export const FAST_ENV = {
  CHAOS_TOKEN: TOKEN,
  WEBHOOK_SECRET: SECRET,
  EVIDENCE_SAMPLES: '2',
  EVIDENCE_INTERVAL_MS: '100',
  VERIFY_INTERVALS: '2',
  VERIFY_INTERVAL_MS: '100',
  VERIFY_TIMEOUT_S: '5',
  OPERATOR_SAMPLE_INTERVAL_MS: '0',
  LOG_LEVEL: 'warn',
} as const;

export async function startHarness(env: Record<string, string> = {}, options: { home?: string; world?: FakeWorld } = {}): Promise<Harness> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'ai-operator-'));
  const world = options.world ?? new FakeWorld();
  const config = loadConfig({ ...FAST_ENV, ARCHAICS_HOME: home, ...env });
  const app = await buildApp(config, {
    readers: { metrics: world.metrics, logs: world.logs, traces: world.traces },
    services: world.services,
    platform: world.platform,
  });
  return {
    app,
    world,
    home,
    async waitFor(id, statuses = ['resolved', 'escalated', 'dry_run', 'awaiting_approval']) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const incident = (await app.inject({ method: 'GET', url: `/incidents/${id}` })).json<Incident>();
        if (statuses.includes(incident.status)) return incident;
        if (Date.now() > deadline) throw new Error(`incident ${id} still ${incident.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await app.close();
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A manual /analyze with the chaos token. */
export async function analyze(app: FastifyInstance, reason = 'test'): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/analyze',
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: { source: 'manual', reason },
  });
  if (res.statusCode !== 202) throw new Error(`analyze: ${res.statusCode} ${res.body}`);
  return res.json<{ incident_id: string }>().incident_id;
}
