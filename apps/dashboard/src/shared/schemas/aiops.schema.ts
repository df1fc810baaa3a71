import { Type, type Static } from '@sinclair/typebox';
import { DetectorHealth, ServiceScore } from '@archaics/contracts';

/** One feature that drove an anomalous service's score (from the detector's drivers). */
export const DriverView = Type.Object({
  service: Type.String(),
  feature: Type.String(),
  value: Type.Number(),
  baseline_mean: Type.Number(),
  z: Type.Number(),
});
export type DriverView = Static<typeof DriverView>;

/** One anomaly (episode) of the detector, as the AI-Ops view lists it. */
export const AnomalyView = Type.Object({
  id: Type.String(),
  opened_at: Type.String(),
  closed_at: Type.Union([Type.String(), Type.Null()]),
  services: Type.Array(Type.String()),
  peak_scores: Type.Record(Type.String(), Type.Number()),
  /** The top drivers of the anomalous services (at most two per service). */
  drivers: Type.Array(DriverView),
  webhook: Type.Union([
    Type.Object({
      status: Type.String(),
      attempts: Type.Number(),
      incident_id: Type.Union([Type.String(), Type.Null()]),
      last_error: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
});
export type AnomalyView = Static<typeof AnomalyView>;

/** One incident in the list (the detail comes from GET /api/aiops/incidents/:id). */
export const IncidentSummary = Type.Object({
  id: Type.String(),
  status: Type.String(),
  opened_at: Type.String(),
  root_cause: Type.Union([Type.String(), Type.Null()]),
  resolved_at: Type.Union([Type.String(), Type.Null()]),
  verified: Type.Boolean(),
  /** What opened it: `anomaly <id>` or `manual: <reason>`. */
  trigger: Type.String(),
  /** Its actions in a few words (`reset_failure db-service: awaiting_approval`). */
  actions: Type.Array(Type.String()),
});
export type IncidentSummary = Static<typeof IncidentSummary>;

/** Per-service scores at one time (ms since the epoch), for the chart. */
export const ScoresPoint = Type.Object({ t: Type.Number(), scores: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])) });
export type ScoresPoint = Static<typeof ScoresPoint>;

/** The parts of the operator's `GET /health` the view shows. */
export const OperatorHealthView = Type.Object({
  status: Type.Optional(Type.String()),
  mode: Type.Optional(Type.String()),
  executor: Type.Optional(Type.String()),
  llm: Type.Optional(
    Type.Object({
      provider: Type.Optional(Type.String()),
      model: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      configured: Type.Optional(Type.Boolean()),
    }),
  ),
});
export type OperatorHealthView = Static<typeof OperatorHealthView>;

/** `GET /api/aiops`: the detector and the operator, each "not running" with the reason when it does not answer. */
export const AiopsResponse = Type.Object({
  detector: Type.Object({
    running: Type.Boolean(),
    url: Type.String(),
    error: Type.Union([Type.String(), Type.Null()]),
    health: Type.Union([DetectorHealth, Type.Null()]),
    /** The anomaly threshold (from GET /scores); null when unknown. */
    threshold: Type.Union([Type.Number(), Type.Null()]),
    /** The latest score of every business service with its features and drivers. */
    latest: Type.Array(ServiceScore),
    /** The anomaly open now, if any. */
    open: Type.Union([AnomalyView, Type.Null()]),
    /** Anomalies, newest first (null when the detector did not answer). */
    anomalies: Type.Union([Type.Array(AnomalyView), Type.Null()]),
    /** Per-service scores over time (the detector's history; else the dashboard's samples of `last_scores`). */
    scores: Type.Array(ScoresPoint),
  }),
  operator: Type.Object({
    running: Type.Boolean(),
    url: Type.String(),
    error: Type.Union([Type.String(), Type.Null()]),
    health: Type.Union([OperatorHealthView, Type.Null()]),
    incidents: Type.Union([Type.Array(IncidentSummary), Type.Null()]),
  }),
});
export type AiopsResponse = Static<typeof AiopsResponse>;

/** `POST /api/aiops/incidents/:id/approve` as the operator answers it (202 `{incident_id, status}`), relayed. */
export const ApproveAnswer = Type.Object({ status: Type.String() }, { additionalProperties: true });
export type ApproveAnswer = Static<typeof ApproveAnswer>;

export const IncidentParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,128}$' }) });
