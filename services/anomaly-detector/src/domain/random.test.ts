import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.ts';

describe(SeededRandom.name, () => {
  it('does repeat its sequence for the same seed and change it for another', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 20 }, () => random.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('does draw floats in [0, 1) and uniforms in [low, high) with a mean near the middle', () => {
    const random = new SeededRandom(1);
    const draws = Array.from({ length: 10_000 }, () => random.uniform(-3, 5));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...draws)).toBeLessThan(5);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(1, 1);
    expect(random.uniform(2, 2)).toBe(2);
    expect(Number.isFinite(random.uniform(-Number.MAX_VALUE, Number.MAX_VALUE))).toBe(true);
  });

  it('does sample distinct indices without replacement', () => {
    const random = new SeededRandom(7);
    const sample = random.sampleWithoutReplacement(300, 256);
    expect(sample).toHaveLength(256);
    expect(new Set(sample).size).toBe(256);
    expect(sample.every((i) => Number.isInteger(i) && i >= 0 && i < 300)).toBe(true);
    expect(random.sampleWithoutReplacement(5, 5).toSorted()).toEqual([0, 1, 2, 3, 4]);
    expect(() => random.sampleWithoutReplacement(3, 4)).toThrow(RangeError);
  });

  it('does pick every index about equally often', () => {
    const random = new SeededRandom(3);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) for (const j of random.sampleWithoutReplacement(10, 3)) counts[j]!++;
    for (const count of counts) expect(Math.abs(count - 6000)).toBeLessThan(300);
  });
});
