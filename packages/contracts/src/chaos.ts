import { Type, type Static } from '@sinclair/typebox';
import { oneOf } from './one-of.ts';
import { dependenciesOf, isBusinessService, type BusinessService } from './services.ts';

/** The seed's five fault types (SPEC §2), whose behaviour never changes. */
export const SEED_FAULT_TYPES = ['timeout', 'error', 'cpu', 'crash', 'bad_data'] as const;
/** Every fault type: the seed's five and those of SPEC 2.1 (gray latency, memory leak, broken edges). */
export const FAULT_TYPES = [...SEED_FAULT_TYPES, 'latency', 'leak', 'partition', 'blackhole'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];
/** A fault type, as a schema. */
export const FaultType = oneOf(FAULT_TYPES);

/** Types that only exist on an edge (they need `target`). */
export const EDGE_ONLY_FAULT_TYPES: readonly FaultType[] = Object.freeze(['partition', 'blackhole']);
/** Types that act on the whole process and take neither `route` nor `target`. */
export const PROCESS_FAULT_TYPES: readonly FaultType[] = Object.freeze(['cpu', 'leak', 'crash']);
/** The statuses an `error` fault may answer with (default 500); 429 carries `Retry-After`. */
export const ERROR_STATUSES = [500, 502, 503, 429] as const;
export type ErrorStatus = (typeof ERROR_STATUSES)[number];

/** The upstreams a service calls through its dependency clients: the targets its edge faults may name. */
export function faultTargetsFor(service: BusinessService): BusinessService[] {
  return dependenciesOf(service).filter(isBusinessService);
}

/**
 * The route templates of each business service that a `route` fault may name (its business
 * routes; control endpoints are never faulted). Each service checks against the routes it
 * really registered, and a test keeps this list equal to them.
 */
export const FAULT_ROUTES: Readonly<Record<BusinessService, readonly string[]>> = Object.freeze({
  'auth-service': ['/login', '/signup', '/validate'],
  'db-service': ['/cart/:user_id', '/cart/add', '/cart/clear', '/products', '/products/:id'],
  'product-service': ['/cart', '/cart/add', '/cart/clear', '/products'],
  'payment-service': ['/create-checkout-session', '/simulated-checkout/:id', '/webhook/stripe'],
});

/** Which fault types each business service accepts: bad_data on db only, edge-only types on a service that calls others. */
export function faultTypesFor(service: BusinessService): FaultType[] {
  const calls = faultTargetsFor(service).length > 0;
  return FAULT_TYPES.filter((type) => {
    if (type === 'bad_data') return service === 'db-service';
    if (EDGE_ONLY_FAULT_TYPES.includes(type)) return calls;
    return true;
  });
}

export const FAULT_LIMITS = Object.freeze({
  intensity: { min: 1, max: 10, default: 1 },
  probability: { min: 0, max: 1, default: 1 },
  duration: { maxSeconds: 86_400 },
  /** latency's `ms`; its default is 100 × intensity. */
  ms: { min: 1, max: 30_000, perIntensity: 100 },
  /** latency's `jitter`: each delay is `ms × (1 ± jitter·u)`. */
  jitter: { min: 0, max: 1, default: 0 },
  /** leak: intensity MiB more every second, up to this many MiB in all. */
  leak: { capMiB: 512 },
});

/** Where a fault applies (SPEC 2.1): the whole service, one route template, or one edge (the caller's calls to an upstream). */
export interface FaultScope {
  readonly route?: string | undefined;
  readonly target?: string | undefined;
}

/** The scope label of `chaos_failure_active` and of `failures[].scope`: `service`, `route:/cart/add` or `edge:db-service`. */
export function scopeLabel(scope: FaultScope): string {
  if (scope.target !== undefined) return `edge:${scope.target}`;
  if (scope.route !== undefined) return `route:${scope.route}`;
  return 'service';
}

/** The scope a label of {@link scopeLabel} names (`service` is the whole service), or undefined when it is not a label. */
export function scopeOfLabel(label: string): FaultScope | undefined {
  if (label === 'service') return {};
  if (label.startsWith('route:')) return { route: label.slice('route:'.length) };
  if (label.startsWith('edge:')) return { target: label.slice('edge:'.length) };
  return undefined;
}

/** The SPEC 2.1 parameters of an injection besides intensity, probability and duration, as given (any form). */
export interface FaultExtras {
  readonly ms?: unknown;
  readonly jitter?: unknown;
  readonly status?: unknown;
  readonly route?: unknown;
  readonly target?: unknown;
}

/**
 * The first parameter given that does not go with the fault's type, as a sentence naming it:
 * `ms` and `jitter` go with latency only, `status` with error only, `route` or `target` (one
 * scope, not both) with any type but cpu, leak and crash. `flag` writes a parameter's name
 * (`--ms` on the command line). Undefined when they fit.
 */
export function faultParameterConflict(type: FaultType, given: FaultExtras, flag = (name: string) => name): string | undefined {
  for (const name of ['ms', 'jitter'] as const)
    if (given[name] !== undefined && type !== 'latency') return `${flag(name)} goes with latency only, not ${type}`;
  if (given.status !== undefined && type !== 'error') return `${flag('status')} goes with error only, not ${type}`;
  if (given.route !== undefined && given.target !== undefined)
    return `give ${flag('route')} or ${flag('target')}, not both: a fault has one scope`;
  for (const name of ['route', 'target'] as const)
    if (given[name] !== undefined && PROCESS_FAULT_TYPES.includes(type))
      return `${flag(name)} does not go with ${type}: ${PROCESS_FAULT_TYPES.join(', ')} act on the whole process`;
  return undefined;
}

/** An active fault as /health reports it. */
export const FailureState = Type.Object({
  type: FaultType,
  intensity: Type.Integer(),
  probability: Type.Number(),
  started_at: Type.String({ format: 'date-time' }),
  expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  remaining_s: Type.Union([Type.Number(), Type.Null()]),
  scope: Type.String({ description: 'service, route:<template> or edge:<upstream>' }),
  route: Type.Optional(Type.String({ description: 'the route template the fault applies to' })),
  target: Type.Optional(Type.String({ description: 'the upstream whose calls the fault breaks (an edge fault)' })),
  ms: Type.Optional(Type.Integer({ description: 'latency: the mean delay' })),
  jitter: Type.Optional(Type.Number({ description: 'latency: each delay is ms × (1 ± jitter·u)' })),
  status: Type.Optional(Type.Integer({ description: 'error: the HTTP status answered' })),
  leaked_mib: Type.Optional(Type.Number({ description: 'leak: MiB held so far' })),
});
export type FailureState = Static<typeof FailureState>;

export const HealthResponse = Type.Object({
  status: Type.String(),
  service: Type.String(),
  version: Type.String(),
  uptime_s: Type.Number(),
  failure: Type.Union([FailureState, Type.Null()], { description: 'the service-wide fault, or null' }),
  failures: Type.Array(FailureState, { description: 'every active fault, service-wide, per route and per edge' }),
});
export type HealthResponse = Static<typeof HealthResponse>;

/** Query string of POST /inject-failure, kept as strings so the chaos engine can name a bad one. */
export const InjectQuery = Type.Object({
  type: Type.Optional(Type.String({ description: `one of ${FAULT_TYPES.join(', ')}` })),
  intensity: Type.Optional(Type.String({ description: 'integer 1..10, default 1' })),
  probability: Type.Optional(Type.String({ description: '0..1, default 1, drawn per request' })),
  duration: Type.Optional(Type.String({ description: 'seconds, >0, at most 86400; omitted = until reset' })),
  ms: Type.Optional(Type.String({ description: 'latency: 1..30000 ms, default 100 × intensity' })),
  jitter: Type.Optional(Type.String({ description: 'latency: 0..1, default 0; each delay is ms × (1 ± jitter·u)' })),
  status: Type.Optional(Type.String({ description: `error: one of ${ERROR_STATUSES.join(', ')}, default 500` })),
  route: Type.Optional(Type.String({ description: 'scope: only requests whose route template equals it, e.g. /cart/add' })),
  target: Type.Optional(Type.String({ description: 'scope: an edge fault on calls to this upstream (auth-service, db-service)' })),
});
export type InjectQuery = Static<typeof InjectQuery>;

export const InjectResponse = Type.Object({
  status: Type.Literal('injected'),
  service: Type.String(),
  failure: FailureState,
});
export type InjectResponse = Static<typeof InjectResponse>;

/**
 * Query string of POST /reset: none clears every fault; `route`, `target` or `scope` (a label as
 * /health's `failures` gives it: `service`, `route:/cart/add`, `edge:db-service`) clears that scope's only.
 */
export const ResetQuery = Type.Object({
  scope: Type.Optional(Type.String({ description: 'clear only the fault of this scope: service, route:<template> or edge:<upstream>' })),
  route: Type.Optional(Type.String({ description: 'clear only the fault on this route template' })),
  target: Type.Optional(Type.String({ description: 'clear only the edge fault on calls to this upstream' })),
});
export type ResetQuery = Static<typeof ResetQuery>;

export const ResetResponse = Type.Object({
  status: Type.Literal('reset'),
  service: Type.String(),
  cleared: Type.Union([Type.String(), Type.Null()], { description: 'the type of a cleared fault (the service-wide one first), or null' }),
  cleared_faults: Type.Array(Type.Object({ type: FaultType, scope: Type.String() }), { description: 'every fault cleared' }),
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
