export { IsolationForest, averagePathLength, percentile } from './domain/isolation-forest.ts';
export type { IsolationForestJSON, IsolationForestOptions, IsolationTreeJSON } from './domain/isolation-forest.ts';
export { SeededRandom } from './domain/random.ts';
export { Standardizer, checkMatrix } from './domain/standardizer.ts';
export type { Matrix, StandardizerJSON } from './domain/standardizer.ts';
