import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { FAULT_LIMITS, FAULT_TYPES } from '@archaics/contracts';
import { AppError } from '../errors/app-error.ts';
import { captureLogger } from '../testing/log-capture.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { ChaosEngine } from './chaos-engine.ts';
import { CpuBurner } from './cpu-burner.ts';
import { MEBIBYTE, MemoryLeak } from './memory-leak.ts';

class FakeBurner extends CpuBurner {
  intensity: number | null = null;
  override start(intensity: number): void {
    this.intensity = intensity;
  }
  override stop(): void {
    this.intensity = null;
  }
}

function engine(overrides: Partial<ConstructorParameters<typeof ChaosEngine>[0]> = {}) {
  const log = captureLogger('db-service');
  const metrics = createMetrics('db-service', { defaults: false });
  const cpu = new FakeBurner();
  const chaos = new ChaosEngine({ service: 'db-service', allowedTypes: FAULT_TYPES, logger: log.logger, metrics, cpu, ...overrides });
  return { chaos, log, metrics, cpu };
}

/** An engine of a caller (product) that knows its routes and upstreams, as the plugin and clients teach it. */
function callerEngine(overrides: Partial<ConstructorParameters<typeof ChaosEngine>[0]> = {}) {
  const made = engine({ service: 'product-service', ...overrides });
  for (const route of ['/products', '/cart/add']) made.chaos.addRoute(route);
  for (const upstream of ['auth-service', 'db-service']) made.chaos.addUpstream(upstream);
  return made;
}

function badParam(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).statusCode).toBe(400);
    return (error as AppError).detail ?? '';
  }
  throw new Error('expected a 400');
}

describe(ChaosEngine.name, () => {
  it('names each bad parameter in a 400', () => {
    const { chaos } = engine();
    expect(badParam(() => chaos.inject({}))).toMatch(/type is required/);
    expect(badParam(() => chaos.inject({ type: 'meltdown' }))).toMatch(/unknown type.*allowed: timeout, error, cpu, crash, bad_data/);
    expect(badParam(() => chaos.inject({ type: 'error', intensity: '0' }))).toMatch(/^intensity/);
    expect(badParam(() => chaos.inject({ type: 'error', intensity: '11' }))).toMatch(/^intensity/);
    expect(badParam(() => chaos.inject({ type: 'error', intensity: '2.5' }))).toMatch(/^intensity/);
    expect(badParam(() => chaos.inject({ type: 'error', probability: '1.5' }))).toMatch(/^probability/);
    expect(badParam(() => chaos.inject({ type: 'error', probability: 'abc' }))).toMatch(/^probability/);
    expect(badParam(() => chaos.inject({ type: 'error', duration: '0' }))).toMatch(/^duration/);
    expect(badParam(() => chaos.inject({ type: 'error', duration: '86401' }))).toMatch(/^duration/);
    expect(badParam(() => chaos.inject({ type: 'error', duration: '-5' }))).toMatch(/^duration/);
  });

  it('refuses bad_data on a service other than db', () => {
    const { chaos } = engine({ service: 'auth-service', allowedTypes: FAULT_TYPES.filter((t) => t !== 'bad_data') });
    expect(badParam(() => chaos.inject({ type: 'bad_data' }))).toMatch(/not supported by auth-service/);
  });

  it('applies defaults: intensity 1, probability 1, no expiry', () => {
    const { chaos } = engine();
    const state = chaos.inject({ type: 'timeout' });
    expect(state).toMatchObject({ type: 'timeout', intensity: 1, probability: 1, expires_at: null, remaining_s: null });
    expect(chaos.draw()).toMatchObject({ type: 'timeout', intensity: 1 });
  });

  it('strikes requests with the given probability (statistically)', () => {
    const { chaos } = engine();
    chaos.inject({ type: 'error', probability: '0.3' });
    const n = 20_000;
    let hits = 0;
    for (let i = 0; i < n; i++) if (chaos.draw()) hits++;
    // 0.3 ± 5 standard deviations of a binomial(20000, 0.3): sd ≈ 0.0032
    expect(Math.abs(hits / n - 0.3)).toBeLessThan(0.017);
  });

  it('never strikes at probability 0 and always at 1', () => {
    const { chaos } = engine();
    chaos.inject({ type: 'error', probability: '0' });
    for (let i = 0; i < 1000; i++) expect(chaos.draw()).toBeUndefined();
    chaos.inject({ type: 'error', probability: '1' });
    for (let i = 0; i < 1000; i++) expect(chaos.draw()).toBeDefined();
  });

  it('expires a timed fault on its own, with no traffic, within a second', async () => {
    const { chaos, metrics, log } = engine();
    chaos.inject({ type: 'error', duration: '0.3' });
    expect(chaos.state()?.remaining_s).toBeGreaterThan(0);
    await sleep(450);
    expect(chaos.state()).toBeNull();
    expect(
      (await metrics.registry.getSingleMetric('chaos_failure_active')?.get())?.values.find((v) => v.labels.type === 'error')?.value,
    ).toBe(0);
    expect(log.records().some((r) => r.level === 'WARN' && String(r.message).includes('expired'))).toBe(true);
  });

  it('counts injections and marks the active fault in metrics', async () => {
    const { chaos, metrics } = engine();
    chaos.inject({ type: 'timeout' });
    chaos.inject({ type: 'error' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('chaos_injections_total{service="db-service",type="timeout"} 1');
    expect(text).toContain('chaos_failure_active{service="db-service",type="error",scope="service"} 1');
    expect(text).toContain('chaos_failure_active{service="db-service",type="timeout",scope="service"} 0');
  });

  it('aborts pending injected delays on reset', () => {
    const { chaos } = engine();
    chaos.inject({ type: 'timeout' });
    const drawn = chaos.draw();
    expect(drawn?.signal.aborted).toBe(false);
    expect(chaos.reset()).toBe('timeout');
    expect(drawn?.signal.aborted).toBe(true);
    expect(chaos.reset()).toBeNull();
  });

  it('starts CPU pressure scaled by intensity and stops it on reset and expiry', async () => {
    const { chaos, cpu } = engine();
    chaos.inject({ type: 'cpu', intensity: '7' });
    expect(cpu.intensity).toBe(7);
    expect(chaos.draw()).toBeUndefined();
    chaos.reset();
    expect(cpu.intensity).toBeNull();
    chaos.inject({ type: 'cpu', intensity: '3', duration: '0.2' });
    expect(cpu.intensity).toBe(3);
    await sleep(350);
    expect(cpu.intensity).toBeNull();
  });

  it('exits with code 1 on crash', () => {
    const exit = vi.fn();
    const { chaos, log } = engine({ exit });
    chaos.inject({ type: 'crash', probability: '0.5' });
    chaos.crash();
    expect(exit).toHaveBeenCalledWith(1);
    expect(log.records().some((r) => r.level === 'ERROR' && String(r.message).includes('crash'))).toBe(true);
  });

  it('names each bad SPEC 2.1 parameter in a 400', () => {
    const { chaos } = callerEngine();
    for (const ms of ['0', '30001', '2.5', '-1', 'abc', '']) {
      expect(badParam(() => chaos.inject({ type: 'latency', ms }))).toMatch(/^ms must be an integer 1..30000/);
    }
    for (const jitter of ['1.01', '-0.1', 'x', '']) {
      expect(badParam(() => chaos.inject({ type: 'latency', jitter }))).toMatch(/^jitter must be a number 0..1/);
    }
    for (const status of ['404', '200', '500.0', 'abc', '']) {
      expect(badParam(() => chaos.inject({ type: 'error', status }))).toMatch(/^status must be one of 500, 502, 503, 429/);
    }
    expect(badParam(() => chaos.inject({ type: 'error', ms: '100' }))).toMatch(/^ms applies to type latency only/);
    expect(badParam(() => chaos.inject({ type: 'timeout', jitter: '0.5' }))).toMatch(/^jitter applies to type latency only/);
    expect(badParam(() => chaos.inject({ type: 'latency', status: '503' }))).toMatch(/^status applies to type error only/);
    expect(badParam(() => chaos.inject({ type: 'error', route: '/nope' }))).toMatch(
      /^route "\/nope" is not a route of product-service; its routes: \/cart\/add, \/products$/,
    );
    expect(badParam(() => chaos.inject({ type: 'error', target: 'payment-service' }))).toMatch(
      /^target "payment-service" is not called by product-service; its targets: auth-service, db-service$/,
    );
    expect(badParam(() => chaos.inject({ type: 'error', route: '/products', target: 'db-service' }))).toMatch(/route or target, not both/);
    expect(badParam(() => chaos.inject({ type: 'partition' }))).toMatch(/^target is required for partition/);
    expect(badParam(() => chaos.inject({ type: 'blackhole', route: '/products' }))).toMatch(/^target is required for blackhole/);
    for (const type of ['cpu', 'leak', 'crash']) {
      expect(badParam(() => chaos.inject({ type, route: '/products' }))).toMatch(new RegExp(`^route does not apply to ${type}`));
      expect(badParam(() => chaos.inject({ type, target: 'db-service' }))).toMatch(new RegExp(`^target does not apply to ${type}`));
    }
    expect(chaos.states()).toEqual([]);
  });

  it('says a service that calls nobody has no targets', () => {
    const { chaos } = engine();
    expect(badParam(() => chaos.inject({ type: 'error', target: 'auth-service' }))).toMatch(/db-service calls no other service$/);
  });

  it('defaults latency to 100 ms × intensity and error to 500', () => {
    const { chaos } = callerEngine();
    expect(chaos.inject({ type: 'latency', intensity: '3' })).toMatchObject({ ms: 300, jitter: 0 });
    expect(chaos.draw()).toMatchObject({ type: 'latency', delayMs: 300 });
    expect(chaos.inject({ type: 'error' })).toMatchObject({ status: 500 });
    expect(chaos.draw()).toMatchObject({ type: 'error', status: 500 });
    expect(chaos.draw()?.retryAfterS).toBeUndefined();
  });

  it('draws latency delays within ms × (1 ± jitter)', () => {
    const { chaos } = callerEngine();
    chaos.inject({ type: 'latency', ms: '200', jitter: '0.5' });
    const delays = Array.from({ length: 2000 }, () => chaos.draw()?.delayMs ?? Number.NaN);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...delays)).toBeLessThanOrEqual(300);
    // Uniform on [100, 300]: both quarters near the ends are reached.
    expect(delays.some((d) => d < 150)).toBe(true);
    expect(delays.some((d) => d > 250)).toBe(true);
  });

  it('gives a 429 the seconds left as Retry-After, at least 1', () => {
    let now = 1_000_000;
    const { chaos } = callerEngine({ now: () => now });
    chaos.inject({ type: 'error', status: '429', duration: '30' });
    expect(chaos.draw()).toMatchObject({ status: 429, retryAfterS: 30 });
    now += 29_500;
    expect(chaos.draw()?.retryAfterS).toBe(1);
    chaos.inject({ type: 'error', status: '429' });
    expect(chaos.draw()?.retryAfterS).toBe(1);
  });

  it('holds one fault per scope and replaces only the one of the same scope', () => {
    const { chaos } = callerEngine();
    chaos.inject({ type: 'latency', ms: '50' });
    chaos.inject({ type: 'error', route: '/cart/add' });
    chaos.inject({ type: 'partition', target: 'db' });
    chaos.inject({ type: 'blackhole', target: 'auth-service' });
    expect(chaos.states().map((f) => `${f.scope}=${f.type}`)).toEqual([
      'service=latency',
      'route:/cart/add=error',
      'edge:auth-service=blackhole',
      'edge:db-service=partition',
    ]);
    chaos.inject({ type: 'error', status: '503', target: 'db-service' });
    expect(chaos.states().map((f) => `${f.scope}=${f.type}`)).toEqual([
      'service=latency',
      'route:/cart/add=error',
      'edge:auth-service=blackhole',
      'edge:db-service=error',
    ]);
    expect(chaos.state()).toMatchObject({ type: 'latency', scope: 'service' });
  });

  it('strikes a route fault only on its route and an edge fault only on its upstream', () => {
    const { chaos } = callerEngine();
    chaos.inject({ type: 'error', route: '/cart/add' });
    chaos.inject({ type: 'partition', target: 'db-service' });
    expect(chaos.drawRequest('/products')).toEqual([]);
    expect(chaos.drawRequest(undefined)).toEqual([]);
    expect(chaos.drawRequest('/cart/add')).toMatchObject([{ type: 'error', scope: 'route:/cart/add' }]);
    expect(chaos.drawEdge('auth-service')).toBeUndefined();
    expect(chaos.drawEdge('db-service')).toMatchObject({ type: 'partition', scope: 'edge:db-service' });
    chaos.inject({ type: 'latency', ms: '10' });
    expect(chaos.drawRequest('/cart/add').map((f) => f.scope)).toEqual(['service', 'route:/cart/add']);
    // A service-wide fault acts on requests, never on dependency calls.
    expect(chaos.drawEdge('auth-service')).toBeUndefined();
  });

  it('resets one scope by its label, route or target, and refuses bad ones with a 400', async () => {
    const { chaos, metrics } = callerEngine();
    const injectAll = (): void => {
      chaos.inject({ type: 'latency', ms: '50' });
      chaos.inject({ type: 'error', route: '/cart/add' });
      chaos.inject({ type: 'partition', target: 'db-service' });
    };
    injectAll();
    expect(chaos.resetScope({ scope: 'edge:db-service' })).toEqual({
      cleared: 'partition',
      cleared_faults: [{ type: 'partition', scope: 'edge:db-service' }],
    });
    expect(chaos.states().map((f) => f.scope)).toEqual(['service', 'route:/cart/add']);
    expect(await metrics.registry.metrics()).toContain(
      'chaos_failure_active{service="product-service",type="partition",scope="edge:db-service"} 0',
    );
    expect(chaos.resetScope({ scope: 'service' }).cleared_faults).toEqual([{ type: 'latency', scope: 'service' }]);
    expect(chaos.resetScope({ scope: 'route:/cart/add' }).cleared_faults).toEqual([{ type: 'error', scope: 'route:/cart/add' }]);
    expect(chaos.resetScope({ scope: 'service' })).toEqual({ cleared: null, cleared_faults: [] });

    injectAll();
    expect(chaos.resetScope({ target: 'db' }).cleared_faults).toEqual([{ type: 'partition', scope: 'edge:db-service' }]);
    expect(chaos.resetScope({ route: '/cart/add' }).cleared_faults).toEqual([{ type: 'error', scope: 'route:/cart/add' }]);
    expect(chaos.states().map((f) => f.scope)).toEqual(['service']);

    injectAll();
    for (const scope of [
      '',
      'edge',
      'everything',
      'Service',
      'route:',
      'route:/nope',
      'edge:',
      'edge:payment-service',
      'target:db-service',
    ]) {
      expect(badParam(() => chaos.resetScope({ scope }))).toMatch(/^(scope must be|route "|target ")/);
    }
    expect(badParam(() => chaos.resetScope({ route: '/nope' }))).toMatch(/^route "\/nope" is not a route/);
    expect(badParam(() => chaos.resetScope({ target: 'nobody' }))).toMatch(/^target "nobody" is not called/);
    expect(badParam(() => chaos.resetScope({ scope: 'service', route: '/cart/add' }))).toMatch(/one of scope, route or target/);
    expect(chaos.states()).toHaveLength(3);
    expect(chaos.resetScope({}).cleared_faults.map((f) => f.scope)).toEqual(['service', 'route:/cart/add', 'edge:db-service']);
    expect(chaos.states()).toEqual([]);
  });

  it('reports a leak with the MiB it holds, and frees them on reset', async () => {
    const leak = new MemoryLeak(FAULT_LIMITS.leak.capMiB * MEBIBYTE);
    const { chaos } = engine({ leak });
    chaos.inject({ type: 'leak', intensity: '8' });
    await sleep(600);
    expect(chaos.state()?.leaked_mib).toBeGreaterThanOrEqual(4);
    expect(chaos.draw()).toBeUndefined();
    chaos.reset();
    expect(leak.heldBytes).toBe(0);
    expect(chaos.states()).toEqual([]);
  });
});
