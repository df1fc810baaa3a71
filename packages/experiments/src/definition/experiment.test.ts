import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExperiment } from './experiment.ts';
import { EXPERIMENTS_DIR, SUITE_FILE } from './files.ts';
import { drawRandomFaults } from './random-faults.ts';
import { ExperimentDefinitionError } from './yaml-source.ts';
import { parseSuite } from '../suite/suite.ts';

const VALID = `name: demo
title: Demo
budget: 30s
hypothesis:
  probes:
    - name: products
      type: http
      service: product
      path: /products
      auth: user
      status: 200
      max_ms: 1500
    - name: errors
      type: metric
      service: product
      metric: error_ratio
      max: 0.05
method:
  load: { scenario: normal, vus: 2 }
  duration: 20s
  steps:
    - at: 12s
      reset: db
    - at: 2s
      inject: { service: db, type: timeout, intensity: 2, probability: 0.4, duration: 10 }
rollbacks:
  - reset: all
  - wait_healthy: 10s
`;

function issuesOf(text: string): ExperimentDefinitionError {
  try {
    parseExperiment(text, 'bad.yaml');
  } catch (error) {
    if (error instanceof ExperimentDefinitionError) return error;
    throw error;
  }
  throw new Error('parsed without an error');
}

describe(parseExperiment.name, () => {
  it('turns a valid file into an experiment with seconds, full service names and steps in time order', () => {
    const experiment = parseExperiment(VALID, 'demo.yaml');
    expect(experiment.budgetS).toBe(30);
    expect(experiment.method.durationS).toBe(20);
    expect(experiment.method.steps.map((s) => s.atS)).toEqual([2, 12]);
    expect(experiment.method.steps[0]).toMatchObject({
      kind: 'inject',
      fault: { service: 'db-service', type: 'timeout', intensity: 2, probability: 0.4, durationS: 10 },
    });
    expect(experiment.rollbacks).toEqual([
      { kind: 'reset', services: ['auth-service', 'db-service', 'product-service', 'payment-service'] },
      { kind: 'wait_healthy', timeoutS: 10 },
    ]);
    expect(experiment.hypothesis.windowS).toBe(6);
  });

  it('names the field and the line of an unknown fault type', () => {
    const error = issuesOf(VALID.replace('type: timeout', 'type: tiemout'));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ field: 'method.steps[1].inject.type', line: 25 });
    expect(error.issues[0]?.message).toContain('must be one of timeout, error, cpu, crash, bad_data');
    expect(error.message).toContain('bad.yaml:25:');
  });

  it('names a missing required field at its parent line', () => {
    const error = issuesOf(VALID.replace('budget: 30s\n', ''));
    expect(error.issues[0]).toMatchObject({ field: 'budget', message: 'is required', line: 1 });
  });

  it('names an unknown field with its line', () => {
    const error = issuesOf(VALID.replace('      max: 0.05', '      max: 0.05\n      maximum: 1'));
    expect(error.issues[0]).toMatchObject({ field: 'hypothesis.probes[1].maximum', message: 'is not a known field', line: 18 });
  });

  it('checks the rules between fields: bad_data on db only, services, probe kinds, durations', () => {
    const error = issuesOf(
      VALID.replace('service: db, type: timeout', 'service: product, type: bad_data')
        .replace('reset: db', 'reset: dbb')
        .replace('      max_ms: 1500', '      max_ms: 1500\n      metric: rps')
        .replace('duration: 20s', 'duration: 20 parsecs'),
    );
    const fields = error.issues.map((i) => i.field);
    expect(fields).toContain('method.duration');
    expect(fields).toContain('method.steps[1].inject.type');
    expect(fields).toContain('method.steps[0].reset');
    expect(fields).toContain('hypothesis.probes[0].metric');
    const badData = error.issues.find((i) => i.field === 'method.steps[1].inject.type');
    expect(badData?.message).toContain('applies to db-service only');
    expect(badData?.line).toBe(26);
    expect(error.issues.find((i) => i.field === 'method.steps[0].reset')?.line).toBe(24);
  });

  it('reports a YAML syntax error with its line', () => {
    const error = issuesOf('name: x\ntitle: [unclosed\nbudget: 3\n');
    expect(error.issues[0]?.message).toMatch(/^YAML: /);
    expect(error.issues[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('refuses an unknown load scenario and a probability above 1', () => {
    const error = issuesOf(VALID.replace('scenario: normal', 'scenario: nope').replace('probability: 0.4', 'probability: 1.4'));
    expect(error.issues.map((i) => i.field)).toEqual(['method.steps[1].inject.probability']);
    const second = issuesOf(VALID.replace('scenario: normal', 'scenario: nope'));
    expect(second.issues[0]).toMatchObject({ field: 'method.load.scenario', line: 19 });
  });

  it('draws the same random faults from the same seed, and merges them into the steps', () => {
    const text = VALID.replace(
      '  steps:',
      '  random: { seed: 7, count: 3, between: [1s, 15s], services: [auth, db], types: [error, bad_data], duration: [3, 6] }\n  steps:',
    );
    const a = parseExperiment(text, 'r.yaml');
    const b = parseExperiment(text, 'r.yaml');
    expect(a.method.steps).toEqual(b.method.steps);
    const random = a.method.steps.filter((s) => s.random);
    expect(random).toHaveLength(3);
    for (const step of random) {
      if (step.kind !== 'inject') throw new Error('a random step injects');
      expect(step.atS).toBeGreaterThanOrEqual(1);
      expect(step.atS).toBeLessThanOrEqual(15);
      if (step.fault.type === 'bad_data') expect(step.fault.service).toBe('db-service');
    }
  });
});

describe(drawRandomFaults.name, () => {
  it('gives another schedule for another seed', () => {
    const plan = {
      count: 5,
      fromS: 0,
      toS: 60,
      pairs: [
        { service: 'db-service' as const, type: 'error' as const },
        { service: 'auth-service' as const, type: 'timeout' as const },
      ],
      intensity: [1, 5] as const,
      probability: [0.2, 1] as const,
      duration: [5, 10] as const,
    };
    const one = drawRandomFaults({ ...plan, seed: 1 });
    const two = drawRandomFaults({ ...plan, seed: 2 });
    expect(one).not.toEqual(two);
    expect(drawRandomFaults({ ...plan, seed: 1 })).toEqual(one);
  });
});

describe('the shipped experiments', () => {
  it('all parse, and the suite covers every fault type on every service it applies to, with control runs', () => {
    for (const file of readdirSync(EXPERIMENTS_DIR).filter((f) => f.endsWith('.yaml') && f !== SUITE_FILE)) {
      expect(() => parseExperiment(readFileSync(join(EXPERIMENTS_DIR, file), 'utf8'), file)).not.toThrow();
    }
    const suite = parseSuite(readFileSync(join(EXPERIMENTS_DIR, SUITE_FILE), 'utf8'), SUITE_FILE);
    const pairs = new Set(
      suite.cases.flatMap((c) =>
        c.experiment.method.steps.flatMap((s) => (s.kind === 'inject' ? [`${s.fault.service} ${s.fault.type}`] : [])),
      ),
    );
    expect(pairs.size).toBe(17);
    expect(suite.cases.filter((c) => c.kind === 'control').length).toBeGreaterThanOrEqual(1);
    expect(suite.cases.some((c) => c.quick && c.kind === 'control')).toBe(true);
  });

  it('include a gray db latency and an edge partition product → db (SPEC 2.1)', () => {
    const load = (name: string): ReturnType<typeof parseExperiment> =>
      parseExperiment(readFileSync(join(EXPERIMENTS_DIR, `${name}.yaml`), 'utf8'), `${name}.yaml`);
    const gray = load('gray-db-latency');
    expect(gray.method.steps[0]).toMatchObject({ kind: 'inject', fault: { service: 'db-service', type: 'latency', ms: 300, jitter: 0.2 } });
    expect(gray.hypothesis.probes[0]).toMatchObject({ service: 'product-service', status: [200] });
    const edge = load('edge-product-db-partition');
    expect(edge.method.steps[0]).toMatchObject({
      kind: 'inject',
      fault: { service: 'product-service', type: 'partition', target: 'db-service' },
    });
    expect(edge.hypothesis.probes.map((p) => p.service)).toContain('db-service');
    expect(edge.rollbacks[0]).toEqual({ kind: 'reset', services: ['product-service'], scope: { target: 'db-service' } });
  });
});

// Block style, so that each fault field has its own line (numbered on the right).
const SCOPED = `name: scoped
title: Scoped
budget: 30s
hypothesis:
  probes:
    - { name: products, type: http, service: product, path: /products, auth: user }
method:
  duration: 20s
  steps:
    - at: 1s
      inject:
        service: db
        type: latency
        ms: 300
        jitter: 0.2
    - at: 2s
      inject:
        service: product
        type: error
        status: 503
        route: /cart/add
    - at: 3s
      inject:
        service: product
        type: partition
        target: db
    - at: 10s
      reset: product
      route: /cart/add
rollbacks:
  - reset: product
    target: db-service
  - reset: all
`;
// Lines: 13 db type, 14 ms, 15 jitter; 19 product type, 20 status, 21 route; 25 partition type, 26 target;
// 28 reset, 29 route; 31 rollback reset, 32 target.

describe('faults beyond the seed (SPEC 2.1)', () => {
  it('reads ms, jitter, status, route and target, and scoped resets and rollbacks', () => {
    const experiment = parseExperiment(SCOPED, 'scoped.yaml');
    const [latency, error, partition, reset] = experiment.method.steps;
    expect(latency).toMatchObject({ kind: 'inject', fault: { service: 'db-service', type: 'latency', ms: 300, jitter: 0.2 } });
    expect(error).toMatchObject({ kind: 'inject', fault: { service: 'product-service', type: 'error', status: 503, route: '/cart/add' } });
    expect(partition).toMatchObject({ kind: 'inject', fault: { service: 'product-service', type: 'partition', target: 'db-service' } });
    expect(reset).toEqual({
      atS: 10,
      kind: 'reset',
      services: ['product-service'],
      scope: { route: '/cart/add' },
      note: null,
      random: false,
    });
    expect(experiment.rollbacks[0]).toEqual({ kind: 'reset', services: ['product-service'], scope: { target: 'db-service' } });
    expect(experiment.rollbacks[1]).not.toHaveProperty('scope');
  });

  const cases: Array<[string, (text: string) => string, string, number, string]> = [
    [
      'an unknown route for the service',
      (t) => t.replace('route: /cart/add\n    - at: 3s', 'route: /carts\n    - at: 3s'),
      'method.steps[1].inject.route',
      21,
      '"/carts" is not a route of product-service; its routes: /cart, /cart/add',
    ],
    [
      'a target the service does not call',
      (t) => t.replace('target: db\n', 'target: payment\n'),
      'method.steps[2].inject.target',
      26,
      'product-service does not call "payment"; its targets: auth-service, db-service',
    ],
    [
      'a target on a service that calls none',
      (t) => t.replace('service: db\n        type: latency', 'service: db\n        target: auth\n        type: latency'),
      'method.steps[0].inject.target',
      13,
      'db-service calls no other service',
    ],
    [
      'partition without target',
      (t) => t.replace('        target: db\n', ''),
      'method.steps[2].inject.target',
      24,
      'is required for partition (an edge fault)',
    ],
    [
      'blackhole on a service that calls none',
      (t) => t.replace('type: latency\n        ms: 300\n        jitter: 0.2', 'type: blackhole'),
      'method.steps[0].inject.type',
      13,
      'blackhole is an edge fault of a service that calls others',
    ],
    [
      'route on cpu',
      (t) => t.replace('type: error\n        status: 503', 'type: cpu'),
      'method.steps[1].inject.route',
      20,
      'does not apply to cpu: it acts on the whole process',
    ],
    [
      'target on leak',
      (t) => t.replace('type: partition', 'type: leak'),
      'method.steps[2].inject.target',
      26,
      'does not apply to leak: it acts on the whole process',
    ],
    [
      'route on crash',
      (t) => t.replace('type: error\n        status: 503', 'type: crash'),
      'method.steps[1].inject.route',
      20,
      'does not apply to crash',
    ],
    ['ms above 30000', (t) => t.replace('ms: 300', 'ms: 40000'), 'method.steps[0].inject.ms', 14, 'less or equal to 30000 (got 40000)'],
    ['ms below 1', (t) => t.replace('ms: 300', 'ms: 0'), 'method.steps[0].inject.ms', 14, 'greater or equal to 1 (got 0)'],
    ['jitter above 1', (t) => t.replace('jitter: 0.2', 'jitter: 1.5'), 'method.steps[0].inject.jitter', 15, 'less or equal to 1 (got 1.5)'],
    [
      'a status that is not an error status',
      (t) => t.replace('status: 503', 'status: 404'),
      'method.steps[1].inject.status',
      20,
      'must be one of 500, 502, 503, 429 (got 404)',
    ],
    [
      'ms on an error fault',
      (t) => t.replace('status: 503', 'ms: 200'),
      'method.steps[1].inject.ms',
      20,
      'belongs to a latency fault, not an error one',
    ],
    [
      'jitter on a timeout fault',
      (t) => t.replace('type: latency', 'type: timeout'),
      'method.steps[0].inject.jitter',
      15,
      'belongs to a latency fault, not a timeout one',
    ],
    [
      'status on a latency fault',
      (t) => t.replace('jitter: 0.2', 'status: 503'),
      'method.steps[0].inject.status',
      15,
      'belongs to an error fault, not a latency one',
    ],
    [
      'a scoped reset of an unknown route',
      (t) => t.replace('      route: /cart/add\nrollbacks', '      route: /checkout\nrollbacks'),
      'method.steps[3].route',
      29,
      '"/checkout" is not a route of product-service',
    ],
    [
      'a scoped reset of several services',
      (t) => t.replace('reset: product\n      route', 'reset: [product, db]\n      route'),
      'method.steps[3].route',
      29,
      'a scoped reset names one service in reset (got 2)',
    ],
    [
      'a scoped rollback of a target not called',
      (t) => t.replace('target: db-service', 'target: payment-service'),
      'rollbacks[0].target',
      32,
      'product-service does not call "payment-service"',
    ],
    [
      'a scoped rollback of every service',
      (t) => t.replace('reset: product\n    target', 'reset: all\n    target'),
      'rollbacks[0].target',
      32,
      'a scoped reset names one service in reset (got 4)',
    ],
    [
      'a reset scope on an inject step',
      (t) => t.replace('    - at: 3s\n      inject:', '    - at: 3s\n      route: /cart\n      inject:'),
      'method.steps[2].route',
      23,
      'belongs to a reset step',
    ],
  ];
  it.each(cases)('refuses %s, naming the field and its line', (_what, edit, field, line, message) => {
    const error = issuesOf(edit(SCOPED));
    const issue = error.issues.find((i) => i.field === field);
    expect(issue, JSON.stringify(error.issues)).toBeDefined();
    expect(issue?.line).toBe(line);
    expect(issue?.message).toContain(message);
    expect(error.message).toContain(`bad.yaml:${line}:`);
  });

  it('refuses partition and blackhole among random faults: they need a target', () => {
    const error = issuesOf(
      VALID.replace(
        '  steps:',
        '  random: { seed: 7, count: 3, between: [1s, 15s], services: [product], types: [error, partition], duration: [3, 6] }\n  steps:',
      ),
    );
    expect(error.issues[0]).toMatchObject({ field: 'method.random.types[1]', line: 21 });
    expect(error.issues[0]?.message).toContain('partition needs a target');
  });
});

describe(parseSuite.name, () => {
  const suite = (types: string): string => `name: s
title: S
load: { scenario: normal, vus: 2 }
baseline: { reset: false, timeout: 60s }
fault_run: { duration: 10s, budget: 30s }
quiet_timeout: 30s
cases:
  - faults: { services: [product, db], types: ${types} }
`;

  it('runs the types of a fault matrix service-wide, latency and leak included', () => {
    const parsed = parseSuite(suite('[timeout, latency, leak]'), 'suite.yaml');
    expect(parsed.cases.map((c) => c.label)).toEqual([
      'fault product-service timeout i1 p1',
      'fault product-service latency i1 p1',
      'fault product-service leak i1 p1',
      'fault db-service timeout i1 p1',
      'fault db-service latency i1 p1',
      'fault db-service leak i1 p1',
    ]);
  });

  it('refuses partition and blackhole in a fault matrix, which names no target', () => {
    let caught: unknown;
    try {
      parseSuite(suite('[error, blackhole]'), 'suite.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExperimentDefinitionError);
    expect((caught as ExperimentDefinitionError).issues[0]).toMatchObject({ field: 'cases[0].faults.types[1]', line: 8 });
    expect((caught as ExperimentDefinitionError).issues[0]?.message).toContain('blackhole needs a target');
  });
});
