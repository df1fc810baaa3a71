import { Type, type Static } from '@sinclair/typebox';
import { ERROR_STATUSES, FAULT_LIMITS, FaultType, oneOf } from '@archaics/contracts';

/**
 * The shape of an experiment file (experiments/*.yaml). Structure only: enums, ranges and
 * the rules between fields (a step either injects or resets, `bad_data` on db only, ...)
 * are checked afterwards by `parseExperiment`, so that every message names the field.
 */

/** Seconds as a number, or a k6 duration (`500ms`, `30s`, `1m30s`). */
export const DurationText = Type.Union([Type.Number(), Type.String()], { description: 'seconds, or a duration such as 30s, 2m' });

export const PROBE_TYPES = ['http', 'metric'] as const;
export const PROBE_METRICS = ['rps', 'error_ratio', 'p95_ms', 'cpu_cores', 'up'] as const;
export type ProbeMetric = (typeof PROBE_METRICS)[number];

/** A check of the steady state: an endpoint's status and latency, or a metric's range over a window. */
export const ProbeSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    type: oneOf(PROBE_TYPES),
    /** A business service (`db` or `db-service`). */
    service: Type.String({ minLength: 1 }),
    // http
    method: Type.Optional(oneOf(['GET', 'POST'] as const)),
    path: Type.Optional(Type.String({ pattern: '^/', description: 'a path starting with /' })),
    /** `user`: the runner signs a probe user up once and sends its token. */
    auth: Type.Optional(oneOf(['none', 'user'] as const)),
    status: Type.Optional(
      Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { minItems: 1 })]),
    ),
    max_ms: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    // metric
    metric: Type.Optional(oneOf(PROBE_METRICS)),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type ProbeInput = Static<typeof ProbeSchema>;

/** Where a fault applies, or which one a reset clears (SPEC 2.1): one route template, or one edge. */
const ScopeFields = {
  /** A route template of the service, e.g. /cart/add. */
  route: Type.Optional(Type.String({ minLength: 1 })),
  /** An upstream the service calls (`db` or `db-service`): an edge fault. */
  target: Type.Optional(Type.String({ minLength: 1 })),
};

export const FaultSchema = Type.Object(
  {
    service: Type.String({ minLength: 1 }),
    type: FaultType,
    intensity: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    duration: Type.Optional(DurationText),
    /** latency: the mean delay (default 100 × intensity). */
    ms: Type.Optional(Type.Integer({ minimum: FAULT_LIMITS.ms.min, maximum: FAULT_LIMITS.ms.max })),
    /** latency: each delay is ms × (1 ± jitter·u). */
    jitter: Type.Optional(Type.Number({ minimum: FAULT_LIMITS.jitter.min, maximum: FAULT_LIMITS.jitter.max })),
    /** error: the status answered (default 500). */
    status: Type.Optional(Type.Union(ERROR_STATUSES.map((status) => Type.Literal(status)))),
    ...ScopeFields,
  },
  { additionalProperties: false },
);
export type FaultInput = Static<typeof FaultSchema>;

/** One step of the method: at a time after the method starts, inject a fault or reset services. */
export const StepSchema = Type.Object(
  {
    at: DurationText,
    inject: Type.Optional(FaultSchema),
    /** `all`, one service, or a list. */
    reset: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })])),
    /** With reset of one service: clear only the fault of this route or edge. */
    ...ScopeFields,
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const Range = Type.Tuple([Type.Number(), Type.Number()]);

/** Faults drawn from a seeded generator: the same seed gives the same schedule. */
export const RandomFaultsSchema = Type.Object(
  {
    seed: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }),
    count: Type.Integer({ minimum: 1, maximum: 20 }),
    /** Injection times are drawn in [from, to] seconds after the method starts. */
    between: Type.Tuple([DurationText, DurationText]),
    services: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    types: Type.Array(FaultType, { minItems: 1 }),
    intensity: Type.Optional(Range),
    probability: Type.Optional(Range),
    /** Seconds each fault lasts, drawn in this range. */
    duration: Range,
  },
  { additionalProperties: false },
);

export const LoadSchema = Type.Object(
  {
    scenario: Type.String({ minLength: 1 }),
    vus: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 2000 })),
  },
  { additionalProperties: false },
);

export const StopConditionSchema = Type.Object(
  {
    probe: ProbeSchema,
    /** Consecutive breaching evaluations before the run is aborted (default 1). */
    samples: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

export const ROLLBACK_KINDS = ['reset', 'wait_healthy'] as const;

export const RollbackSchema = Type.Object(
  {
    /** `all`, one service, or a list: POST /reset. */
    reset: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })])),
    /** With reset of one service: clear only the fault of this route or edge. */
    ...ScopeFields,
    /** Wait (bounded) until every business service answers /health with no fault. */
    wait_healthy: Type.Optional(DurationText),
  },
  { additionalProperties: false },
);

export const ExperimentSchema = Type.Object(
  {
    version: Type.Optional(Type.Literal(1)),
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: 'lower-case letters, digits and dashes' }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(Type.String())),
    /** Seconds from the first injection within which the hypothesis must hold again. */
    budget: DurationText,
    hypothesis: Type.Object(
      {
        title: Type.Optional(Type.String()),
        /** Metric probes are judged over the samples of this window (default 6 s). */
        window: Type.Optional(DurationText),
        probes: Type.Array(ProbeSchema, { minItems: 1, maxItems: 30 }),
      },
      { additionalProperties: false },
    ),
    method: Type.Object(
      {
        load: Type.Optional(Type.Union([Type.Literal('none'), LoadSchema])),
        warmup: Type.Optional(DurationText),
        duration: DurationText,
        steps: Type.Optional(Type.Array(StepSchema, { maxItems: 100 })),
        random: Type.Optional(RandomFaultsSchema),
      },
      { additionalProperties: false },
    ),
    stop_conditions: Type.Optional(Type.Array(StopConditionSchema, { maxItems: 20 })),
    rollbacks: Type.Optional(Type.Array(RollbackSchema, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type ExperimentInput = Static<typeof ExperimentSchema>;

/** A case of the suite: a fault matrix, a shipped experiment, or a fault-free control run. */
export const SuiteCaseSchema = Type.Object(
  {
    faults: Type.Optional(
      Type.Object(
        {
          services: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
          types: Type.Array(FaultType, { minItems: 1 }),
          intensity: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 10 }), { minItems: 1 })),
          probability: Type.Optional(Type.Array(Type.Number({ minimum: 0, maximum: 1 }), { minItems: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    experiment: Type.Optional(Type.String({ minLength: 1 })),
    control: Type.Optional(Type.Object({ duration: DurationText }, { additionalProperties: false })),
    /** Part of `--quick`. */
    quick: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const SuiteSchema = Type.Object(
  {
    version: Type.Optional(Type.Literal(1)),
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
    title: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    load: LoadSchema,
    /** Learn a fresh detector baseline under the suite's load first (bounded by `timeout`). */
    baseline: Type.Object({ reset: Type.Boolean(), timeout: DurationText }, { additionalProperties: false }),
    /** Generated fault runs: how long the fault phase lasts, and the time to heal. */
    fault_run: Type.Object({ duration: DurationText, budget: DurationText }, { additionalProperties: false }),
    /** Between runs: wait (bounded) for no fault, no open anomaly and no incident in progress. */
    quiet_timeout: DurationText,
    cases: Type.Array(SuiteCaseSchema, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type SuiteInput = Static<typeof SuiteSchema>;
