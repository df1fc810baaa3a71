import { existsSync, readFileSync } from 'node:fs';
import { archaicsHome, chaosTokenPath, type Env } from '@archaics/runtime';
import type { Targets } from '../http/targets.ts';

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

/** The chaos token: `CHAOS_TOKEN`, else the state folder's (`$ARCHAICS_HOME/chaos-token`, default `.archaics/`). */
export function readChaosToken(env: Env, cwd: string = process.cwd()): string {
  const fromEnv = env.CHAOS_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const path = chaosTokenPath(archaicsHome(env, cwd));
  if (!existsSync(path)) throw new Error(`no chaos token: set CHAOS_TOKEN, or start the stack (npm start) so that ${path} exists`);
  return readFileSync(path, 'utf8').trim();
}

const CONTROL_TIMEOUT_MS = 5_000;

async function control(url: string, token: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
  });
  return { status: response.status, text: await response.text() };
}

/** Injects the set for `durationS` seconds; if one injection fails, resets the ones done and throws. */
export async function injectFailures(targets: Targets, token: string, durationS: number, set: readonly FaultSpec[] = WITH_FAILURES): Promise<InjectedFault[]> {
  const injected: InjectedFault[] = [];
  for (const fault of set) {
    const query = new URLSearchParams({
      type: fault.type,
      intensity: String(fault.intensity),
      probability: String(fault.probability),
      duration: String(durationS),
    });
    const url = `${targets[fault.target]}/inject-failure?${query.toString()}`;
    let problem: string | undefined;
    try {
      const answer = await control(url, token);
      if (answer.status !== 200) problem = `HTTP ${answer.status} ${answer.text.slice(0, 200)}`;
    } catch (error) {
      problem = (error as Error).message;
    }
    if (problem !== undefined) {
      await resetFailures(targets, token, injected);
      throw new Error(`cannot inject ${fault.type} on ${fault.target} (${url}): ${problem}`);
    }
    injected.push({ ...fault, durationS });
  }
  return injected;
}

/** Resets every service of the set; never throws (a failed reset is reported, and the fault expires anyway). */
export async function resetFailures(targets: Targets, token: string, set: readonly Pick<FaultSpec, 'target'>[] = WITH_FAILURES): Promise<ResetOutcome[]> {
  const services = [...new Set(set.map((fault) => fault.target))];
  return Promise.all(
    services.map(async (target): Promise<ResetOutcome> => {
      try {
        const answer = await control(`${targets[target]}/reset`, token);
        return answer.status === 200 ? { target, ok: true } : { target, ok: false, detail: `HTTP ${answer.status}` };
      } catch (error) {
        return { target, ok: false, detail: (error as Error).message };
      }
    }),
  );
}
