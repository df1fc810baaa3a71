import { describe, expect, it } from 'vitest';
import { evaluateThresholds, parseThreshold, parseThresholds, type MetricSource } from './thresholds.ts';

const source: MetricSource = {
  trend: (_metric, aggregation) => {
    if (typeof aggregation === 'object') return aggregation.percentile * 10;
    return { avg: 120, min: 2, med: 100, max: 2_000 }[aggregation];
  },
  rate: (metric) => (metric === 'http_req_failed' ? 0.02 : 0.995),
  counter: (metric) => (metric === 'dropped_iterations' ? { count: 3, ratePerS: 0.1 } : { count: 1_000, ratePerS: 50 }),
};

describe(parseThreshold.name, () => {
  it('reads k6 expressions', () => {
    expect(parseThreshold('http_req_duration', 'p(95)<500')).toMatchObject({ aggregation: { percentile: 95 }, operator: '<', value: 500 });
    expect(parseThreshold('http_req_duration', ' p(99.9) <= 1500 ')).toMatchObject({ aggregation: { percentile: 99.9 }, operator: '<=' });
    expect(parseThreshold('http_req_failed', 'rate<0.01')).toMatchObject({ aggregation: 'rate', value: 0.01 });
    expect(parseThreshold('dropped_iterations', 'count==0')).toMatchObject({ aggregation: 'count', operator: '==' });
  });

  it('refuses unknown metrics, bad syntax and aggregations the metric does not have', () => {
    expect(() => parseThreshold('http_req_blocked', 'p(95)<5')).toThrow('unknown metric');
    expect(() => parseThreshold('http_req_duration', 'p95<500')).toThrow('not a threshold');
    expect(() => parseThreshold('http_req_duration', 'rate<0.1')).toThrow('is a trend');
    expect(() => parseThreshold('http_req_failed', 'p(95)<1')).toThrow('is a rate');
    expect(() => parseThreshold('http_req_duration', 'p(101)<1')).toThrow('between 0 and 100');
  });
});

describe(evaluateThresholds.name, () => {
  it('passes and fails expressions against the metric values', () => {
    const results = evaluateThresholds(
      parseThresholds({
        http_req_duration: ['p(95)<1000', 'p(99)<900', 'avg<=120', 'max<2000'],
        http_req_failed: ['rate<0.01'],
        checks: ['rate>0.99'],
        dropped_iterations: ['count==0', 'rate<1'],
        http_reqs: ['count>=1000'],
      }),
      source,
    );
    expect(results.map((r) => [r.metric, r.expression, r.actual, r.ok])).toEqual([
      ['http_req_duration', 'p(95)<1000', 950, true],
      ['http_req_duration', 'p(99)<900', 990, false],
      ['http_req_duration', 'avg<=120', 120, true],
      ['http_req_duration', 'max<2000', 2_000, false],
      ['http_req_failed', 'rate<0.01', 0.02, false],
      ['checks', 'rate>0.99', 0.995, true],
      ['dropped_iterations', 'count==0', 3, false],
      ['dropped_iterations', 'rate<1', 0.1, true],
      ['http_reqs', 'count>=1000', 1_000, true],
    ]);
  });
});
