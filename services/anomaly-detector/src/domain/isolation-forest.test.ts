import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsolationForest, averagePathLength, percentile } from './isolation-forest.ts';
import type { IsolationTreeJSON } from './isolation-forest.ts';
import { SeededRandom } from './random.ts';

/** n points from a standard 2-D Gaussian (Box-Muller), reproducible from the seed. */
function gaussianCluster(n: number, seed: number): number[][] {
  const random = new SeededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  return Array.from({ length: n }, () => [normal(), normal()]);
}

function treeDepth(tree: IsolationTreeJSON, node = 0): number {
  if (tree.feature[node] === -1) return 0;
  return 1 + Math.max(treeDepth(tree, tree.left[node]), treeDepth(tree, tree.right[node]));
}

const cluster = gaussianCluster(500, 11);
const outliers = [
  [8, 8],
  [-7, 6],
  [9, -9],
  [0, 10],
  [-10, -1],
];

describe(averagePathLength.name, () => {
  it('does give c(n) as scikit-learn defines it', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(3)).toBeCloseTo(2 * (Math.log(2) + 0.5772156649015329) - 4 / 3, 12);
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 4);
  });
});

describe(percentile.name, () => {
  it('does interpolate linearly like numpy.percentile', () => {
    expect(percentile([3, 1, 2, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 10)).toBeCloseTo(1.4, 12);
    expect(percentile([7], 10)).toBe(7);
    expect(percentile([1, 2], 100)).toBe(2);
  });
});

describe(IsolationForest.name, () => {
  it('does build the same model and scores from the same seed and different ones from another', () => {
    const a = new IsolationForest({ seed: 5 }).fit(cluster);
    const b = new IsolationForest({ seed: 5 }).fit(cluster);
    const c = new IsolationForest({ seed: 6 }).fit(cluster);
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(a.scoreSamples(cluster)).toEqual(b.scoreSamples(cluster));
    expect(c.scoreSamples(cluster)).not.toEqual(a.scoreSamples(cluster));
  });

  it('does score identically after a JSON round trip', () => {
    const forest = new IsolationForest({ seed: 2, contamination: 0.05 }).fit(cluster);
    const loaded = IsolationForest.fromJSON(JSON.parse(JSON.stringify(forest)));
    const probe = [...cluster, ...outliers, [0.123456789, -1e-9]];
    expect(loaded.scoreSamples(probe)).toEqual(forest.scoreSamples(probe));
    expect(loaded.decisionFunction(probe)).toEqual(forest.decisionFunction(probe));
    expect(loaded.offset).toBe(forest.offset);
    expect(loaded.toJSON()).toEqual(forest.toJSON());
  });

  it('does give clear outliers higher anomaly scores than the cluster', () => {
    const forest = new IsolationForest({ seed: 1 }).fit([...cluster, ...outliers]);
    const clusterScores = forest.anomalyScore(cluster);
    const outlierScores = forest.anomalyScore(outliers);
    expect(Math.min(...outlierScores)).toBeGreaterThan(Math.max(...clusterScores));
    expect(Math.min(...outlierScores)).toBeGreaterThan(0.6);
    expect(percentile(clusterScores, 50)).toBeLessThan(0.5);
    expect(forest.predict(outliers)).toEqual([-1, -1, -1, -1, -1]);
    expect(forest.anomalyScore([[0, 0]])[0]).toBeLessThan(forest.anomalyScore([[3, 3]])[0]!);
  });

  it('does relate its scores the way scikit-learn does', () => {
    const forest = new IsolationForest({ seed: 3 }).fit(cluster);
    const probe = [...cluster.slice(0, 20), ...outliers];
    const anomaly = forest.anomalyScore(probe);
    const samples = forest.scoreSamples(probe);
    const decision = forest.decisionFunction(probe);
    expect(forest.offset).toBe(-0.5);
    probe.forEach((_, i) => {
      expect(samples[i]).toBe(-anomaly[i]!);
      expect(decision[i]).toBe(samples[i]! + 0.5);
    });
    expect(forest.predict(probe)).toEqual(decision.map((d) => (d < 0 ? -1 : 1)));
  });

  it("does answer scikit-learn's docstring example: -1.1, 0.3, 0.5, 100 → 0.1 and 0 normal, 90 an outlier", () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      const forest = new IsolationForest({ seed }).fit([[-1.1], [0.3], [0.5], [100]]);
      expect(forest.predict([[0.1], [0], [90]])).toEqual([1, 1, -1]);
    }
  });

  it('does flag about the contamination share of the training set', () => {
    const forest = new IsolationForest({ seed: 4, contamination: 0.1 }).fit(cluster);
    const flagged = forest.predict(cluster).filter((p) => p === -1).length;
    expect(flagged).toBeGreaterThanOrEqual(49);
    expect(flagged).toBeLessThanOrEqual(51);
    expect(forest.offset).toBe(percentile(forest.scoreSamples(cluster), 10));
  });

  it('does grow trees on min(256, n) rows no deeper than ceil(log2(maxSamples))', () => {
    const big = new IsolationForest({ seed: 8 }).fit(gaussianCluster(1000, 9));
    expect(big.maxSamples).toBe(256);
    expect(big.maxDepth).toBe(8);
    const { trees } = big.toJSON();
    expect(trees).toHaveLength(100);
    for (const tree of trees) {
      expect(tree.size[0]).toBe(256);
      expect(treeDepth(tree)).toBeLessThanOrEqual(8);
    }
    expect(Math.max(...trees.map((tree) => treeDepth(tree)))).toBe(8);

    const small = new IsolationForest({ seed: 8, nEstimators: 10 }).fit(cluster.slice(0, 30));
    expect(small.maxSamples).toBe(30);
    expect(small.maxDepth).toBe(5);
    for (const tree of small.toJSON().trees) expect(treeDepth(tree)).toBeLessThanOrEqual(5);
  });

  it('does score 0.5 everywhere when it learned from a single row or only duplicates', () => {
    expect(
      new IsolationForest().fit([[1, 2]]).anomalyScore([
        [1, 2],
        [50, -3],
      ]),
    ).toEqual([0.5, 0.5]);
    const duplicates = Array.from({ length: 40 }, () => [3, 3, 3]);
    for (const score of new IsolationForest().fit(duplicates).anomalyScore([
      [3, 3, 3],
      [9, 0, 1],
    ]))
      expect(score).toBeCloseTo(0.5, 12);
  });

  it('does refuse bad options, unfitted use, wrong widths and malformed JSON', () => {
    expect(() => new IsolationForest({ nEstimators: 0 })).toThrow(RangeError);
    expect(() => new IsolationForest({ contamination: 0.6 })).toThrow(RangeError);
    expect(() => new IsolationForest({ maxSamples: 1.5 })).toThrow(RangeError);
    expect(() => new IsolationForest().scoreSamples([[1]])).toThrow(/not fitted/);
    const forest = new IsolationForest({ nEstimators: 5 }).fit(cluster);
    expect(() => forest.scoreSamples([[1, 2, 3]])).toThrow(RangeError);
    expect(() => forest.fit([[1, Number.POSITIVE_INFINITY]])).toThrow(RangeError);
    const json = forest.toJSON();
    expect(() => IsolationForest.fromJSON({ ...json, version: 2 })).toThrow(TypeError);
    expect(() => IsolationForest.fromJSON({ ...json, trees: json.trees.slice(1) })).toThrow(TypeError);
    const cyclic = structuredClone(json);
    cyclic.trees[0]!.left[0] = 0;
    expect(() => IsolationForest.fromJSON(cyclic)).toThrow(TypeError);
  });

  it('does keep anomaly scores finite and inside (0, 1) for any finite input', () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(0, -0, 1, 1e-8),
      fc.integer({ min: -3, max: 3 }),
    );
    const dataset = fc.integer({ min: 1, max: 4 }).chain((width) =>
      fc.record({
        train: fc.array(fc.array(value, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 40 }),
        probe: fc.array(fc.array(value, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 10 }),
        constantColumn: fc.option(fc.nat(width - 1), { nil: undefined }),
        duplicates: fc.nat(20),
        seed: fc.integer(),
      }),
    );
    fc.assert(
      fc.property(dataset, ({ train, probe, constantColumn, duplicates, seed }) => {
        const rows = [...train, ...Array.from({ length: duplicates }, () => [...train[0]!])];
        if (constantColumn !== undefined) for (const row of rows) row[constantColumn] = 42;
        const forest = new IsolationForest({ nEstimators: 10, seed, contamination: 0.1 }).fit(rows);
        for (const score of forest.anomalyScore([...rows, ...probe])) {
          expect(Number.isFinite(score)).toBe(true);
          expect(score).toBeGreaterThan(0);
          expect(score).toBeLessThan(1);
        }
        expect(forest.decisionFunction(probe).every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
