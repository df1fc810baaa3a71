import { FEATURE_NAMES, type FeatureVector } from '@archaics/contracts';
import { describe, expect, it } from 'vitest';
import { ServiceModel, SCORED_FEATURES } from './detector-model.ts';
import { IsolationForest } from './isolation-forest.ts';
import { SeededRandom } from './random.ts';

const THRESHOLD = 0.6;

function normalTraffic(seed: number) {
  const random = new SeededRandom(seed);
  const gauss = (): number => {
    let u = 0;
    while (u === 0) u = random.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
  };
  return (): FeatureVector => {
    const rate = 40 + 4 * gauss();
    const cpuPerRequest = 3 + 0.3 * gauss();
    return {
      request_rate: rate,
      error_ratio: 0,
      p95_latency_s: 0.02 + 0.004 * Math.abs(gauss()),
      cpu_cores: (rate * cpuPerRequest) / 1000,
      cpu_per_request_ms: cpuPerRequest,
      upstream_error_ratio: 0,
      upstream_p95_s: 0.008 + 0.002 * Math.abs(gauss()),
      down: 0,
    };
  };
}

const next = normalTraffic(1);
const baseline = Array.from({ length: 30 }, next);
const model = ServiceModel.fit('db-service', baseline, 0);

describe(ServiceModel.name, () => {
  it('scores fresh normal intervals under the threshold', () => {
    const fresh = normalTraffic(99);
    const scores = Array.from({ length: 500 }, () => model.score(fresh()).score);
    expect(Math.max(...scores)).toBeLessThan(THRESHOLD);
  });

  it.each([
    ['error_ratio', 0.1],
    ['p95_latency_s', 1.0],
    ['upstream_error_ratio', 0.1],
    ['upstream_p95_s', 1.0],
    ['down', 1],
  ] as const)('scores %s = %s alone over the threshold and names it the first driver', (feature, value) => {
    const result = model.score({ ...baseline[0]!, [feature]: value });
    expect(result.score).toBeGreaterThan(THRESHOLD);
    expect(result.drivers[0]!.feature).toBe(feature);
    expect(result.drivers[0]!.value).toBe(value);
  });

  it('is load-aware: five times the traffic at the same cost per request and healthy latency is normal', () => {
    const busy = { ...baseline[0]!, request_rate: 200, cpu_cores: 0.6, cpu_per_request_ms: 3, p95_latency_s: 0.08 };
    expect(model.score(busy).score).toBeLessThan(THRESHOLD);
  });

  it('is one-sided: fewer errors, faster answers and cheaper requests than the baseline are not anomalies', () => {
    const better = { ...baseline[0]!, p95_latency_s: 0, upstream_p95_s: 0, cpu_per_request_ms: 0.1 };
    expect(model.score(better).score).toBeLessThan(THRESHOLD);
  });

  it('gives identical scores after a JSON round trip', () => {
    const copy = ServiceModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    const probe = [baseline[3]!, { ...baseline[3]!, error_ratio: 0.5 }, { ...baseline[3]!, p95_latency_s: 0.4 }];
    expect(probe.map((v) => copy.score(v))).toEqual(probe.map((v) => model.score(v)));
  });

  it('is deterministic for a seed', () => {
    const again = ServiceModel.fit('db-service', baseline, 0);
    expect(again.score({ ...baseline[1]!, p95_latency_s: 0.5 })).toEqual(model.score({ ...baseline[1]!, p95_latency_s: 0.5 }));
  });

  it('refuses a damaged model', () => {
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    delete json.stats.error_ratio;
    expect(() => ServiceModel.fromJSON(json)).toThrow(/bad stats for error_ratio/);
    expect(() => ServiceModel.fromJSON({ service: 'nope' })).toThrow(/unknown service/);
  });

  it('needs one forest per feature: a single forest over all scored features leaves one broken feature under the threshold', () => {
    // Why ServiceModel scores each feature with its own forest: in one forest over every
    // scored feature, an error ratio of 1 with everything else normal stays under the
    // threshold, because the trees split on that feature only now and then.
    const names = SCORED_FEATURES.map((f) => f.name);
    const stats = model.baseline();
    const z = (v: FeatureVector) => names.map((n) => Math.max(0, (v[n] - stats.get(n)!.mean) / stats.get(n)!.scale));
    const random = new SeededRandom(3);
    const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    const single = new IsolationForest({ seed: 0 }).fit(
      baseline.flatMap((v) => Array.from({ length: 8 }, () => z(v).map((x) => x + gauss()))),
    );
    const broken = { ...baseline[0]!, error_ratio: 1 };
    expect(single.anomalyScore([z(broken)])[0]!).toBeLessThan(THRESHOLD);
    expect(model.score(broken).score).toBeGreaterThan(THRESHOLD);
  });

  it('reports every feature of the vector in FEATURE_NAMES order', () => {
    expect(FEATURE_NAMES).toContain('request_rate');
    expect(SCORED_FEATURES.every((f) => FEATURE_NAMES.includes(f.name))).toBe(true);
  });
});

describe('CPU per request', () => {
  it('does not call an idle service (its callers stopped) a CPU anomaly', () => {
    const idle = { ...baseline[0]!, request_rate: 0, cpu_cores: 0.004 };
    expect(model.score(idle).score).toBeLessThan(THRESHOLD);
  });

  it('does flag a CPU burn at the usual traffic', () => {
    const burning = { ...baseline[0]!, cpu_cores: baseline[0]!.cpu_cores + 0.2 };
    const result = model.score(burning);
    expect(result.score).toBeGreaterThan(THRESHOLD);
    expect(result.drivers[0]!.feature).toBe('cpu_per_request_ms');
  });
});
