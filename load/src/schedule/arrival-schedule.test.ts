import { describe, expect, it } from 'vitest';
import { ArrivalSchedule } from './arrival-schedule.ts';

describe(ArrivalSchedule.name, () => {
  it('spaces a constant rate evenly from the start', () => {
    const schedule = new ArrivalSchedule([{ durationMs: 20_000, fromPerS: 500, toPerS: 500 }]);
    expect(schedule.total).toBe(10_000);
    expect(schedule.at(0)).toBe(0);
    expect(schedule.at(1)).toBeCloseTo(2, 9);
    expect(schedule.at(9_999)).toBeCloseTo(19_998, 6);
  });

  it('follows a ramp: the count due is the area under the rate', () => {
    // 0 → 100/s over 10 s: 500 iterations, the first half of them in the last ~2.93 s.
    const schedule = new ArrivalSchedule([{ durationMs: 10_000, fromPerS: 0, toPerS: 100 }]);
    expect(schedule.total).toBe(500);
    expect(schedule.at(250)).toBeCloseTo(10_000 * Math.SQRT1_2, 6);
    expect(schedule.at(499)).toBeLessThan(10_000);
  });

  it('chains stages and never goes back in time', () => {
    const schedule = new ArrivalSchedule([
      { durationMs: 5_000, fromPerS: 10, toPerS: 50 },
      { durationMs: 0, fromPerS: 50, toPerS: 200 },
      { durationMs: 10_000, fromPerS: 200, toPerS: 200 },
      { durationMs: 5_000, fromPerS: 200, toPerS: 0 },
    ]);
    expect(schedule.total).toBe(150 + 2_000 + 500);
    let previous = -1;
    for (let i = 0; i < schedule.total; i++) {
      const at = schedule.at(i);
      expect(at).toBeGreaterThanOrEqual(previous);
      previous = at;
    }
    expect(schedule.at(150)).toBeCloseTo(5_000, 6);
    expect(schedule.at(2_150)).toBeCloseTo(15_000, 6);
    expect(previous).toBeLessThan(20_000);
  });

  it('answers random access after sequential access', () => {
    const schedule = new ArrivalSchedule([
      { durationMs: 1_000, fromPerS: 100, toPerS: 100 },
      { durationMs: 1_000, fromPerS: 10, toPerS: 10 },
    ]);
    expect(schedule.at(105)).toBeCloseTo(1_500, 6);
    expect(schedule.at(3)).toBeCloseTo(30, 6);
    expect(() => schedule.at(110)).toThrow(RangeError);
  });
});
