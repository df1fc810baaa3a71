import { SeededRandom } from './random.ts';
import { checkMatrix } from './standardizer.ts';
import type { Matrix } from './standardizer.ts';

const EULER_GAMMA = 0.5772156649015329;
// scikit-learn's tree splitter treats a feature whose range in a node is this small as constant.
const FEATURE_THRESHOLD = 1e-7;
const LEAF = -1;

export interface IsolationForestOptions {
  /** Number of trees (default 100). */
  nEstimators?: number;
  /** Rows drawn without replacement per tree: 'auto' = min(256, n) (default); larger values are capped at n. */
  maxSamples?: 'auto' | number;
  /** 'auto' puts the offset at -0.5; a fraction in (0, 0.5] puts it at that percentile of the training scores. */
  contamination?: 'auto' | number;
  /** Seed of the tree-building random source (default 0). */
  seed?: number;
}

/** One isolation tree as parallel arrays; node 0 is the root, a leaf has feature -1. */
export interface IsolationTreeJSON {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** Training rows that reached the node. */
  size: number[];
}

export interface IsolationForestJSON {
  model: 'isolation-forest';
  version: 1;
  nEstimators: number;
  maxSamples: number;
  contamination: 'auto' | number;
  seed: number;
  nFeatures: number;
  offset: number;
  trees: IsolationTreeJSON[];
}

interface FittedState {
  maxSamples: number;
  nFeatures: number;
  offset: number;
  trees: IsolationTreeJSON[];
}

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n
 * nodes, used to normalise path lengths (Liu et al. 2008; scikit-learn's _average_path_length).
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** Isolation Forest scored like scikit-learn's sklearn.ensemble.IsolationForest. */
export class IsolationForest {
  readonly nEstimators: number;
  readonly maxSamplesOption: 'auto' | number;
  readonly contamination: 'auto' | number;
  readonly seed: number;
  #state: FittedState | undefined;

  constructor(options: IsolationForestOptions = {}) {
    const { nEstimators = 100, maxSamples = 'auto', contamination = 'auto', seed = 0 } = options;
    if (!Number.isSafeInteger(nEstimators) || nEstimators < 1)
      throw new RangeError(`nEstimators must be a positive integer, got ${nEstimators}`);
    if (maxSamples !== 'auto' && (!Number.isSafeInteger(maxSamples) || maxSamples < 1)) {
      throw new RangeError(`maxSamples must be 'auto' or a positive integer, got ${maxSamples}`);
    }
    if (contamination !== 'auto' && !(contamination > 0 && contamination <= 0.5)) {
      throw new RangeError(`contamination must be 'auto' or in (0, 0.5], got ${contamination}`);
    }
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    this.nEstimators = nEstimators;
    this.maxSamplesOption = maxSamples;
    this.contamination = contamination;
    this.seed = seed;
  }

  get fitted(): boolean {
    return this.#state !== undefined;
  }

  /** Rows each tree was grown on (min(256, n) for 'auto'). */
  get maxSamples(): number {
    return this.#fitted().maxSamples;
  }

  /** Depth limit of every tree: ceil(log2(maxSamples)). */
  get maxDepth(): number {
    return Math.ceil(Math.log2(Math.max(this.maxSamples, 2)));
  }

  /** What decisionFunction subtracts from scoreSamples. */
  get offset(): number {
    return this.#fitted().offset;
  }

  fit(X: Matrix): this {
    const nFeatures = checkMatrix(X);
    const n = X.length;
    const maxSamples = this.maxSamplesOption === 'auto' ? Math.min(256, n) : Math.min(this.maxSamplesOption, n);
    const maxDepth = Math.ceil(Math.log2(Math.max(maxSamples, 2)));
    const random = new SeededRandom(this.seed);
    const trees: IsolationTreeJSON[] = [];
    for (let t = 0; t < this.nEstimators; t++) {
      const rows = random.sampleWithoutReplacement(n, maxSamples).map((i) => X[i]!);
      trees.push(growTree(rows, nFeatures, maxDepth, random));
    }
    this.#state = { maxSamples, nFeatures, offset: -0.5, trees };
    if (this.contamination !== 'auto') this.#state.offset = percentile(this.scoreSamples(X), 100 * this.contamination);
    return this;
  }

  /** 2^(-E[h(x)] / c(maxSamples)) per row: near 1 is anomalous, well below 0.5 is normal. */
  anomalyScore(X: Matrix): number[] {
    const state = this.#fitted();
    if (X.length === 0) return [];
    if (checkMatrix(X) !== state.nFeatures) throw new RangeError(`expected ${state.nFeatures} features, got ${X[0]!.length}`);
    const denominator = state.trees.length * averagePathLength(state.maxSamples);
    return X.map((row) => {
      let total = 0;
      for (const tree of state.trees) total += pathLength(tree, row);
      // A single training row gives depth 0 over c(1) = 0; scikit-learn defines that ratio as 1.
      return 2 ** -(denominator === 0 ? 1 : total / denominator);
    });
  }

  /** scikit-learn's score_samples: the negated anomaly score (lower is more abnormal). */
  scoreSamples(X: Matrix): number[] {
    return this.anomalyScore(X).map((s) => -s);
  }

  /** scoreSamples - offset: negative for outliers. */
  decisionFunction(X: Matrix): number[] {
    const { offset } = this.#fitted();
    return this.scoreSamples(X).map((s) => s - offset);
  }

  /** -1 for an outlier, 1 for an inlier. */
  predict(X: Matrix): (1 | -1)[] {
    return this.decisionFunction(X).map((d) => (d < 0 ? -1 : 1));
  }

  toJSON(): IsolationForestJSON {
    const state = this.#fitted();
    return {
      model: 'isolation-forest',
      version: 1,
      nEstimators: this.nEstimators,
      maxSamples: state.maxSamples,
      contamination: this.contamination,
      seed: this.seed,
      nFeatures: state.nFeatures,
      offset: state.offset,
      trees: state.trees.map((tree) => ({
        feature: [...tree.feature],
        threshold: [...tree.threshold],
        left: [...tree.left],
        right: [...tree.right],
        size: [...tree.size],
      })),
    };
  }

  static fromJSON(json: unknown): IsolationForest {
    const model = parseModel(json);
    const forest = new IsolationForest({
      nEstimators: model.nEstimators,
      maxSamples: model.maxSamples,
      contamination: model.contamination,
      seed: model.seed,
    });
    forest.#state = { maxSamples: model.maxSamples, nFeatures: model.nFeatures, offset: model.offset, trees: model.trees };
    return forest;
  }

  #fitted(): FittedState {
    if (!this.#state) throw new Error('IsolationForest is not fitted: call fit() or fromJSON() first');
    return this.#state;
  }
}

function growTree(rows: readonly (readonly number[])[], nFeatures: number, maxDepth: number, random: SeededRandom): IsolationTreeJSON {
  const tree: IsolationTreeJSON = { feature: [], threshold: [], left: [], right: [], size: [] };
  const addNode = (size: number): number => {
    tree.feature.push(LEAF);
    tree.threshold.push(0);
    tree.left.push(LEAF);
    tree.right.push(LEAF);
    tree.size.push(size);
    return tree.size.length - 1;
  };
  const stack: { node: number; members: (readonly number[])[]; depth: number }[] = [
    { node: addNode(rows.length), members: [...rows], depth: 0 },
  ];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { node, members, depth } = item;
    if (depth >= maxDepth || members.length < 2) continue;
    // A random feature among those not constant in this node, as scikit-learn's random splitter ends up choosing.
    const candidates: { feature: number; low: number; high: number }[] = [];
    for (let j = 0; j < nFeatures; j++) {
      let low = Infinity;
      let high = -Infinity;
      for (const row of members) {
        const x = row[j]!;
        if (x < low) low = x;
        if (x > high) high = x;
      }
      if (high > low + FEATURE_THRESHOLD) candidates.push({ feature: j, low, high });
    }
    if (candidates.length === 0) continue;
    const { feature, low, high } = candidates[random.integer(candidates.length)]!;
    let threshold = random.uniform(low, high);
    if (!(threshold < high)) threshold = low;
    const leftMembers = members.filter((row) => row[feature]! <= threshold);
    const rightMembers = members.filter((row) => row[feature]! > threshold);
    const left = addNode(leftMembers.length);
    const right = addNode(rightMembers.length);
    tree.feature[node] = feature;
    tree.threshold[node] = threshold;
    tree.left[node] = left;
    tree.right[node] = right;
    stack.push({ node: right, members: rightMembers, depth: depth + 1 }, { node: left, members: leftMembers, depth: depth + 1 });
  }
  return tree;
}

function pathLength(tree: IsolationTreeJSON, row: readonly number[]): number {
  let node = 0;
  let depth = 0;
  for (let feature = tree.feature[0]!; feature !== LEAF; feature = tree.feature[node]!) {
    node = row[feature]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
    depth++;
  }
  return depth + averagePathLength(tree.size[node]!);
}

/** numpy.percentile with its default linear interpolation. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const position = ((sorted.length - 1) * q) / 100;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

function parseModel(json: unknown): IsolationForestJSON {
  const fail = (why: string): never => {
    throw new TypeError(`not an isolation-forest model: ${why}`);
  };
  if (typeof json !== 'object' || json === null) return fail('expected an object');
  const model = json as Partial<IsolationForestJSON>;
  if (model.model !== 'isolation-forest' || model.version !== 1) fail('unknown model or version');
  const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;
  if (!isCount(model.nEstimators) || !isCount(model.maxSamples) || !isCount(model.nFeatures))
    fail('bad nEstimators, maxSamples or nFeatures');
  if (!Number.isSafeInteger(model.seed)) fail('bad seed');
  if (typeof model.offset !== 'number' || !Number.isFinite(model.offset)) fail('bad offset');
  const { contamination } = model;
  if (contamination !== 'auto' && !(typeof contamination === 'number' && contamination > 0 && contamination <= 0.5))
    fail('bad contamination');
  if (!Array.isArray(model.trees) || model.trees.length !== model.nEstimators) fail('expected nEstimators trees');
  const trees = model.trees!.map((tree, t) => parseTree(tree, model.nFeatures!, (why) => fail(`tree ${t}: ${why}`)));
  return { ...(model as IsolationForestJSON), trees };
}

function parseTree(json: unknown, nFeatures: number, fail: (why: string) => never): IsolationTreeJSON {
  const tree = (json ?? {}) as Partial<IsolationTreeJSON>;
  const columns = [tree.feature, tree.threshold, tree.left, tree.right, tree.size];
  const nodes = tree.feature?.length ?? 0;
  if (
    nodes === 0 ||
    !columns.every((c) => Array.isArray(c) && c.length === nodes && c.every((v) => typeof v === 'number' && Number.isFinite(v)))
  ) {
    fail('expected equal-length, non-empty arrays of finite numbers');
  }
  const { feature, threshold, left, right, size } = tree as IsolationTreeJSON;
  for (let i = 0; i < nodes; i++) {
    if (!Number.isSafeInteger(size[i]) || size[i]! < 0) fail(`node ${i} has a bad size`);
    if (feature[i] === LEAF) continue;
    // Children come after their parent, so a walk from the root always ends at a leaf.
    const isChild = (c: number): boolean => Number.isSafeInteger(c) && c > i && c < nodes;
    if (!Number.isSafeInteger(feature[i]) || feature[i]! < 0 || feature[i]! >= nFeatures || !isChild(left[i]!) || !isChild(right[i]!))
      fail(`node ${i} is malformed`);
  }
  return { feature: [...feature], threshold: [...threshold], left: [...left], right: [...right], size: [...size] };
}
