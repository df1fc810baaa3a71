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
});
