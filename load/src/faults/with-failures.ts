import { StackClient } from '@archaics/client';
import { SERVICE_OF, type Targets } from '../http/targets.ts';

/** One fault of the `--with-failures` set. */
export interface FaultSpec {
  readonly target: 'auth' | 'db' | 'product' | 'payment';
  readonly type: 'timeout' | 'error';
  readonly intensity: number;
  readonly probability: number;
}

/**
 * What `--with-failures` injects (documented in load/README.md): a db that times out on 30% of requests
 * (2 s against callers' 1 s deadline: product and payment answer 504, or 503 once their breaker opens),
 * and a product-service that answers 500 to 20% of requests. Auth is left alone so VUs can still sign in.
 */
export const WITH_FAILURES: readonly FaultSpec[] = Object.freeze([
  { target: 'db', type: 'timeout', intensity: 1, probability: 0.3 },
  { target: 'product', type: 'error', intensity: 1, probability: 0.2 },
]);

/** Faults outlive the run by this much, so they clear themselves even if the reset never comes (kill -9). */
export const FAULT_MARGIN_S = 15;

export interface InjectedFault extends FaultSpec {
  readonly durationS: number;
}

export interface ResetOutcome {
  readonly target: string;
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
    const params = { type: fault.type, intensity: fault.intensity, probability: fault.probability, duration: durationS };
    try {
      await stack.services.inject(SERVICE_OF[fault.target], params, { reason: REASON });
    } catch (error) {
      await resetFailures(targets, token, injected);
      throw new Error(`cannot inject ${fault.type} on ${fault.target} (${targets[fault.target]}): ${(error as Error).message}`, {
        cause: error,
      });
    }
    injected.push({ ...fault, durationS });
  }
  return injected;
}

/** Resets every service of the set; never throws (a failed reset is reported, and the fault expires anyway). */
export async function resetFailures(
  targets: Targets,
  token: string | null,
  set: readonly Pick<FaultSpec, 'target'>[] = WITH_FAILURES,
): Promise<ResetOutcome[]> {
  const stack = stackOf(targets, token);
  const services = [...new Set(set.map((fault) => fault.target))];
  return Promise.all(
    services.map(async (target): Promise<ResetOutcome> => {
      try {
        await stack.services.reset(SERVICE_OF[target], { reason: REASON });
        return { target, ok: true };
      } catch (error) {
        return { target, ok: false, detail: (error as Error).message };
      }
    }),
  );
}
