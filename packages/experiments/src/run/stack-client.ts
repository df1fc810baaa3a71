import { BUSINESS_SERVICES, type BusinessService, type FailureState, type Incident } from '@archaics/contracts';
import type { Fault } from '../definition/experiment.ts';

/** Where the stack is: what the CLI reads from the environment (`*_SERVICE_URL`, canonical ports + ARCHAICS_PORT_OFFSET). */
export interface StackTargets {
  readonly services: Readonly<Record<BusinessService, string>>;
  readonly detectorUrl: string;
  readonly operatorUrl: string;
  /** Undefined: send no token (a `CHAOS_OPEN=1` stack). */
  readonly chaosToken: string | undefined;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly ms: number;
}

export interface DetectorAnomaly {
  readonly id: string;
  readonly opened_at: string;
  readonly closed_at: string | null;
  readonly services: readonly string[];
}

const REASON_HEADER = 'X-Archaics-Reason';

/** Every URL an experiment may load or fault must be on this machine. */
export function checkLocalTargets(targets: StackTargets): void {
  for (const service of BUSINESS_SERVICES) {
    const host = new URL(targets.services[service]).hostname;
    if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host)) {
      throw new Error(`${service} is at ${targets.services[service]}: experiments send load and faults only to 127.0.0.1 (this machine)`);
    }
  }
}

/** The HTTP calls of an experiment: probes, faults, resets, and the detector's and operator's records. Never throws for an HTTP status. */
export class StackClient {
  constructor(readonly targets: StackTargets) {}

  async request(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {}): Promise<HttpAnswer> {
    const start = performance.now();
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? null : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 5000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body, ms: performance.now() - start };
  }

  private chaosHeaders(reason: string): Record<string, string> {
    return { ...(this.targets.chaosToken === undefined ? {} : { authorization: `Bearer ${this.targets.chaosToken}` }), [REASON_HEADER]: reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 200) };
  }

  async inject(fault: Fault, reason: string): Promise<HttpAnswer> {
    const query = new URLSearchParams({ type: fault.type, intensity: String(fault.intensity), probability: String(fault.probability) });
    if (fault.durationS !== null) query.set('duration', String(fault.durationS));
    return this.request(`${this.targets.services[fault.service]}/inject-failure?${query}`, { method: 'POST', headers: this.chaosHeaders(reason) });
  }

  async reset(service: BusinessService, reason: string): Promise<HttpAnswer> {
    return this.request(`${this.targets.services[service]}/reset`, { method: 'POST', headers: this.chaosHeaders(reason) });
  }

  /** /health of a service: its failure, or why it did not answer. */
  async health(service: BusinessService, timeoutMs = 2000): Promise<{ up: boolean; failure: FailureState | null; error: string | null }> {
    try {
      const answer = await this.request(`${this.targets.services[service]}/health`, { timeoutMs });
      if (answer.status !== 200) return { up: false, failure: null, error: `HTTP ${answer.status}` };
      return { up: true, failure: (answer.body as { failure?: FailureState | null }).failure ?? null, error: null };
    } catch (error) {
      return { up: false, failure: null, error: (error as Error).message };
    }
  }

  /** Every business service answers /health 200 with no fault. */
  async allClear(): Promise<{ clear: boolean; detail: string[] }> {
    const answers = await Promise.all(BUSINESS_SERVICES.map(async (service) => [service, await this.health(service)] as const));
    const detail = answers.flatMap(([service, h]) => (!h.up ? [`${service} down (${h.error})`] : h.failure ? [`${service} ${h.failure.type} active`] : []));
    return { clear: detail.length === 0, detail };
  }

  /** The detector's anomalies (newest first), or null when it does not answer. */
  async anomalies(): Promise<{ open: DetectorAnomaly | null; anomalies: DetectorAnomaly[] } | null> {
    try {
      const answer = await this.request(`${this.targets.detectorUrl}/anomalies?limit=200`, { timeoutMs: 3000 });
      if (answer.status !== 200) return null;
      const body = answer.body as { open: DetectorAnomaly | null; anomalies: DetectorAnomaly[] };
      return Array.isArray(body.anomalies) ? body : null;
    } catch {
      return null;
    }
  }

  async detectorTrained(): Promise<boolean | null> {
    try {
      const answer = await this.request(`${this.targets.detectorUrl}/health`, { timeoutMs: 3000 });
      return answer.status === 200 ? (answer.body as { trained?: boolean }).trained === true : null;
    } catch {
      return null;
    }
  }

  async resetBaseline(): Promise<HttpAnswer> {
    return this.request(`${this.targets.detectorUrl}/baseline/reset`, { method: 'POST', headers: this.chaosHeaders('experiment suite: fresh baseline') });
  }

  /** The operator's incidents (newest first), or null when it does not answer. */
  async incidents(): Promise<Incident[] | null> {
    try {
      const answer = await this.request(`${this.targets.operatorUrl}/incidents?limit=100`, { timeoutMs: 3000 });
      if (answer.status !== 200) return null;
      const body = answer.body as Incident[] | { incidents?: Incident[] };
      return Array.isArray(body) ? body : Array.isArray(body.incidents) ? body.incidents : null;
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
