import { Type, type Static } from '@sinclair/typebox';
import { oneOf } from './one-of.ts';
import { BusinessService } from './services.ts';

/**
 * The shapes the anomaly detector (SPEC §4) and the ai-operator (SPEC §5) exchange and
 * show: the detector's feature vector, its webhook to `POST /analyze`, and the operator's
 * incident record and actions.
 */

/**
 * The features of one business service per scrape interval (SPEC §4), in this order in the
 * model's vector. Load-aware: besides the rate itself, errors and latency are ratios and
 * quantiles that do not grow with traffic, and CPU is per request as well as absolute.
 */
export const FEATURE_NAMES = [
  'request_rate',
  'error_ratio',
  'p95_latency_s',
  'cpu_cores',
  'cpu_per_request_ms',
  'upstream_error_ratio',
  'upstream_p95_s',
  'down',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export type FeatureVector = Record<FeatureName, number>;

/** One feature that drove a score: its value now against the baseline. */
export const FeatureDriver = Type.Object({
  feature: Type.String(),
  value: Type.Number(),
  baseline_mean: Type.Number(),
  baseline_std: Type.Number(),
  /** (value − mean) / std, with std floored so a flat baseline does not divide by zero. */
  z: Type.Number(),
});
export type FeatureDriver = Static<typeof FeatureDriver>;

/** The score of one service in one interval. */
export const ServiceScore = Type.Object({
  service: BusinessService,
  /** Isolation Forest score in (0, 1]; higher is more anomalous (scikit-learn's −score_samples). */
  score: Type.Number(),
  /** The score is over the threshold in this interval. */
  anomalous: Type.Boolean(),
  features: Type.Record(Type.String(), Type.Number()),
  /** The features furthest from the baseline, largest |z| first. */
  drivers: Type.Array(FeatureDriver),
});
export type ServiceScore = Static<typeof ServiceScore>;

/** The detector's webhook body to `AI_OPERATOR_URL/analyze`, one per incident (episode). */
export const AnomalyWebhook = Type.Object({
  source: Type.Literal('anomaly-detector'),
  /** The detector's id of the episode; a retried webhook carries the same one. */
  anomaly_id: Type.String({ minLength: 1, maxLength: 128 }),
  opened_at: Type.String({ format: 'date-time' }),
  /** The samples that made the anomaly: from the first over-threshold one to now. */
  window: Type.Object({ start: Type.String({ format: 'date-time' }), end: Type.String({ format: 'date-time' }) }),
  threshold: Type.Number(),
  consecutive: Type.Integer({ minimum: 1 }),
  /** The services over the threshold, highest score first. */
  anomalous_services: Type.Array(BusinessService),
  /** Every business service's latest score, features and drivers. */
  scores: Type.Array(ServiceScore),
});
export type AnomalyWebhook = Static<typeof AnomalyWebhook>;

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One anomaly (episode) as the detector's `GET /anomalies` lists it (SPEC §4). */
export const AnomalyRecord = Type.Object({
  id: Type.String(),
  opened_at: Type.String({ format: 'date-time' }),
  first_anomalous_at: Type.String({ format: 'date-time' }),
  closed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  services: Type.Array(BusinessService),
  peak_scores: Type.Record(Type.String(), Type.Number()),
  /** The scores, features and drivers sent to the operator. */
  scores: Type.Array(ServiceScore),
  /** The webhook to the ai-operator and what became of it. */
  webhook: Type.Object({
    status: oneOf(WEBHOOK_DELIVERY_STATUSES),
    attempts: Type.Integer({ minimum: 0 }),
    incident_id: Type.Union([Type.String(), Type.Null()]),
    last_error: Type.Union([Type.String(), Type.Null()]),
    delivered_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  }),
});
export type AnomalyRecord = Static<typeof AnomalyRecord>;

/** `GET /anomalies` of the detector: the open anomaly, if any, and the latest ones, newest first. */
export const AnomalyList = Type.Object({
  open: Type.Union([AnomalyRecord, Type.Null()]),
  anomalies: Type.Array(AnomalyRecord),
});
export type AnomalyList = Static<typeof AnomalyList>;

/** The allowlisted actions of SPEC §5. Anything else is refused. */
export const ACTION_TYPES = ['reset_failure', 'restart', 'scale', 'escalate'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const OperatorAction = Type.Union([
  Type.Object({ action: Type.Literal('reset_failure'), service: BusinessService }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('restart'), service: BusinessService }, { additionalProperties: false }),
  Type.Object(
    { action: Type.Literal('scale'), service: BusinessService, replicas: Type.Integer({ minimum: 1, maximum: 10 }) },
    { additionalProperties: false },
  ),
  Type.Object({ action: Type.Literal('escalate'), reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
]);
export type OperatorAction = Static<typeof OperatorAction>;

export const OPERATOR_MODES = ['auto', 'approve', 'dry-run'] as const;
export type OperatorMode = (typeof OPERATOR_MODES)[number];

export const ACTION_STATUSES = ['planned', 'awaiting_approval', 'refused', 'skipped', 'running', 'succeeded', 'failed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
/** What became of an action, as a schema. */
export const ActionStatus = oneOf(ACTION_STATUSES);

/** One action of an incident and what became of it. */
export const ActionRecord = Type.Object({
  action: Type.Unknown({ description: 'the proposed action as given (an OperatorAction when valid)' }),
  status: ActionStatus,
  reason: Type.Optional(Type.String()),
  at: Type.String({ format: 'date-time' }),
  source: Type.Optional(Type.Union([Type.Literal('llm'), Type.Literal('deterministic')])),
});
export type ActionRecord = Static<typeof ActionRecord>;

/** One candidate of the root-cause ranking with the evidence for its score. */
export const RankedCause = Type.Object({
  service: BusinessService,
  score: Type.Number(),
  evidence: Type.Array(Type.String()),
});
export type RankedCause = Static<typeof RankedCause>;

export const INCIDENT_STATUSES = ['analyzing', 'awaiting_approval', 'acting', 'verifying', 'resolved', 'escalated', 'dry_run'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** Where an incident stands, as a schema. */
export const IncidentStatus = oneOf(INCIDENT_STATUSES);

/** An incident as `GET /incidents/{id}` shows it (SPEC §5). */
export const Incident = Type.Object({
  id: Type.String(),
  status: IncidentStatus,
  opened_at: Type.String({ format: 'date-time' }),
  anomaly: Type.Unknown({ description: 'the webhook body (AnomalyWebhook) or the manual request that opened it' }),
  ranking: Type.Array(RankedCause),
  root_cause: Type.Union([BusinessService, Type.Null()]),
  plan: Type.Union([Type.Object({ source: Type.String(), explanation: Type.String(), actions: Type.Array(Type.Unknown()) }), Type.Null()]),
  actions: Type.Array(ActionRecord),
  verified: Type.Boolean(),
  resolved_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  llm: Type.Object({
    provider: Type.String(),
    model: Type.Union([Type.String(), Type.Null()]),
    used: Type.Boolean(),
    fallback_reason: Type.Optional(Type.String()),
  }),
  timeline: Type.Array(
    Type.Object({ at: Type.String({ format: 'date-time' }), event: Type.String(), detail: Type.Optional(Type.String()) }),
  ),
});
export type Incident = Static<typeof Incident>;

/** `GET /health` of the detector (SPEC §4). */
export const DetectorHealth = Type.Object({
  status: Type.String(),
  service: Type.Literal('anomaly-detector'),
  model: Type.Literal('isolation-forest'),
  trained: Type.Boolean(),
  baseline_samples: Type.Integer(),
  baseline_required: Type.Integer(),
  last_scores: Type.Record(Type.String(), Type.Number()),
});
export type DetectorHealth = Static<typeof DetectorHealth>;

/** The header carrying the webhook's HMAC-SHA256 (`sha256=<hex>` of the raw body). */
export const SIGNATURE_HEADER = 'x-archaics-signature';
