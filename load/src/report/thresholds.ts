/** How a metric aggregates; decides which threshold expressions apply to it (as in k6). */
export type MetricKind = 'trend' | 'rate' | 'counter';

/** The metrics thresholds can name: k6's built-ins, plus the runner's `http_req_latency`. */
export const THRESHOLD_METRICS: Readonly<Record<string, { kind: MetricKind; k6: boolean; description: string }>> = Object.freeze({
  http_req_duration: { kind: 'trend', k6: true, description: 'request service time, ms (send to last byte)' },
  http_req_latency: {
    kind: 'trend',
    k6: false,
    description: 'request time from when it should have been sent (the scheduled start of its iteration), ms',
  },
  iteration_duration: { kind: 'trend', k6: true, description: 'iteration time from its actual start, ms' },
  http_req_failed: { kind: 'rate', k6: true, description: 'share of requests answered with a status >= 400 or not at all' },
  checks: { kind: 'rate', k6: true, description: 'share of checks that passed' },
  http_reqs: { kind: 'counter', k6: true, description: 'requests' },
  iterations: { kind: 'counter', k6: true, description: 'completed iterations' },
  dropped_iterations: { kind: 'counter', k6: true, description: 'iterations not started for want of a free VU' },
});

export type Aggregation = 'avg' | 'min' | 'med' | 'max' | 'count' | 'rate' | { percentile: number };
export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ThresholdExpression {
  readonly metric: string;
  readonly source: string;
  readonly aggregation: Aggregation;
  readonly operator: Operator;
  readonly value: number;
}

const EXPRESSION = /^\s*(avg|min|med|max|count|rate|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;
const AGGREGATIONS_OF: Readonly<Record<MetricKind, readonly string[]>> = {
  trend: ['avg', 'min', 'med', 'max', 'p(N)'],
  rate: ['rate'],
  counter: ['count', 'rate'],
};

/** Parses one k6 threshold expression (`p(95)<500`, `rate<0.01`, `count==0`) for a metric; throws a readable error. */
export function parseThreshold(metric: string, source: string): ThresholdExpression {
  const info = THRESHOLD_METRICS[metric];
  if (!info) throw new Error(`unknown metric "${metric}" (known: ${Object.keys(THRESHOLD_METRICS).join(', ')})`);
  const match = EXPRESSION.exec(source);
  if (!match) throw new Error(`"${source}" on ${metric} is not a threshold (e.g. p(95)<500, rate<0.01, count<10)`);
  const [, name = '', percentile, operator, value] = match;
  const aggregation: Aggregation = percentile === undefined ? (name as Exclude<Aggregation, object>) : { percentile: Number(percentile) };
  const kindName = typeof aggregation === 'string' ? aggregation : 'p(N)';
  if (!AGGREGATIONS_OF[info.kind].includes(kindName)) {
    throw new Error(`"${source}": ${metric} is a ${info.kind}, which takes ${AGGREGATIONS_OF[info.kind].join(', ')}`);
  }
  if (typeof aggregation === 'object' && (aggregation.percentile < 0 || aggregation.percentile > 100)) {
    throw new Error(`"${source}": a percentile is between 0 and 100`);
  }
  return { metric, source: source.trim(), aggregation, operator: operator as Operator, value: Number(value) };
}

/** Where threshold values come from (the run's metrics). */
export interface MetricSource {
  /** Trend aggregations in ms (`percentile` 0..100). */
  trend(metric: string, aggregation: 'avg' | 'min' | 'med' | 'max' | { percentile: number }): number;
  /** A rate metric's share of true samples (0 when there were none). */
  rate(metric: string): number;
  counter(metric: string): { count: number; ratePerS: number };
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  /** The metric's value the expression was checked against. */
  actual: number;
  ok: boolean;
}

function valueOf(expression: ThresholdExpression, source: MetricSource): number {
  const { metric, aggregation } = expression;
  const kind = THRESHOLD_METRICS[metric]?.kind;
  if (kind === 'rate') return source.rate(metric);
  if (kind === 'counter') return aggregation === 'count' ? source.counter(metric).count : source.counter(metric).ratePerS;
  return source.trend(metric, aggregation as 'avg' | 'min' | 'med' | 'max' | { percentile: number });
}

function holds(actual: number, operator: Operator, value: number): boolean {
  switch (operator) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
    case '===':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}

/** Checks every expression against the metrics. */
export function evaluateThresholds(expressions: readonly ThresholdExpression[], source: MetricSource): ThresholdResult[] {
  return expressions.map((expression) => {
    const actual = valueOf(expression, source);
    return { metric: expression.metric, expression: expression.source, actual, ok: holds(actual, expression.operator, expression.value) };
  });
}

/** All expressions of a k6-style thresholds object, parsed. */
export function parseThresholds(thresholds: Readonly<Record<string, readonly string[]>>): ThresholdExpression[] {
  return Object.entries(thresholds).flatMap(([metric, sources]) => sources.map((source) => parseThreshold(metric, source)));
}
