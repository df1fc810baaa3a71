import { StackClient } from '@archaics/client';
import { scopeLabel, type ErrorStatus, type FaultType } from '@archaics/contracts';
import { SERVICE_OF, type Targets } from '../http/targets.ts';

/** One fault of a `--with-failures` set. */
export interface FaultSpec {
  readonly target: 'auth' | 'db' | 'product' | 'payment';
  readonly type: FaultType;
  readonly intensity: number;
  readonly probability: number;
  /** latency: the mean delay in ms. */
  readonly ms?: number;
  /** latency: each delay is ms × (1 ± jitter·u). */
  readonly jitter?: number;
  /** error: the status answered. */
  readonly status?: ErrorStatus;
  /** Only requests on this route template of the target (SPEC 2.1). */
  readonly route?: string;
}

/**
 * What `--with-failures` (the `seed` set) injects (documented in load/README.md): a db that times out on
 * 30% of requests (2 s against callers' 1 s deadline: product and payment answer 504, or 503 once their
 * breaker opens), and a product-service that answers 500 to 20% of requests. Auth is left alone so VUs
 * can still sign in.
 */
export const WITH_FAILURES: readonly FaultSpec[] = Object.freeze([
  { target: 'db', type: 'timeout', intensity: 1, probability: 0.3 },
  { target: 'product', type: 'error', intensity: 1, probability: 0.2 },
]);

/**
 * The `gray` set (SPEC 2.1): a db that is slow but inside its callers' deadline (300 ms ± 20 % on every
 * request, against 1 s), and product's `POST /cart/add` only answering 503 to 20% of requests. Every
 * other route keeps working: the errors stay on one endpoint, the latency shows everywhere db is called.
 */
export const GRAY_FAILURES: readonly FaultSpec[] = Object.freeze([
  { target: 'db', type: 'latency', intensity: 1, probability: 1, ms: 300, jitter: 0.2 },
  { target: 'product', type: 'error', intensity: 1, probability: 0.2, status: 503, route: '/cart/add' },
]);

export const FAULT_SET_NAMES = ['seed', 'gray'] as const;
export type FaultSetName = (typeof FAULT_SET_NAMES)[number];

/** The fault sets by name: `seed` (the default of `--with-failures`) and `gray`. */
export const FAULT_SETS: Readonly<Record<FaultSetName, readonly FaultSpec[]>> = Object.freeze({ seed: WITH_FAILURES, gray: GRAY_FAILURES });

/** The set of that name, or undefined. */
export function faultSetNamed(name: string): readonly FaultSpec[] | undefined {
  return (FAULT_SET_NAMES as readonly string[]).includes(name) ? FAULT_SETS[name as FaultSetName] : undefined;
}

/** A fault in a word: `db timeout`, `db latency 300ms ±0.2`, `product error 503 on /cart/add`. */
export function describeFault(fault: FaultSpec): string {
  const details = [
    ...(fault.ms === undefined ? [] : [`${fault.ms}ms`]),
    ...(fault.jitter === undefined ? [] : [`±${fault.jitter}`]),
    ...(fault.status === undefined ? [] : [String(fault.status)]),
    ...(fault.route === undefined ? [] : [`on ${fault.route}`]),
  ];
  return [fault.target, fault.type, ...details].join(' ');
}

/** Faults outlive the run by this much, so they clear themselves even if the reset never comes (kill -9). */
export const FAULT_MARGIN_S = 15;

export interface InjectedFault extends FaultSpec {
  readonly durationS: number;
}

export interface ResetOutcome {
  readonly target: string;
  /** The one scope reset (`route:/cart/add`); absent: every fault of the target. */
  readonly scope?: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** Why the faults are there, in the services' logs (the reason header). */
const REASON = 'load --with-failures';

/** The business services' control endpoints for the set's targets; `token` null sends none (a `CHAOS_OPEN=1` stack). */
function stackOf(targets: Targets, token: string | null): StackClient {
  const services = Object.fromEntries(
    Object.entries(SERVICE_OF).flatMap(([target, service]) => (targets[target] === undefined ? [] : [[service, targets[target]]])),
  );
  return new StackClient({ token, targets: { services } });
}

/** Injects the set for `durationS` seconds; if one injection fails, resets the ones done and throws. */
export async function injectFailures(
  targets: Targets,
  token: string | null,
  durationS: number,
  set: readonly FaultSpec[] = WITH_FAILURES,
): Promise<InjectedFault[]> {
  const stack = stackOf(targets, token);
  const injected: InjectedFault[] = [];
  for (const fault of set) {
    const { target, ...params } = fault;
    try {
      await stack.services.inject(SERVICE_OF[target], { ...params, duration: durationS }, { reason: REASON });
    } catch (error) {
      await resetFailures(targets, token, injected);
      throw new Error(`cannot inject ${fault.type} on ${target} (${targets[target]}): ${(error as Error).message}`, {
        cause: error,
      });
    }
    injected.push({ ...fault, durationS });
  }
  return injected;
}

/**
 * Resets what the set injected; never throws (a failed reset is reported, and the fault expires anyway).
 * A service-wide fault's target is reset whole, a route fault only on its route.
 */
export async function resetFailures(
  targets: Targets,
  token: string | null,
  set: readonly Pick<FaultSpec, 'target' | 'route'>[] = WITH_FAILURES,
): Promise<ResetOutcome[]> {
  const stack = stackOf(targets, token);
  const resets = new Map(
    set.map((fault) => [`${fault.target} ${fault.route ?? ''}`, { target: fault.target, route: fault.route }] as const),
  );
  return Promise.all(
    [...resets.values()].map(async ({ target, route }): Promise<ResetOutcome> => {
      const scope = route === undefined ? {} : { scope: scopeLabel({ route }) };
      try {
        await stack.services.reset(SERVICE_OF[target], { reason: REASON, ...(route === undefined ? {} : { scope: { route } }) });
        return { target, ...scope, ok: true };
      } catch (error) {
        return { target, ...scope, ok: false, detail: (error as Error).message };
      }
    }),
  );
}
