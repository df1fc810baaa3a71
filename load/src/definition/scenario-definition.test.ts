import { describe, expect, it } from 'vitest';
import { parseScenario } from './scenario-definition.ts';

const journey = { name: 'j', session: 'none', steps: [{ target: 'product', method: 'GET', path: '/products', expect: 200 }] };
const valid = {
  name: 'x',
  journey,
  load: { executor: 'constant-vus', vus: 2, duration: '5s' },
  thresholds: { http_req_failed: ['rate<0.01'] },
};

describe(parseScenario.name, () => {
  it('accepts a definition with an inline journey', () => {
    const definition = parseScenario(valid, 'x.json');
    expect(definition.load).toEqual({ executor: 'constant-vus', vus: 2, duration: '5s' });
    expect(definition.journey.thinkTime).toEqual({ min: 0, max: 0 });
  });

  it('names the file and field of each mistake', () => {
    const bad =
      (patch: Record<string, unknown>): (() => unknown) =>
      () =>
        parseScenario({ ...valid, ...patch }, 'x.json');
    expect(bad({ load: { executor: 'constant-vus', vus: 0, duration: '5s' } })).toThrow('x.json: load.vus must be an integer in 1..10000');
    expect(bad({ load: { executor: 'constant-vus', vus: 2, duration: '5 s' } })).toThrow('load.duration');
    expect(bad({ load: { executor: 'per-vu-iterations', vus: 2 } })).toThrow('load.executor must be one of');
    expect(bad({ load: { executor: 'constant-vus', vus: 2, duration: '5s', iterations: 3 } })).toThrow('unknown field(s) iterations');
    expect(bad({ load: { executor: 'ramping-vus', stages: [] } })).toThrow('load.stages must be a non-empty list');
    expect(bad({ load: { executor: 'constant-arrival-rate', rate: 10, duration: '5s', preAllocatedVUs: 5, maxVUs: 2 } })).toThrow(
      'load.maxVUs must be at least preAllocatedVUs',
    );
    expect(bad({ thresholds: { http_req_duration: ['p95<500'] } })).toThrow('thresholds.http_req_duration[0]');
    expect(bad({ journey: { ...journey, steps: [{ target: 'product', method: 'GET', path: 'products', expect: 200 }] } })).toThrow(
      'journey.steps[0].path must start with /',
    );
    expect(bad({ journey: { ...journey, thinkTime: { min: 2, max: 1 } } })).toThrow('journey.thinkTime.max must be a number in 2..3600');
    expect(bad({ name: 'Big Name' })).toThrow('name must be lowercase');
    expect(bad({ journey: { ...journey, steps: [{ ...journey.steps[0], body: null }] } })).toThrow(
      'journey.steps[0].body must be an object',
    );
    expect(bad({ journey: { ...journey, steps: [{ ...journey.steps[0], body: { a: 1 }, pick: { b: [1] } }] } })).toThrow(
      'unknown field(s) b',
    );
  });

  it('keeps shared definitions to what the k6 scripts can run', () => {
    const shared = { shared: true, journeyByName: () => journey };
    expect(() => parseScenario({ ...valid, journey: 'j' }, 'x.json', shared)).not.toThrow();
    expect(() =>
      parseScenario({ ...valid, journey: { ...journey, steps: [{ ...journey.steps[0], target: 'local' }] } }, 'x.json', shared),
    ).toThrow('journey.steps[0].target must be one of auth, product, payment');
    expect(() => parseScenario({ ...valid, thresholds: { http_req_latency: ['p(95)<5'] } }, 'x.json', shared)).toThrow(
      'is not a k6 metric',
    );
    expect(() => parseScenario({ ...valid, thresholds: { http_req_latency: ['p(95)<5'] } }, 'x.json')).not.toThrow();
  });
});
