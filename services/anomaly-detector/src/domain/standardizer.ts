export type Matrix = readonly (readonly number[])[];

export interface StandardizerJSON {
  mean: number[];
  std: number[];
}

/**
 * Scales each feature by a baseline's mean and population standard deviation; a feature
 * that was constant in the baseline keeps scale 1 (as scikit-learn's StandardScaler does).
 */
export class Standardizer {
  readonly mean: readonly number[];
  readonly std: readonly number[];

  private constructor(mean: number[], std: number[]) {
    this.mean = Object.freeze(mean);
    this.std = Object.freeze(std);
  }

  static fit(baseline: Matrix): Standardizer {
    const width = checkMatrix(baseline);
    const mean = new Array<number>(width).fill(0);
    for (const row of baseline) for (let j = 0; j < width; j++) mean[j]! += row[j]! / baseline.length;
    const variance = new Array<number>(width).fill(0);
    for (const row of baseline) for (let j = 0; j < width; j++) variance[j]! += (row[j]! - mean[j]!) ** 2 / baseline.length;
    const std = variance.map((v) => {
      const s = Math.sqrt(v);
      return Number.isFinite(s) && s > 0 ? s : 1;
    });
    return new Standardizer(mean, std);
  }

  static fromJSON(json: unknown): Standardizer {
    const { mean, std } = (json ?? {}) as Partial<StandardizerJSON>;
    const isVector = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!isVector(mean) || !isVector(std) || mean.length !== std.length || mean.length === 0 || std.some((s) => s <= 0)) {
      throw new TypeError('standardizer JSON needs equal-length finite mean and positive std vectors');
    }
    return new Standardizer([...mean], [...std]);
  }

  get features(): number {
    return this.mean.length;
  }

  transform(X: Matrix): number[][] {
    return X.map((row) => this.transformRow(row));
  }

  transformRow(row: readonly number[]): number[] {
    if (row.length !== this.features) throw new RangeError(`expected ${this.features} features, got ${row.length}`);
    return row.map((x, j) => (x - this.mean[j]!) / this.std[j]!);
  }

  toJSON(): StandardizerJSON {
    return { mean: [...this.mean], std: [...this.std] };
  }
}

/** Checks that X is a non-empty rectangular matrix of finite numbers and returns its width. */
export function checkMatrix(X: Matrix): number {
  const first = X[0];
  if (!first || first.length === 0) throw new RangeError('expected at least one row with at least one feature');
  for (const [i, row] of X.entries()) {
    if (row.length !== first.length) throw new RangeError(`row ${i} has ${row.length} features, expected ${first.length}`);
    if (!row.every(Number.isFinite)) throw new RangeError(`row ${i} has a value that is not a finite number`);
  }
  return first.length;
}
