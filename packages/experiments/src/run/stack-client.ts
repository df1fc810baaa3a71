import {
  StackClient as ControlPlane,
  StackRefusedError,
  exchange,
  failureReason,
  type DetectorAnomaly,
  type HttpAnswer,
} from '@archaics/client';
import { BUSINESS_SERVICES, scopeLabel, type BusinessService, type FailureState, type Incident } from '@archaics/contracts';
import type { Fault, ResetScope } from '../definition/experiment.ts';

export type { DetectorAnomaly, HttpAnswer };

const SERVICE_SCOPE = scopeLabel({});

/** Where the stack is: what the CLI reads from the environment (`*_SERVICE_URL`, canonical ports + ARCHAICS_PORT_OFFSET). */
export interface StackTargets {
  readonly services: Readonly<Record<BusinessService, string>>;
  readonly detectorUrl: string;
  readonly operatorUrl: string;
  /** Undefined: send no token (a `CHAOS_OPEN=1` stack). */
  readonly chaosToken: string | undefined;
}

/** Every URL an experiment may load or fault must be on this machine. */
export function checkLocalTargets(targets: StackTargets): void {
  for (const service of BUSINESS_SERVICES) {
    const host = new URL(targets.services[service]).hostname;
    if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host)) {
      throw new Error(`${service} is at ${targets.services[service]}: experiments send load and faults only to 127.0.0.1 (this machine)`);
    }
  }
}

/**
 * The stack as an experiment sees it: probes, faults, resets, and the detector's and
 * operator's records, through @archaics/client. Faults and resets answer with the status and
 * body of the service's answer (a refusal too); only a service that does not answer throws.
 */
export class StackClient {
  private readonly stack: ControlPlane;

  constructor(readonly targets: StackTargets) {
    this.stack = new ControlPlane({
      token: targets.chaosToken ?? null,
      targets: { services: targets.services, detector: targets.detectorUrl, operator: targets.operatorUrl },
    });
  }

  /** One request to a business route (the probes, the probe user); never throws for an HTTP status. */
  async request(
    url: string,
    init: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
  ): Promise<HttpAnswer> {
    const parsed = new URL(url);
    return exchange({ target: parsed.host, baseUrl: parsed.origin, path: `${parsed.pathname}${parsed.search}`, ...init });
  }

  async inject(fault: Fault, reason: string): Promise<HttpAnswer> {
    const params = {
      type: fault.type,
      intensity: fault.intensity,
      probability: fault.probability,
      duration: fault.durationS ?? undefined,
      ms: fault.ms,
      jitter: fault.jitter,
      status: fault.status,
      route: fault.route,
      target: fault.target,
    };
    return answerOf(200, () => this.stack.services.inject(fault.service, params, { reason }));
  }

  /** POST /reset: every fault of the service, or only the one of `scope` (a route or an edge). */
  async reset(service: BusinessService, reason: string, scope?: ResetScope): Promise<HttpAnswer> {
    return answerOf(200, () => this.stack.services.reset(service, { reason, ...(scope ? { scope } : {}) }));
  }

  /** /health of a service: its service-wide failure and every active fault with its scope, or why it did not answer. */
  async health(
    service: BusinessService,
    timeoutMs = 2000,
  ): Promise<{ up: boolean; failure: FailureState | null; failures: FailureState[]; error: string | null }> {
    try {
      const health = await this.stack.services.health(service, { timeoutMs });
      return { up: true, failure: health.failure ?? null, failures: [...health.failures], error: null };
    } catch (error) {
      return { up: false, failure: null, failures: [], error: failureReason(error) };
    }
  }

  /** Every business service answers /health 200 with no fault in any scope. */
  async allClear(): Promise<{ clear: boolean; detail: string[] }> {
    const answers = await Promise.all(BUSINESS_SERVICES.map(async (service) => [service, await this.health(service)] as const));
    const detail = answers.flatMap(([service, h]) =>
      !h.up
        ? [`${service} down (${h.error})`]
        : h.failures.map((f) => `${service} ${f.type}${f.scope === SERVICE_SCOPE ? '' : ` ${f.scope}`} active`),
    );
    return { clear: detail.length === 0, detail };
  }

  /** The detector's anomalies (newest first), or null when it does not answer. */
  async anomalies(): Promise<{ open: DetectorAnomaly | null; anomalies: DetectorAnomaly[] } | null> {
    try {
      const body = await this.stack.detector.anomalies({ limit: 200, timeoutMs: 3000 });
      return Array.isArray(body.anomalies) ? { open: body.open, anomalies: body.anomalies.slice() as DetectorAnomaly[] } : null;
    } catch {
      return null;
    }
  }

  async detectorTrained(): Promise<boolean | null> {
    try {
      return (await this.stack.detector.health({ timeoutMs: 3000 })).trained === true;
    } catch {
      return null;
    }
  }

  async resetBaseline(): Promise<HttpAnswer> {
    return answerOf(202, () => this.stack.detector.resetBaseline({ reason: 'experiment suite: fresh baseline' }));
  }

  /** The operator's incidents (newest first), or null when it does not answer. */
  async incidents(): Promise<Incident[] | null> {
    try {
      const body = await this.stack.operator.incidents({ limit: 100, timeoutMs: 3000 });
      return Array.isArray(body) ? body : null;
    } catch {
      return null;
    }
  }

  /** Signs a probe user up and logs it in; its token for `auth: user` probes. */
  async probeUser(): Promise<string> {
    const email = `experiment-probe-${Date.now()}-${Math.random().toString(16).slice(2, 8)}@example.com`;
    const password = 'experiment-probe-password';
    const auth = this.targets.services['auth-service'];
    const signup = await this.request(`${auth}/signup`, { method: 'POST', body: { email, password } });
    if (signup.status !== 201) throw new Error(`probe user: signup answered HTTP ${signup.status}`);
    const login = await this.request(`${auth}/login`, { method: 'POST', body: { email, password } });
    const token = (login.body as { access_token?: string }).access_token;
    if (login.status !== 200 || typeof token !== 'string') throw new Error(`probe user: login answered HTTP ${login.status}`);
    return token;
  }
}

/** A control call as status and body: the contract's status on success, the service's on a refusal; no answer throws. */
async function answerOf(okStatus: number, call: () => Promise<unknown>): Promise<HttpAnswer> {
  const start = performance.now();
  try {
    const body = await call();
    return { status: okStatus, body, ms: performance.now() - start };
  } catch (error) {
    if (error instanceof StackRefusedError) return { status: error.status, body: error.body, ms: performance.now() - start };
    throw error;
  }
}
