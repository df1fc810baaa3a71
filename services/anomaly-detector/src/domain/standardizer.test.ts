import { describe, expect, it } from 'vitest';
import { Standardizer } from './standardizer.ts';

describe(Standardizer.name, () => {
  const baseline = [
    [1, 10, 5],
    [2, 20, 5],
    [3, 30, 5],
    [4, 40, 5],
  ];

  it('does centre and scale each feature by the baseline mean and population std', () => {
    const scaler = Standardizer.fit(baseline);
    expect(scaler.mean).toEqual([2.5, 25, 5]);
    expect(scaler.std[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    const scaled = scaler.transform(baseline);
    for (const j of [0, 1]) {
      const column = scaled.map((row) => row[j]!);
      expect(column.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
      expect(column.reduce((a, b) => a + b * b, 0) / column.length).toBeCloseTo(1, 12);
    }
  });

  it('does keep a feature that was constant in the baseline at scale 1', () => {
    const scaler = Standardizer.fit(baseline);
    expect(scaler.std[2]).toBe(1);
    expect(scaler.transformRow([2.5, 25, 5])).toEqual([0, 0, 0]);
    expect(scaler.transformRow([2.5, 25, 8])[2]).toBe(3);
  });

  it('does load back from JSON with the same transform', () => {
    const scaler = Standardizer.fit(baseline);
    const loaded = Standardizer.fromJSON(JSON.parse(JSON.stringify(scaler)));
    expect(loaded.transform([[7, -3, 1]])).toEqual(scaler.transform([[7, -3, 1]]));
    expect(() => Standardizer.fromJSON({ mean: [0], std: [0] })).toThrow(TypeError);
  });

  it('does refuse ragged, empty or non-finite input and rows of the wrong width', () => {
    expect(() => Standardizer.fit([])).toThrow(RangeError);
    expect(() => Standardizer.fit([[1, 2], [3]])).toThrow(RangeError);
    expect(() => Standardizer.fit([[1, Number.NaN]])).toThrow(RangeError);
    expect(() => Standardizer.fit(baseline).transformRow([1, 2])).toThrow(RangeError);
  });
});
