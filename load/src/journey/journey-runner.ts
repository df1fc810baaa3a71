import { randomBytes } from 'node:crypto';
import type { HttpMethod, Journey, JourneyStep } from '../definition/scenario-definition.ts';
import { IterationInterrupted } from '../execution/run-control.ts';
import type { Transport } from '../http/transport.ts';
import type { Targets } from '../http/targets.ts';
import type { CheckCounts, EndpointStats, RunMetrics } from '../metrics/run-metrics.ts';
import { VirtualUser, type Session } from './virtual-user.ts';

/** The password every load-test user gets (users are throwaway, emails unique per run and VU). */
const PASSWORD = 'load-test-password';

interface PreparedStep {
  readonly origin: string;
  readonly path: string;
  readonly method: HttpMethod;
  readonly body: Readonly<Record<string, unknown>> | undefined;
  readonly pick: ReadonlyArray<readonly [string, readonly unknown[]]>;
  readonly expect: number;
  readonly endpoint: EndpointStats;
  /** Its check, named as the k6 scripts name it: `GET /products is 200`. */
  readonly check: CheckCounts;
}

interface Answer {
  ok: boolean;
  json?: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** An error's code for the summary: `ECONNREFUSED`, `REQUEST_TIMEOUT`, `UND_ERR_HEADERS_TIMEOUT` (undici), ... */
function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown }; name?: unknown };
  const code = e.code ?? e.cause?.code ?? e.name;
  return typeof code === 'string' && code !== '' ? code : 'ERROR';
}

/** Runs a journey's iterations for VUs, the same way the k6 scripts do (load/k6/*.js). */
export class JourneyRunner {
  private readonly steps: PreparedStep[];
  private readonly signup: PreparedStep | undefined;
  private readonly login: PreparedStep | undefined;
  private sharedToken: string | undefined;
  private readonly runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

  constructor(
    private readonly journey: Journey,
    private readonly targets: Targets,
    private readonly metrics: RunMetrics,
    private readonly transport: Transport,
    private readonly scenarioName: string,
  ) {
    this.steps = journey.steps.map((step) => this.prepare(step));
    if (journey.session !== 'none') {
      this.signup = this.prepare({ target: 'auth', method: 'POST', path: '/signup', expect: 201 });
      this.login = this.prepare({ target: 'auth', method: 'POST', path: '/login', expect: 200 });
    }
  }

  private prepare(step: JourneyStep): PreparedStep {
    const base = this.targets[step.target];
    if (base === undefined) throw new Error(`journey ${this.journey.name}: no base URL for target "${step.target}"`);
    const url = new URL(base);
    const name = `${step.method} ${step.path}`;
    return {
      origin: url.origin,
      path: `${url.pathname.replace(/\/+$/, '')}${step.path}`,
      method: step.method,
      body: step.body,
      pick: Object.entries(step.pick ?? {}),
      expect: step.expect,
      endpoint: this.metrics.endpoint(step.target, name),
      check: this.metrics.check(`${name} is ${step.expect}`),
    };
  }

  newVirtualUser(id: number): VirtualUser {
    return new VirtualUser(id);
  }

  /** For `session: shared`: signs in the one user every VU uses (k6 `setup()`); throws when that fails. */
  async signInShared(vu: VirtualUser): Promise<void> {
    if (this.journey.session !== 'shared') return;
    const session = this.newSession(0);
    if (!(await this.signIn(vu, session, performance.now()))) throw new Error('setup: the shared user could not sign up and log in');
    this.sharedToken = session.token;
  }

  private newSession(vuId: number): Session {
    const email = `load-${this.scenarioName}-${this.runId}-${vuId}@example.com`;
    return { email, password: PASSWORD, signedUp: false, token: undefined };
  }

  private async signIn(vu: VirtualUser, session: Session, intendedStart: number): Promise<boolean> {
    const credentials = { email: session.email, password: session.password };
    if (!session.signedUp) {
      const signup = await this.send(vu, this.signup as PreparedStep, undefined, credentials, intendedStart);
      if (!signup.ok) return false;
      session.signedUp = true;
      intendedStart = Number.POSITIVE_INFINITY;
    }
    const login = await this.send(vu, this.login as PreparedStep, undefined, credentials, intendedStart, true);
    const token = (login.json as { access_token?: unknown } | undefined)?.access_token;
    if (!login.ok || typeof token !== 'string') return false;
    session.token = token;
    return true;
  }

  /**
   * One iteration, then its think time (inside the iteration, as k6 sleeps inside `default`). Returns when
   * the next iteration of a closed-model VU should start; throws {@link IterationInterrupted} when cut short.
   */
  async iterate(vu: VirtualUser, intendedStart: number): Promise<number> {
    const started = performance.now();
    let intended = intendedStart;
    let token = this.sharedToken;
    let passed = true;
    if (this.journey.session === 'per-vu') {
      const session = (vu.session ??= this.newSession(vu.id));
      if (session.token === undefined) {
        passed = await this.signIn(vu, session, intended);
        intended = Number.POSITIVE_INFINITY;
      }
      token = session.token;
    }
    for (let i = 0; passed && i < this.steps.length; i++) {
      const step = this.steps[i] as PreparedStep;
      passed = (await this.send(vu, step, token, this.bodyOf(step), intended)).ok;
      intended = Number.POSITIVE_INFINITY;
    }
    const { min, max } = this.journey.thinkTime;
    const thinkMs = (min + Math.random() * (max - min)) * 1_000;
    const thinkFrom = performance.now();
    if (thinkMs > 0) await vu.sleep(thinkMs);
    if (vu.aborted) throw new IterationInterrupted();
    this.metrics.iterationTime.record((thinkMs > 0 ? performance.now() : thinkFrom) - started);
    return thinkFrom + thinkMs;
  }

  private bodyOf(step: PreparedStep): Record<string, unknown> | undefined {
    if (step.body === undefined) return undefined;
    if (step.pick.length === 0) return step.body;
    const body = { ...step.body };
    for (const [field, choices] of step.pick) body[field] = choices[Math.floor(Math.random() * choices.length)];
    return body;
  }

  private async send(
    vu: VirtualUser,
    step: PreparedStep,
    token: string | undefined,
    body: Record<string, unknown> | undefined,
    intendedStart: number,
    readJson = false,
  ): Promise<Answer> {
    // A flat [name, value, ...] list: undici takes it without walking an object.
    const headers: string[] = [];
    if (body !== undefined) headers.push('content-type', 'application/json');
    if (token !== undefined) headers.push('authorization', `Bearer ${token}`);
    const started = performance.now();
    let outcome: number | string;
    let json: unknown;
    try {
      const response = await this.transport.exchange(
        { origin: step.origin, path: step.path, method: step.method, headers, body: body === undefined ? null : JSON.stringify(body) },
        vu,
        readJson,
      );
      outcome = response.status;
      if (readJson && outcome === step.expect && response.body !== undefined) json = parseJson(response.body);
    } catch (error) {
      if (vu.aborted) throw new IterationInterrupted();
      outcome = errorCode(error);
    }
    if (vu.aborted) throw new IterationInterrupted();
    const ended = performance.now();
    this.metrics.recordRequest(step.endpoint, outcome, ended - started, ended - Math.min(intendedStart, started));
    const ok = outcome === step.expect;
    if (ok) step.check.passed++;
    else step.check.failed++;
    return { ok, json };
  }
}
