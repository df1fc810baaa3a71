import { describe, expect, it } from 'vitest';
import { VuRamp } from './vu-ramp.ts';

describe(VuRamp.name, () => {
  it('ramps up, holds and ramps down like k6', () => {
    const ramp = new VuRamp(0, [
      { durationMs: 5_000, target: 50 },
      { durationMs: 30_000, target: 50 },
      { durationMs: 10_000, target: 0 },
    ]);
    expect(ramp.durationMs).toBe(45_000);
    expect(ramp.peak).toBe(50);
    expect(ramp.vusAt(0)).toBe(0);
    expect(ramp.vusAt(99)).toBe(0);
    expect(ramp.vusAt(100)).toBe(1);
    expect(ramp.vusAt(2_500)).toBe(25);
    expect(ramp.vusAt(20_000)).toBe(50);
    expect(ramp.vusAt(40_000)).toBe(25);
    expect(ramp.vusAt(44_999)).toBe(1);
    expect(ramp.vusAt(45_000)).toBe(0);
  });

  it('jumps on a stage of no duration', () => {
    const ramp = new VuRamp(2, [
      { durationMs: 0, target: 10 },
      { durationMs: 1_000, target: 10 },
    ]);
    expect(ramp.vusAt(0)).toBe(10);
  });
});
