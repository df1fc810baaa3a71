import type { Logger } from '@archaics/server';
import type { MetricsReader, MetricsSample } from '@archaics/telemetry-query';
import { BUSINESS_SERVICES, type AnomalyWebhook, type BusinessService, type FeatureVector, type ServiceScore } from '@archaics/contracts';
import type { DeliveryState } from '../clients/operator-webhook.ts';
import type { TrainedModel } from '../repositories/model-store.ts';
import { ServiceModel } from './detector-model.ts';
import { EpisodeTracker, type Episode, type Verdict } from './episodes.ts';
import { featureVector } from './features.ts';

export interface DetectorSettings {
  /** Vectors per service to learn from (`BASELINE_SAMPLES`). */
  readonly baselineSamples: number;
  /** Score at or over which an interval is anomalous (`THRESHOLD`). */
  readonly threshold: number;
  readonly consecutive: number;
  readonly clearIntervals: number;
  /** Seed of the forests (`DETECTOR_SEED`). */
  readonly seed: number;
}

/** What the detector needs from outside: all I/O goes through these. */
export interface DetectorPorts {
  readonly reader: MetricsReader;
  readonly store: { load(onDamaged: (why: string) => void): TrainedModel | null; save(model: TrainedModel): void; remove(): void };
  readonly webhook: { send(payload: AnomalyWebhook): DeliveryState };
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Told after every interval (for gauges). */
  readonly onInterval?: (event: IntervalEvent) => void;
}

export interface IntervalEvent {
  readonly phase: 'learning' | 'scoring';
  readonly scores: ReadonlyMap<BusinessService, number | null>;
  readonly baselineCount: number;
  readonly opened: boolean;
  readonly scrapeFailed: boolean;
}

/** One episode as `GET /anomalies` lists it. */
export interface AnomalyRecord {
  readonly id: string;
  readonly opened_at: string;
  readonly first_anomalous_at: string;
  closed_at: string | null;
  readonly services: BusinessService[];
  readonly peak_scores: Partial<Record<BusinessService, number>>;
  /** The scores, features and drivers sent to the operator. */
  readonly scores: ServiceScore[];
  readonly webhook: DeliveryState;
}

export interface ScoreHistoryEntry {
  readonly at: string;
  readonly scores: Partial<Record<BusinessService, number | null>>;
}

const HISTORY_LENGTH = 600;
const ANOMALIES_KEPT = 200;

/**
 * The detector's loop body (SPEC §4): every interval, one feature vector per business
 * service; the first `baselineSamples` clean intervals (every service up, measured, with no
 * fault injected) become the baseline, then every interval is scored and grouped into
 * episodes, and each new episode sends one webhook.
 */
export class Detector {
  private trained: TrainedModel | null;
  private baseline = new Map<BusinessService, FeatureVector[]>();
  private baselineCount = 0;
  private readonly tracker: EpisodeTracker;
  private readonly latest = new Map<BusinessService, ServiceScore>();
  private readonly history: ScoreHistoryEntry[] = [];
  private readonly records: AnomalyRecord[] = [];
  /** The record of the episode the tracker has open, if any. */
  private open: AnomalyRecord | null = null;
  private lastSampleAt: string | null = null;
  private lastError: string | null = null;
  private readonly now: () => Date;

  constructor(
    readonly settings: DetectorSettings,
    private readonly ports: DetectorPorts,
  ) {
    this.now = ports.now ?? (() => new Date());
    this.tracker = new EpisodeTracker({ consecutive: settings.consecutive, clearIntervals: settings.clearIntervals });
    this.trained = ports.store.load((why) => ports.logger.warn(`saved model ignored (${why}): learning a new baseline`));
    if (this.trained) ports.logger.info(`model loaded (trained ${this.trained.trainedAt}): scoring from the first interval`);
  }

  get isTrained(): boolean {
    return this.trained !== null;
  }

  /** Baseline vectors collected: all of them once trained. */
  get baselineProgress(): number {
    return this.trained ? this.settings.baselineSamples : this.baselineCount;
  }

  get trainedAt(): string | null {
    return this.trained?.trainedAt ?? null;
  }

  lastScores(): Record<string, number> {
    return Object.fromEntries([...this.latest].map(([service, score]) => [service, score.score]));
  }

  latestScores(): ServiceScore[] {
    return [...this.latest.values()];
  }

  scoreHistory(limit: number): ScoreHistoryEntry[] {
    return this.history.slice(-limit);
  }

  anomalies(limit: number): AnomalyRecord[] {
    return this.records.slice(0, limit);
  }

  get openAnomaly(): AnomalyRecord | null {
    return this.open;
  }

  status(): { last_sample_at: string | null; last_error: string | null } {
    return { last_sample_at: this.lastSampleAt, last_error: this.lastError };
  }

  /** Forgets the model and starts learning a new baseline. */
  resetBaseline(): void {
    this.tracker.reset();
    this.closeOpen(this.now());
    this.trained = null;
    this.baseline = new Map();
    this.baselineCount = 0;
    this.latest.clear();
    this.ports.store.remove();
    this.ports.logger.info(`baseline reset: learning from the next ${this.settings.baselineSamples} clean intervals`);
  }

  /** One interval: sample, then learn or score. Never throws. */
  async tick(): Promise<void> {
    let sample: MetricsSample;
    try {
      sample = await this.ports.reader.sample();
    } catch (error) {
      this.lastError = (error as Error).message;
      this.ports.logger.warn(`metrics could not be read: ${this.lastError}`);
      this.ports.onInterval?.({
        phase: this.trained ? 'scoring' : 'learning',
        scores: new Map(),
        baselineCount: this.baselineProgress,
        opened: false,
        scrapeFailed: true,
      });
      return;
    }
    const at = this.now();
    this.lastSampleAt = at.toISOString();
    this.lastError = null;
    const vectors = new Map<BusinessService, FeatureVector | null>();
    for (const service of sample.services) vectors.set(service.service, featureVector(service));
    if (!this.trained) {
      this.learn(sample, vectors, at);
      this.ports.onInterval?.({
        phase: 'learning',
        scores: new Map(),
        baselineCount: this.baselineCount,
        opened: false,
        scrapeFailed: false,
      });
      return;
    }
    const restarted = new Set(sample.services.filter((s) => s.up && s.restarted).map((s) => s.service));
    const opened = this.score(this.trained, vectors, restarted, at);
    const scores = new Map<BusinessService, number | null>(
      BUSINESS_SERVICES.map((service) => [service, this.latest.get(service)?.score ?? null]),
    );
    this.ports.onInterval?.({ phase: 'scoring', scores, baselineCount: this.baselineProgress, opened, scrapeFailed: false });
  }

  private learn(sample: MetricsSample, vectors: ReadonlyMap<BusinessService, FeatureVector | null>, at: Date): void {
    // Only clean intervals: every service up and measured, and no fault injected (a baseline
    // learnt during a fault would call that fault normal).
    const clean =
      sample.services.length > 0 && sample.services.every((s) => s.up && vectors.get(s.service) && s.chaosFailureActive.length === 0);
    if (!clean) return;
    for (const [service, vector] of vectors) {
      const list = this.baseline.get(service) ?? [];
      list.push(vector!);
      this.baseline.set(service, list);
    }
    this.baselineCount++;
    if (this.baselineCount < this.settings.baselineSamples) return;
    const models = new Map<BusinessService, ServiceModel>();
    for (const [index, service] of BUSINESS_SERVICES.entries()) {
      const vectorsOf = this.baseline.get(service) ?? [];
      if (vectorsOf.length < 2) continue;
      models.set(service, ServiceModel.fit(service, vectorsOf, this.settings.seed + 100 * index));
    }
    this.trained = { trainedAt: at.toISOString(), seed: this.settings.seed, baseline: this.baseline, models };
    try {
      this.ports.store.save(this.trained);
    } catch (error) {
      this.ports.logger.error(`model could not be saved: ${(error as Error).message}; it will be learnt again after a restart`);
    }
    const traffic = BUSINESS_SERVICES.map((service) => {
      const vectorsOf = this.baseline.get(service) ?? [];
      return `${service} ${(vectorsOf.reduce((sum, v) => sum + v.request_rate, 0) / Math.max(1, vectorsOf.length)).toFixed(1)} req/s`;
    });
    this.ports.logger.info(`baseline learnt from ${this.baselineCount} intervals (${traffic.join(', ')}): scoring`);
  }

  /** Scores every service; true when an episode opened. */
  private score(
    trained: TrainedModel,
    vectors: ReadonlyMap<BusinessService, FeatureVector | null>,
    restarted: ReadonlySet<BusinessService>,
    at: Date,
  ): boolean {
    const verdicts = new Map<BusinessService, { verdict: Verdict; score: number | null }>();
    const historyScores: Partial<Record<BusinessService, number | null>> = {};
    for (const [service, vector] of vectors) {
      const model = trained.models.get(service);
      if (!vector || !model) {
        verdicts.set(service, { verdict: 'unknown', score: null });
        historyScores[service] = null;
        continue;
      }
      const result = model.score(vector);
      const anomalous = result.score >= this.settings.threshold;
      // A restart (a crash) opens an anomaly at once: the next interval may already look normal.
      verdicts.set(service, { verdict: anomalous ? (restarted.has(service) ? 'critical' : 'anomalous') : 'normal', score: result.score });
      historyScores[service] = round(result.score);
      this.latest.set(service, {
        service,
        score: round(result.score),
        anomalous,
        features: Object.fromEntries(Object.entries(vector).map(([name, value]) => [name, round(value, 6)])),
        drivers: result.drivers.slice(0, 3),
      });
    }
    this.history.push({ at: at.toISOString(), scores: historyScores });
    if (this.history.length > HISTORY_LENGTH) this.history.shift();

    const transition = this.tracker.observe(at, verdicts);
    const episode = this.tracker.current ?? transition.closed;
    if (this.open && episode) {
      // The record shows the episode as the tracker keeps it: services that joined, peak scores.
      this.open.services.splice(0, this.open.services.length, ...episode.services);
      Object.assign(this.open.peak_scores, episode.peakScores);
    }
    if (transition.joined) this.ports.logger.warn(`${transition.joined.join(', ')} joined anomaly ${this.open?.id}`);
    if (transition.closed) {
      this.closeOpen(at);
      this.ports.logger.info(`anomaly ${transition.closed.id} closed: every service normal for ${this.settings.clearIntervals} intervals`);
    }
    if (!transition.opened) return false;
    this.openRecord(transition.opened, at);
    return true;
  }

  private openRecord(episode: Episode, at: Date): void {
    const scores = BUSINESS_SERVICES.flatMap((service) => {
      const score = this.latest.get(service);
      return score ? [score] : [];
    });
    const payload: AnomalyWebhook = {
      source: 'anomaly-detector',
      anomaly_id: episode.id,
      opened_at: episode.openedAt.toISOString(),
      window: { start: episode.firstAnomalousAt.toISOString(), end: at.toISOString() },
      threshold: this.settings.threshold,
      consecutive: this.settings.consecutive,
      anomalous_services: [...episode.services],
      scores,
    };
    const described = episode.services.map((service) => {
      const top = this.latest.get(service)?.drivers[0];
      return `${service} ${this.latest.get(service)?.score ?? '?'}${top ? ` (${top.feature} ${round(top.value, 3)} vs ${round(top.baseline_mean, 3)})` : ''}`;
    });
    this.ports.logger.warn(`anomaly ${episode.id} opened: ${described.join('; ')}`);
    const webhook = this.ports.webhook.send(payload);
    this.open = {
      id: episode.id,
      opened_at: payload.opened_at,
      first_anomalous_at: payload.window.start,
      closed_at: null,
      services: [...episode.services],
      peak_scores: { ...episode.peakScores },
      scores,
      webhook,
    };
    this.records.unshift(this.open);
    if (this.records.length > ANOMALIES_KEPT) this.records.pop();
  }

  private closeOpen(at: Date): void {
    if (this.open) this.open.closed_at = at.toISOString();
    this.open = null;
  }
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
