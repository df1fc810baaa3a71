import { Type, type Static } from '@sinclair/typebox';
import { BusinessService, FailureState, oneOf } from '@archaics/contracts';

export const ServiceStatus = oneOf(['healthy', 'degraded', 'down']);
export type ServiceStatus = Static<typeof ServiceStatus>;

/** One business service on the overview: its status with the reasons, its fault, its /health. */
export const ServiceView = Type.Object({
  name: BusinessService,
  url: Type.String(),
  status: ServiceStatus,
  /** Why the status is not healthy, in words (empty when healthy). */
  reasons: Type.Array(Type.String()),
  /** The service-wide fault, or null. */
  failure: Type.Union([FailureState, Type.Null()]),
  /** Every active fault with its scope: service-wide, per route, per edge (an edge fault is held by the caller). */
  failures: Type.Array(FailureState),
  version: Type.Union([Type.String(), Type.Null()]),
  uptimeS: Type.Union([Type.Number(), Type.Null()]),
  /** When the health was read, ms since the epoch. */
  checkedAt: Type.Number(),
});
export type ServiceView = Static<typeof ServiceView>;

const PlatformReach = Type.Object({ running: Type.Boolean(), url: Type.String() });

/** `GET /api/overview`. */
export const OverviewResponse = Type.Object({
  services: Type.Array(ServiceView),
  /**
   * The dependency graph's edges: caller, callee (a business service or `stripe`). Plain strings:
   * fast-json-stringify cannot serialise a tuple item that is a union.
   */
  graph: Type.Array(Type.Tuple([Type.String(), Type.String()])),
  platform: Type.Object({ detector: PlatformReach, operator: PlatformReach }),
  now: Type.Number(),
});
export type OverviewResponse = Static<typeof OverviewResponse>;

/** One metrics reading of one service, compacted for the charts. */
export const ServicePoint = Type.Object({
  up: Type.Boolean(),
  rps: Type.Number(),
  errorRatio: Type.Number(),
  /** Seconds; null without requests in the window. */
  p95: Type.Union([Type.Number(), Type.Null()]),
  cpu: Type.Union([Type.Number(), Type.Null()]),
});
export type ServicePoint = Static<typeof ServicePoint>;

export const MetricsPoint = Type.Object({
  /** ms since the epoch. */
  t: Type.Number(),
  services: Type.Record(Type.String(), ServicePoint),
});
export type MetricsPoint = Static<typeof MetricsPoint>;

/** `GET /api/metrics`. */
export const MetricsResponse = Type.Object({
  points: Type.Array(MetricsPoint),
  intervalMs: Type.Number(),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type MetricsResponse = Static<typeof MetricsResponse>;

export const MetricsQuery = Type.Object({
  since: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$', description: 'ms since the epoch: only later points' })),
});
