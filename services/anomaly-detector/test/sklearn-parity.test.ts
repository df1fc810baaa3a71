import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IsolationForest } from '../src/index.ts';

// Written by fixtures/make-sklearn-reference.py (apt-get install python3-sklearn) and committed.
const FIXTURE = new URL('./fixtures/sklearn-reference.json', import.meta.url);

interface SklearnReference {
  max_samples: number;
  data: number[][];
  score_samples: number[];
  offset: number;
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const result = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
    for (let k = start; k <= end; k++) result[order[k]![1]] = (start + end) / 2;
    start = end + 1;
  }
  return result;
}

function spearman(a: readonly number[], b: readonly number[]): number {
  const [ra, rb] = [ranks(a), ranks(b)];
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(ra), mean(rb)];
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < ra.length; i++) {
    cov += (ra[i]! - ma) * (rb[i]! - mb);
    va += (ra[i]! - ma) ** 2;
    vb += (rb[i]! - mb) ** 2;
  }
  return cov / Math.sqrt(va * vb);
}

/** Indices of the k lowest score_samples (the most anomalous). */
function mostAnomalous(scores: readonly number[], k: number): Set<number> {
  return new Set(
    scores
      .map((s, i) => [s, i] as const)
      .sort((a, b) => a[0] - b[0])
      .slice(0, k)
      .map(([, i]) => i),
  );
}

describe(`${IsolationForest.name} against scikit-learn`, () => {
  const reference = JSON.parse(readFileSync(FIXTURE, 'utf8')) as SklearnReference;

  it('does score like scikit-learn on the same data (different random draws, so statistically)', () => {
    const { data, score_samples: expected, offset, max_samples } = reference;
    const forest = new IsolationForest({ seed: 0 }).fit(data);
    const actual = forest.scoreSamples(data);
    expect(forest.maxSamples).toBe(max_samples);
    expect(forest.offset).toBe(offset);
    expect(spearman(actual, expected)).toBeGreaterThanOrEqual(0.9);
    const ours = mostAnomalous(actual, 20);
    const shared = [...mostAnomalous(expected, 20)].filter((i) => ours.has(i)).length;
    expect(shared).toBeGreaterThanOrEqual(16);
    const meanAbsoluteDifference = actual.reduce((sum, s, i) => sum + Math.abs(s - expected[i]!), 0) / actual.length;
    expect(meanAbsoluteDifference).toBeLessThan(0.03);
  });
});
