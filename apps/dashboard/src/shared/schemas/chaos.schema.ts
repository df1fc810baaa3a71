import { Type, type Static } from '@sinclair/typebox';
import { BusinessService, FAULT_TYPES } from '@archaics/contracts';

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

/** `POST /api/chaos/inject`: the service (short names allowed, checked by the route) and the query of its `/inject-failure`. */
export const InjectBody = Type.Object(
  {
    service: serviceName,
    type: Type.String({ minLength: 1, maxLength: 32, description: `one of ${FAULT_TYPES.join(', ')} (checked by the service)` }),
    intensity: Type.Optional(Type.Number()),
    probability: Type.Optional(Type.Number()),
    duration: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

/** `POST /api/chaos/reset`. */
export const ResetBody = Type.Object({ service: serviceName }, { additionalProperties: false });

export const PresetParams = Type.Object({ name: Type.String({ maxLength: 64 }) });
