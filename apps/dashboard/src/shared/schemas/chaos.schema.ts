import { Type, type Static } from '@sinclair/typebox';
import { BusinessService, ERROR_STATUSES, FAULT_LIMITS, FAULT_TYPES, FaultType } from '@archaics/contracts';

/** What a business service answered to an injection or a reset, relayed. */
export const ChaosResult = Type.Object({
  service: BusinessService,
  /** HTTP status the service answered; 0 when it could not be reached. */
  status: Type.Integer(),
  ok: Type.Boolean(),
  body: Type.Unknown({ description: "the service's answer (InjectResponse, ResetResponse or ErrorResponse)" }),
});
export type ChaosResult = Static<typeof ChaosResult>;

/** `POST /api/chaos/halt`. */
export const HaltResponse = Type.Object({ results: Type.Array(ChaosResult) });
export type HaltResponse = Static<typeof HaltResponse>;

/** `POST /api/chaos/presets/:name`. */
export const PresetResponse = Type.Object({ preset: Type.String(), results: Type.Array(ChaosResult) });
export type PresetResponse = Static<typeof PresetResponse>;

/** `GET /api/chaos/presets`. */
export const PresetList = Type.Array(Type.Object({ name: Type.String(), label: Type.String() }));
export type PresetList = Static<typeof PresetList>;

const serviceName = Type.String({
  description: 'a business service: auth-service, db-service, product-service, payment-service (or auth, db, ...)',
});

/**
 * `POST /api/chaos/inject`: the service (short names allowed) and the query of its `/inject-failure`,
 * checked against the contracts by the route (server/domain/fault-request.ts) before it is sent.
 */
export const InjectBody = Type.Object(
  {
    service: serviceName,
    type: Type.String({ minLength: 1, maxLength: 32, description: `one of ${FAULT_TYPES.join(', ')} (as the service takes them)` }),
    intensity: Type.Optional(Type.Number({ description: `integer ${FAULT_LIMITS.intensity.min}..${FAULT_LIMITS.intensity.max}` })),
    probability: Type.Optional(Type.Number({ description: `${FAULT_LIMITS.probability.min}..${FAULT_LIMITS.probability.max}` })),
    duration: Type.Optional(
      Type.Number({ description: `seconds, > 0, at most ${FAULT_LIMITS.duration.maxSeconds}; omitted = until reset` }),
    ),
    ms: Type.Optional(Type.Number({ description: `latency: ${FAULT_LIMITS.ms.min}..${FAULT_LIMITS.ms.max} ms` })),
    jitter: Type.Optional(Type.Number({ description: `latency: ${FAULT_LIMITS.jitter.min}..${FAULT_LIMITS.jitter.max}` })),
    status: Type.Optional(Type.Number({ description: `error: one of ${ERROR_STATUSES.join(', ')}` })),
    route: Type.Optional(Type.String({ maxLength: 200, description: "scope: one of the service's route templates" })),
    target: Type.Optional(Type.String({ maxLength: 64, description: 'scope: an edge fault on calls to this upstream' })),
  },
  { additionalProperties: false },
);
export type InjectBody = Static<typeof InjectBody>;

/** `POST /api/chaos/reset`: every fault of the service, or the one of a scope label (`service`, `route:/cart/add`, `edge:db-service`). */
export const ResetBody = Type.Object(
  {
    service: serviceName,
    scope: Type.Optional(Type.String({ maxLength: 240, description: "clear only this scope, as /health's failures[].scope gives it" })),
  },
  { additionalProperties: false },
);
export type ResetBody = Static<typeof ResetBody>;

const Limit = Type.Record(Type.String(), Type.Number());

/** `GET /api/chaos/catalog`: what the fault forms are built from (the contracts' lists, per business service). */
export const FaultCatalog = Type.Object({
  services: Type.Array(
    Type.Object({
      service: BusinessService,
      types: Type.Array(FaultType),
      routes: Type.Array(Type.String()),
      targets: Type.Array(BusinessService),
    }),
  ),
  edgeOnlyTypes: Type.Array(FaultType),
  processTypes: Type.Array(FaultType),
  errorStatuses: Type.Array(Type.Integer()),
  limits: Type.Object({
    intensity: Limit,
    probability: Limit,
    duration: Limit,
    ms: Limit,
    jitter: Limit,
    leak: Limit,
  }),
});
export type FaultCatalog = Static<typeof FaultCatalog>;

export const PresetParams = Type.Object({ name: Type.String({ maxLength: 64 }) });
