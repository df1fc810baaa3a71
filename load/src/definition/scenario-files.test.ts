import { describe, expect, it } from 'vitest';
import { planOf } from '../schedule/execution-plan.ts';
import { loadScenario, scenarioNames } from './scenario-files.ts';

describe(loadScenario.name, () => {
  it('has the SPEC §7 scenarios and the light products one', () => {
    expect(scenarioNames()).toEqual(['endurance', 'normal', 'products', 'spike', 'stress']);
  });

  it('loads every shared definition with its journey', () => {
    for (const name of scenarioNames()) {
      const definition = loadScenario(name);
      expect(definition.name).toBe(name);
      expect(definition.journey.steps.length).toBeGreaterThan(0);
      expect(Object.keys(definition.thresholds).length).toBeGreaterThan(0);
    }
  });

  it('carries the VUs and durations of SPEC §7', () => {
    const shape = (name: string): [string, number, number] => {
      const plan = planOf(loadScenario(name).load);
      if (plan.model !== 'closed') throw new Error(`${name} is not a closed model`);
      return [plan.executor, plan.ramp.peak, plan.durationMs];
    };
    expect(shape('normal')).toEqual(['constant-vus', 10, 30_000]);
    expect(shape('spike')).toEqual(['ramping-vus', 50, 45_000]);
    expect(shape('endurance')).toEqual(['constant-vus', 5, 120_000]);
    expect(shape('stress')).toEqual(['ramping-vus', 100, 70_000]);
    const spike = planOf(loadScenario('spike').load);
    const stress = planOf(loadScenario('stress').load);
    if (spike.model !== 'closed' || stress.model !== 'closed') throw new Error('closed models expected');
    expect([spike.ramp.vusAt(0), spike.ramp.vusAt(20_000), spike.ramp.vusAt(45_000)]).toEqual([0, 50, 0]);
    expect([stress.ramp.vusAt(0), stress.ramp.vusAt(65_000)]).toEqual([0, 100]);
  });

  it('runs the seed journey with a VU session, and the products scenario on a shared one', () => {
    const normal = loadScenario('normal').journey;
    expect(normal.session).toBe('per-vu');
    expect(normal.steps.map((s) => `${s.method} ${s.path} ${s.expect}`)).toEqual([
      'GET /products 200',
      'POST /cart/add 200',
      'GET /cart 200',
      'POST /create-checkout-session 201',
    ]);
    const products = loadScenario('products');
    expect(products.journey.session).toBe('shared');
    expect(products.load.executor).toBe('constant-arrival-rate');
  });

  it('refuses an unknown name with the list of known ones', () => {
    expect(() => loadScenario('nope')).toThrow('known: endurance, normal, products, spike, stress');
    expect(() => loadScenario('../etc')).toThrow();
  });
});
