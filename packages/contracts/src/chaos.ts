import { Type, type Static } from '@sinclair/typebox';
import { oneOf } from './one-of.ts';
import type { BusinessService } from './services.ts';

/** Fault types of SPEC §2. */
export const FAULT_TYPES = ['timeout', 'error', 'cpu', 'crash', 'bad_data'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];
/** A fault type, as a schema. */
export const FaultType = oneOf(FAULT_TYPES);

/** Which fault types each business service accepts. */
export function faultTypesFor(service: BusinessService): FaultType[] {
  return service === 'db-service' ? [...FAULT_TYPES] : FAULT_TYPES.filter((t) => t !== 'bad_data');
}

export const FAULT_LIMITS = Object.freeze({
  intensity: { min: 1, max: 10, default: 1 },
  probability: { min: 0, max: 1, default: 1 },
  duration: { maxSeconds: 86_400 },
});

/** The active fault as /health reports it. */
export const FailureState = Type.Object({
  type: FaultType,
  intensity: Type.Integer(),
  probability: Type.Number(),
  started_at: Type.String({ format: 'date-time' }),
  expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  remaining_s: Type.Union([Type.Number(), Type.Null()]),
});
export type FailureState = Static<typeof FailureState>;

export const HealthResponse = Type.Object({
  status: Type.String(),
  service: Type.String(),
  version: Type.String(),
  uptime_s: Type.Number(),
  failure: Type.Union([FailureState, Type.Null()]),
});
export type HealthResponse = Static<typeof HealthResponse>;

/** Query string of POST /inject-failure, kept as strings so the chaos engine can name a bad one. */
export const InjectQuery = Type.Object({
  type: Type.Optional(Type.String({ description: `one of ${FAULT_TYPES.join(', ')}` })),
  intensity: Type.Optional(Type.String({ description: 'integer 1..10, default 1' })),
  probability: Type.Optional(Type.String({ description: '0..1, default 1, drawn per request' })),
  duration: Type.Optional(Type.String({ description: 'seconds, >0, at most 86400; omitted = until reset' })),
});
export type InjectQuery = Static<typeof InjectQuery>;

export const InjectResponse = Type.Object({
  status: Type.Literal('injected'),
  service: Type.String(),
  failure: FailureState,
});
export type InjectResponse = Static<typeof InjectResponse>;

export const ResetResponse = Type.Object({
  status: Type.Literal('reset'),
  service: Type.String(),
  cleared: Type.Union([Type.String(), Type.Null()]),
});
export type ResetResponse = Static<typeof ResetResponse>;

export const ErrorResponse = Type.Object(
  {
    error: Type.String(),
    detail: Type.Optional(Type.String()),
    service: Type.Optional(Type.String()),
    upstream: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** Error answers every business route that calls another service may give (SPEC §2 "Dependency calls"). */
export const upstreamErrors = {
  401: ErrorResponse,
  502: ErrorResponse,
  503: ErrorResponse,
  504: ErrorResponse,
} as const;
