import { Type, type Static } from '@sinclair/typebox';

/** A run as `GET /api/experiments` lists it (a journal in the state folder). */
export const RunListing = Type.Object({
  run_id: Type.String(),
  name: Type.String(),
  title: Type.String(),
  status: Type.String(),
  exit_code: Type.Integer(),
  started_at: Type.String(),
  ended_at: Type.String(),
  reason: Type.String(),
  suite: Type.Union([Type.String(), Type.Null()]),
});
export type RunListing = Static<typeof RunListing>;

const nullableNumber = Type.Union([Type.Number(), Type.Null()]);

/** The summary of a suite's scorecard (`archaics experiment suite`). */
export const ScorecardSummary = Type.Object(
  {
    fault_runs: Type.Integer(),
    detected: Type.Integer(),
    detection_rate: nullableNumber,
    ttd_median_s: nullableNumber,
    ac1: nullableNumber,
    ac3: nullableNumber,
    ttl_median_s: nullableNumber,
    mitigated: Type.Integer(),
    mitigation_rate: nullableNumber,
    ttm_median_s: nullableNumber,
    control_runs: Type.Integer(),
    control_minutes: Type.Number(),
    false_anomalies: Type.Integer(),
    false_incidents: Type.Integer(),
  },
  { additionalProperties: true },
);
export type ScorecardSummary = Static<typeof ScorecardSummary>;

/** A scorecard file: the parts the view shows; the rest is passed on as it is. */
export const ScorecardFile = Type.Object(
  {
    title: Type.Optional(Type.String()),
    run_id: Type.Optional(Type.String()),
    started_at: Type.Optional(Type.String()),
    quick: Type.Optional(Type.Boolean()),
    summary: Type.Optional(ScorecardSummary),
  },
  { additionalProperties: true },
);
export type ScorecardFile = Static<typeof ScorecardFile>;

/** The latest scorecard: where it is, its JSON and its Markdown. */
export const ScorecardView = Type.Object({
  path: Type.String(),
  json: ScorecardFile,
  markdown: Type.Union([Type.String(), Type.Null()]),
});
export type ScorecardView = Static<typeof ScorecardView>;

/** `GET /api/experiments`. */
export const ExperimentsResponse = Type.Object({
  runs: Type.Array(RunListing),
  scorecard: Type.Union([ScorecardView, Type.Null()]),
});
export type ExperimentsResponse = Static<typeof ExperimentsResponse>;

export const RunParams = Type.Object({
  run: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$', description: 'a run id from GET /api/experiments' }),
});
