import { Type, type Static } from '@sinclair/typebox';
import { oneOf } from '@archaics/contracts';

export const LoadProgress = Type.Object({
  elapsedS: Type.Number(),
  plannedS: Type.Number(),
  /** The runner's progress line (VUs, iterations, requests, failures, p95). */
  line: Type.String(),
});
export type LoadProgress = Static<typeof LoadProgress>;

/** The parts of the load runner's summary the UI shows (latencies in ms). */
export const LoadSummaryView = Type.Object({
  scenario: Type.String(),
  load: Type.String(),
  durationS: Type.Number(),
  interrupted: Type.Boolean(),
  passed: Type.Boolean(),
  requests: Type.Object({ total: Type.Number(), ratePerS: Type.Number(), failed: Type.Number(), failedRate: Type.Number() }),
  latency: Type.Object({ p50: Type.Number(), p95: Type.Number(), p99: Type.Number(), max: Type.Number() }),
  errorsByStatus: Type.Record(Type.String(), Type.Number()),
  thresholds: Type.Array(
    Type.Object({
      metric: Type.String(),
      expression: Type.String(),
      passed: Type.Boolean(),
      actual: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});
export type LoadSummaryView = Static<typeof LoadSummaryView>;

/** One load run of the dashboard's built-in runner. */
export const LoadRunView = Type.Object({
  id: Type.Integer(),
  scenario: Type.String(),
  state: oneOf(['running', 'finished', 'failed']),
  startedAt: Type.String({ format: 'date-time' }),
  progress: Type.Union([LoadProgress, Type.Null()]),
  /** The runner's Summary (see @archaics/load) once finished. */
  summary: Type.Union([LoadSummaryView, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type LoadRunView = Static<typeof LoadRunView>;

/** `GET /api/load`. */
export const LoadResponse = Type.Object({
  scenarios: Type.Array(Type.String()),
  current: Type.Union([LoadRunView, Type.Null()]),
  recent: Type.Array(LoadRunView),
});
export type LoadResponse = Static<typeof LoadResponse>;

/** `POST /api/load/stop`: the run stopped, or null when none was running. */
export const LoadStopResponse = Type.Object({ stopped: Type.Union([LoadRunView, Type.Null()]) });
export type LoadStopResponse = Static<typeof LoadStopResponse>;

/** `POST /api/load`: a scenario and optional overrides (bounds checked by the runner, which names them). */
export const LoadStartBody = Type.Object(
  {
    scenario: Type.String({ minLength: 1, maxLength: 64 }),
    vus: Type.Optional(Type.Integer()),
    duration: Type.Optional(Type.String({ maxLength: 16, description: 'a duration such as 30s or 2m' })),
  },
  { additionalProperties: false },
);
