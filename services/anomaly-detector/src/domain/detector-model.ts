import { BUSINESS_SERVICES, type BusinessService, type FeatureDriver, type FeatureName, type FeatureVector } from '@archaics/contracts';
import { MIN_RATE_FOR_CPU_PER_REQUEST } from './features.ts';
import { IsolationForest, type IsolationForestJSON } from './isolation-forest.ts';
import { SeededRandom } from './random.ts';

/**
 * The features the model scores, each "higher is worse", with the smallest deviation that
 * counts as one unit (the tolerance). Request rate and absolute CPU are reported but not
 * scored: they grow with load, and load alone is not an incident. CPU is scored per
 * request, latency by its p95 and errors as ratios, which stay put when traffic grows.
 */
export const SCORED_FEATURES: ReadonlyArray<{ readonly name: FeatureName; readonly floor: (mean: number) => number }> = Object.freeze([
  { name: 'error_ratio', floor: () => 0.02 },
  { name: 'p95_latency_s', floor: () => 0.25 },
  { name: 'cpu_per_request_ms', floor: (mean: number) => Math.max(0.5, 0.3 * mean) },
  { name: 'upstream_error_ratio', floor: () => 0.02 },
  { name: 'upstream_p95_s', floor: () => 0.25 },
  { name: 'down', floor: () => 0.1 },
]);

/** Largest deviation (in tolerance units) kept; farther is no more anomalous for the trees. */
const MAX_Z = 50;
/** Jittered copies of each baseline vector the forests are grown on (see {@link ServiceModel.fit}). */
const COPIES_PER_SAMPLE = 8;

export interface FeatureStats {
  readonly mean: number;
  /** max(baseline standard deviation, the feature's floor). */
  readonly scale: number;
}

export interface ServiceScoreResult {
  /** The highest of the per-feature isolation scores, in (0, 1]. */
  readonly score: number;
  readonly perFeature: Readonly<Partial<Record<FeatureName, number>>>;
  /** Scored features, largest deviation first. */
  readonly drivers: FeatureDriver[];
}

export interface ServiceModelJSON {
  readonly service: BusinessService;
  /** Requests per second CPU per request is taken over at least (see {@link ServiceModel}). */
  readonly rateFloor: number;
  readonly stats: Readonly<Partial<Record<FeatureName, FeatureStats>>>;
  readonly forests: Readonly<Partial<Record<FeatureName, IsolationForestJSON>>>;
}

/**
 * The model of one service: per scored feature, the baseline's mean and scale, and an
 * Isolation Forest grown on the baseline's deviations. One forest per feature, and the
 * service's score is the highest of them: a single forest over all six features dilutes a
 * deviation in one of them (an error ratio of 1 with everything else normal scores no
 * higher than ordinary noise; see the test), and one broken signal must be enough.
 *
 * Deviations are one-sided (fewer errors or faster answers than the baseline are not
 * anomalies) and in tolerance units: (value − mean) / max(std, floor). The forests are
 * grown on jittered copies of the baseline (unit Gaussian noise on both sides, so that the
 * baseline sits in the middle of what the trees saw, not at an edge they isolate), so that a
 * feature that was constant in the baseline — errors are usually 0 — still has a spread
 * for the trees to split on, and a value a few tolerances out is isolated quickly.
 */
export class ServiceModel {
  private constructor(
    readonly service: BusinessService,
    readonly rateFloor: number,
    private readonly stats: Map<FeatureName, FeatureStats>,
    private readonly forests: Map<FeatureName, IsolationForest>,
  ) {}

  /**
   * The value the model scores. CPU per request is taken over at least half the baseline's
   * request rate: a service whose callers stopped calling (its dependency broke) spends
   * its idle CPU over almost no requests, which is not a CPU problem of its own.
   */
  private valueOf(vector: FeatureVector, name: FeatureName): number {
    if (name !== 'cpu_per_request_ms') return vector[name];
    return (1000 * vector.cpu_cores) / Math.max(vector.request_rate, this.rateFloor);
  }

  static fit(service: BusinessService, baseline: readonly FeatureVector[], seed: number): ServiceModel {
    if (baseline.length < 2) throw new RangeError(`a baseline needs at least 2 vectors, got ${baseline.length}`);
    const random = new SeededRandom(seed);
    const stats = new Map<FeatureName, FeatureStats>();
    const forests = new Map<FeatureName, IsolationForest>();
    const meanRate = baseline.reduce((sum, v) => sum + v.request_rate, 0) / baseline.length;
    const model = new ServiceModel(service, Math.max(MIN_RATE_FOR_CPU_PER_REQUEST, meanRate / 2), stats, forests);
    for (const [index, { name, floor }] of SCORED_FEATURES.entries()) {
      const values = baseline.map((vector) => model.valueOf(vector, name));
      const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
      const std = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
      const feature: FeatureStats = { mean, scale: Math.max(std, floor(mean)) };
      stats.set(name, feature);
      const rows: number[][] = [];
      for (const value of values) {
        for (let copy = 0; copy < COPIES_PER_SAMPLE; copy++) rows.push([deviation(value, feature) + gaussian(random)]);
      }
      forests.set(name, new IsolationForest({ seed: seed + index }).fit(rows));
    }
    return model;
  }

  score(vector: FeatureVector): ServiceScoreResult {
    const perFeature: Partial<Record<FeatureName, number>> = {};
    const drivers: FeatureDriver[] = [];
    let score = 0;
    for (const { name } of SCORED_FEATURES) {
      const stats = this.stats.get(name)!;
      const value = this.valueOf(vector, name);
      const z = deviation(value, stats);
      const featureScore = this.forests.get(name)!.anomalyScore([[z]])[0]!;
      perFeature[name] = featureScore;
      score = Math.max(score, featureScore);
      drivers.push({
        feature: name,
        value,
        baseline_mean: stats.mean,
        baseline_std: stats.scale,
        z: round((value - stats.mean) / stats.scale),
      });
    }
    drivers.sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    return { score, perFeature, drivers };
  }

  /** The baseline's mean and scale per scored feature. */
  baseline(): ReadonlyMap<FeatureName, FeatureStats> {
    return this.stats;
  }

  toJSON(): ServiceModelJSON {
    return {
      service: this.service,
      rateFloor: this.rateFloor,
      stats: Object.fromEntries(this.stats),
      forests: Object.fromEntries([...this.forests].map(([name, forest]) => [name, forest.toJSON()])),
    };
  }

  static fromJSON(json: unknown): ServiceModel {
    const model = json as Partial<ServiceModelJSON> | null;
    if (!model || typeof model !== 'object' || !BUSINESS_SERVICES.includes(model.service as BusinessService)) {
      throw new TypeError('service model: unknown service');
    }
    const stats = new Map<FeatureName, FeatureStats>();
    const forests = new Map<FeatureName, IsolationForest>();
    for (const { name } of SCORED_FEATURES) {
      const stat = model.stats?.[name];
      if (!stat || !Number.isFinite(stat.mean) || !(stat.scale > 0))
        throw new TypeError(`service model ${model.service}: bad stats for ${name}`);
      stats.set(name, { mean: stat.mean, scale: stat.scale });
      forests.set(name, IsolationForest.fromJSON(model.forests?.[name]));
    }
    if (!(typeof model.rateFloor === 'number' && model.rateFloor >= MIN_RATE_FOR_CPU_PER_REQUEST))
      throw new TypeError(`service model ${model.service}: bad rateFloor`);
    return new ServiceModel(model.service!, model.rateFloor, stats, forests);
  }
}

/** One-sided deviation in tolerance units, capped at {@link MAX_Z}. */
function deviation(value: number, stats: FeatureStats): number {
  return Math.min(MAX_Z, Math.max(0, (value - stats.mean) / stats.scale));
}

function gaussian(random: SeededRandom): number {
  let u = 0;
  while (u === 0) u = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
