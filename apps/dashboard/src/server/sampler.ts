import { DEPENDENCY_GRAPH, type BusinessService } from '@archaics/contracts';
import type { MetricsReader, MetricsSample } from '@archaics/telemetry-query';
import type { OverviewResponse } from '../shared/api-types.ts';
import type { AiopsRelay } from './clients/aiops.relay.ts';
import type { ServicesRelay } from './clients/services.relay.ts';
import { MetricsHistory } from './domain/metrics-history.ts';
import { serviceStatuses, type HealthProbe } from './domain/service-status.ts';

/**
 * Polls metrics, every service's /health and the detector every `intervalMs`, and keeps
 * what the UI shows: the latest health, a short metrics history, the detector's scores.
 */
export class Sampler {
  readonly history = new MetricsHistory();
  readonly detectorScores: Array<{ t: number; scores: Record<string, number> }> = [];
  private probes: Partial<Record<BusinessService, HealthProbe>> = {};
  private lastSample: MetricsSample | null = null;
  private metricsError: string | null = null;
  private detectorRunning = false;
  private operatorRunning = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly metrics: MetricsReader,
    private readonly services: ServicesRelay,
    private readonly aiops: AiopsRelay,
    readonly intervalMs: number,
  ) {}

  start(): void {
    const loop = (): void => {
      this.running = this.tick().finally(() => {
        this.running = null;
        if (this.timer !== undefined) this.timer = setTimeout(loop, this.intervalMs);
      });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round: health, metrics and the platform services, in parallel. */
  async tick(): Promise<void> {
    await Promise.all([
      this.services.healthAll().then((probes) => {
        this.probes = probes;
      }),
      this.metrics.sample().then(
        (sample) => {
          this.lastSample = sample;
          this.metricsError = null;
          this.history.add(sample);
        },
        (error: unknown) => {
          this.metricsError = (error as Error).message;
        },
      ),
      this.aiops.detectorHealth().then((reach) => {
        this.detectorRunning = reach.running && reach.status === 200;
        const scores = reach.running && reach.status === 200 ? reach.value?.last_scores : undefined;
        if (scores && typeof scores === 'object') {
          this.detectorScores.push({ t: Date.now(), scores: { ...scores } });
          if (this.detectorScores.length > 180) this.detectorScores.splice(0, this.detectorScores.length - 180);
        }
      }),
      this.aiops.operatorHealth().then((reach) => {
        this.operatorRunning = reach.running && reach.status === 200;
      }),
    ]);
  }

  /** Reads one service's health now (after an injection or reset, so the UI need not wait a round). */
  async refresh(service: BusinessService): Promise<void> {
    this.probes = { ...this.probes, [service]: await this.services.health(service) };
  }

  async refreshAll(): Promise<void> {
    this.probes = await this.services.healthAll();
  }

  metricsErrorNow(): string | null {
    return this.metricsError;
  }

  overview(): OverviewResponse {
    const statuses = serviceStatuses(this.probes, this.lastSample?.services ?? []);
    const services = (Object.keys(statuses) as BusinessService[]).map((name) => {
      const probe = this.probes[name];
      const health = probe?.ok ? probe.health : null;
      return {
        name,
        url: this.services.url(name),
        status: statuses[name].status,
        reasons: statuses[name].reasons,
        failure: statuses[name].failure,
        failures: [...statuses[name].failures],
        version: health?.version ?? null,
        uptimeS: health?.uptime_s ?? null,
        checkedAt: probe?.at ?? 0,
      };
    });
    return {
      services,
      graph: DEPENDENCY_GRAPH.map(([from, to]) => [from, to]),
      platform: {
        detector: { running: this.detectorRunning, url: this.aiops.detectorUrl },
        operator: { running: this.operatorRunning, url: this.aiops.operatorUrl },
      },
      now: Date.now(),
    };
  }
}
