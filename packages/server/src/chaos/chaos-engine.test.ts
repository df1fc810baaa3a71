import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { FAULT_TYPES } from '@archaics/contracts';
import { AppError } from '../errors/app-error.ts';
import { captureLogger } from '../testing/log-capture.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { ChaosEngine } from './chaos-engine.ts';
import { CpuBurner } from './cpu-burner.ts';

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
});
