import {
  EDGE_ONLY_FAULT_TYPES,
  ERROR_STATUSES,
  FAULT_LIMITS,
  FAULT_TYPES,
  PROCESS_FAULT_TYPES,
  scopeLabel,
  scopeOfLabel,
  type FailureState,
  type FaultType,
} from '@archaics/contracts';
import type { Logger } from 'pino';
import { AppError, badRequest } from '../errors/app-error.ts';
import type { ServiceMetrics } from '../metrics/metrics.ts';
import { CpuBurner } from './cpu-burner.ts';
import { MEBIBYTE, MemoryLeak } from './memory-leak.ts';

/** The fault parameters as they arrive on the query string. */
export interface FaultParams {
  type?: string | undefined;
  intensity?: string | undefined;
  probability?: string | undefined;
  duration?: string | undefined;
  ms?: string | undefined;
  jitter?: string | undefined;
  status?: string | undefined;
  route?: string | undefined;
  target?: string | undefined;
}

/** Which fault `POST /reset` clears: none given, all of them. */
export interface ResetParams {
  /** A scope label as /health's `failures` gives it: `service`, `route:<template>`, `edge:<upstream>`. */
  scope?: string | undefined;
  route?: string | undefined;
  target?: string | undefined;
}

/** A checked injection, before it becomes active. */
export interface ParsedFault {
  type: FaultType;
  intensity: number;
  probability: number;
  duration: number | null;
  route?: string;
  target?: string;
  ms?: number;
  jitter?: number;
  status?: number;
}

interface ActiveFault extends Omit<ParsedFault, 'duration'> {
  scope: string;
  startedAt: number;
  expiresAt: number | null;
  timer: NodeJS.Timeout | undefined;
  /** Aborted when this fault ends, so pending injected delays stop early. */
  controller: AbortController;
}

/** What one request (or one dependency call) must suffer, decided by the draws. */
export interface DrawnFault {
  type: Exclude<FaultType, 'cpu' | 'leak'>;
  intensity: number;
  signal: AbortSignal;
  /** `service`, `route:<template>` or `edge:<upstream>`. */
  scope: string;
  /** timeout and latency: how long to wait, in ms. */
  delayMs?: number;
  /** error: the status to answer (500 unless given). */
  status?: number;
  /** error with status 429: the `Retry-After` seconds (the time left, at least 1). */
  retryAfterS?: number;
}

/** What `POST /reset` cleared. */
export interface ResetResult {
  /** The type of a cleared fault (the service-wide one first), or null. */
  cleared: FaultType | null;
  cleared_faults: Array<{ type: FaultType; scope: string }>;
}

export interface ChaosEngineOptions {
  service: string;
  allowedTypes: readonly FaultType[];
  logger: Logger;
  metrics?: ServiceMetrics;
  random?: () => number;
  now?: () => number;
  /** Ends the process for a crash fault; tests pass a fake. */
  exit?: (code: number) => void;
  cpu?: CpuBurner;
  leak?: MemoryLeak;
}

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const INTEGER = /^\d+$/;
const SERVICE_SCOPE = 'service';

/**
 * The fault state of one service (SPEC §2 "Faults" and 2.1): parameters checked, one fault
 * per scope (service-wide, each route, each edge), expiry on a timer (no request needed),
 * per-request draws, CPU pressure, a memory leak, crash.
 */
export class ChaosEngine {
  private readonly faults = new Map<string, ActiveFault>();
  private readonly routes = new Set<string>();
  private readonly upstreams = new Set<string>();
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly exitProcess: (code: number) => void;
  private readonly cpu: CpuBurner;
  private readonly leak: MemoryLeak;

  constructor(private readonly options: ChaosEngineOptions) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.exitProcess = options.exit ?? ((code) => process.exit(code));
    this.cpu = options.cpu ?? new CpuBurner();
    this.leak = options.leak ?? new MemoryLeak(FAULT_LIMITS.leak.capMiB * MEBIBYTE);
  }

  /** Makes a route template nameable by `route` (the chaos plugin adds every business route). */
  addRoute(template: string): void {
    this.routes.add(template);
  }

  /** Makes an upstream nameable by `target` (each dependency client adds its own). */
  addUpstream(upstream: string): void {
    this.upstreams.add(upstream);
  }

  /** The route templates a `route` fault may name. */
  routeTemplates(): string[] {
    return [...this.routes].sort();
  }

  /** The upstreams an edge fault may name. */
  targets(): string[] {
    return [...this.upstreams].sort();
  }

  /** Checks the parameters; a bad one is a 400 naming it. */
  parse(params: FaultParams): ParsedFault {
    const allowed = this.options.allowedTypes;
    if (params.type === undefined || params.type === '') {
      throw new AppError(400, 'bad_request', `type is required; allowed: ${allowed.join(', ')}`, { allowed });
    }
    if (!(FAULT_TYPES as readonly string[]).includes(params.type)) {
      throw new AppError(400, 'bad_request', `unknown type "${params.type}"; allowed: ${allowed.join(', ')}`, { allowed });
    }
    const type = params.type as FaultType;
    if (!allowed.includes(type)) {
      throw new AppError(400, 'bad_request', `type ${type} is not supported by ${this.options.service}; allowed: ${allowed.join(', ')}`, {
        allowed,
      });
    }
    const { intensity: iLimits, probability: pLimits, duration: dLimits } = FAULT_LIMITS;
    let intensity = iLimits.default;
    if (params.intensity !== undefined) {
      if (!INTEGER.test(params.intensity))
        throw badRequest(`intensity must be an integer ${iLimits.min}..${iLimits.max}, got "${params.intensity}"`);
      intensity = Number(params.intensity);
      if (intensity < iLimits.min || intensity > iLimits.max) {
        throw badRequest(`intensity must be an integer ${iLimits.min}..${iLimits.max}, got ${intensity}`);
      }
    }
    let probability = pLimits.default;
    if (params.probability !== undefined) {
      probability = NUMBER.test(params.probability) ? Number(params.probability) : Number.NaN;
      if (!(probability >= pLimits.min && probability <= pLimits.max)) {
        throw badRequest(`probability must be a number ${pLimits.min}..${pLimits.max}, got "${params.probability}"`);
      }
    }
    let duration: number | null = null;
    if (params.duration !== undefined) {
      duration = NUMBER.test(params.duration) ? Number(params.duration) : Number.NaN;
      if (!(duration > 0 && duration <= dLimits.maxSeconds)) {
        throw badRequest(`duration must be seconds > 0 and <= ${dLimits.maxSeconds}, got "${params.duration}"`);
      }
    }
    return { type, intensity, probability, duration, ...this.parseShape(type, intensity, params), ...this.parseScope(type, params) };
  }

  /** Injects a fault, replacing the active one of the same scope only. */
  inject(params: FaultParams): FailureState {
    const parsed = this.parse(params);
    const { duration, ...fault } = parsed;
    const scope = scopeLabel(fault);
    if (this.faults.has(scope)) this.clear(scope, 'replaced');
    const startedAt = this.now();
    const expiresAt = duration === null ? null : startedAt + duration * 1000;
    const active: ActiveFault = { ...fault, scope, startedAt, expiresAt, timer: undefined, controller: new AbortController() };
    if (expiresAt !== null) {
      active.timer = setTimeout(() => this.clear(scope, 'expired'), expiresAt - startedAt);
      active.timer.unref();
    }
    this.faults.set(scope, active);
    if (fault.type === 'cpu') this.cpu.start(fault.intensity);
    if (fault.type === 'leak') this.leak.start(fault.intensity);
    const { service, metrics, logger } = this.options;
    metrics?.chaosActive.set({ service, type: fault.type, scope }, 1);
    metrics?.chaosInjections.inc({ service, type: fault.type });
    const state = this.stateOf(active);
    const extras = [
      scope === SERVICE_SCOPE ? '' : ` scope=${scope}`,
      fault.ms === undefined ? '' : ` ms=${fault.ms} jitter=${fault.jitter ?? 0}`,
      fault.status === undefined ? '' : ` status=${fault.status}`,
    ].join('');
    logger.warn(
      { chaos: { action: 'inject', ...state } },
      `Chaos injected: ${fault.type} intensity=${fault.intensity} probability=${fault.probability}${extras} duration=${duration === null ? 'until reset' : `${duration}s`}`,
    );
    return state;
  }

  /** Clears every active fault; returns the type of one (the service-wide one first), or null when none was active. */
  reset(reason = 'reset'): FaultType | null {
    return this.resetScope({}, reason).cleared;
  }

  /** Clears every fault, or the one of the given scope, route or target (SPEC 2.1). */
  resetScope(params: ResetParams, reason = 'reset'): ResetResult {
    const given = [params.scope, params.route, params.target].filter((p) => p !== undefined).length;
    if (given > 1) throw badRequest('give one of scope, route or target, not several');
    let scopes: string[];
    if (params.scope !== undefined) {
      scopes = [this.checkScope(params.scope)];
    } else if (given === 1) {
      scopes = [
        scopeLabel(params.route !== undefined ? { route: this.checkRoute(params.route) } : { target: this.checkTarget(params.target!) }),
      ];
    } else {
      scopes = [...this.faults.keys()];
    }
    const clearedFaults: ResetResult['cleared_faults'] = [];
    for (const scope of this.ordered(scopes)) {
      const type = this.clear(scope, reason);
      if (type !== null) clearedFaults.push({ type, scope });
    }
    return { cleared: clearedFaults[0]?.type ?? null, cleared_faults: clearedFaults };
  }

  /** The service-wide fault as /health's `failure` reports it, or null. */
  state(): FailureState | null {
    const fault = this.faults.get(SERVICE_SCOPE);
    return fault ? this.stateOf(fault) : null;
  }

  /** Every active fault as /health's `failures` reports them: service-wide first, then routes, then edges. */
  states(): FailureState[] {
    return this.ordered([...this.faults.keys()]).map((scope) => this.stateOf(this.faults.get(scope)!));
  }

  /** Decides, for one request, whether the service-wide fault strikes it. */
  draw(): DrawnFault | undefined {
    return this.drawScope(SERVICE_SCOPE);
  }

  /**
   * The faults that strike one request on a route: the service-wide one and the route's own,
   * each drawn on its own (in that order).
   */
  drawRequest(route: string | undefined): DrawnFault[] {
    const drawn: DrawnFault[] = [];
    const whole = this.drawScope(SERVICE_SCOPE);
    if (whole) drawn.push(whole);
    if (route !== undefined) {
      const own = this.drawScope(scopeLabel({ route }));
      if (own) drawn.push(own);
    }
    return drawn;
  }

  /** Decides, for one call to an upstream, whether an edge fault strikes it. */
  drawEdge(upstream: string): DrawnFault | undefined {
    return this.faults.size === 0 ? undefined : this.drawScope(scopeLabel({ target: upstream }));
  }

  /** Ends the process with code 1, as a crash fault does. */
  crash(): void {
    this.options.logger.error({ chaos: { action: 'crash' } }, 'Injected crash — process exiting with code 1');
    this.cpu.stop();
    this.exitProcess(1);
  }

  /** Stops timers and workers (server close). */
  close(): void {
    for (const fault of this.faults.values()) {
      if (fault.timer) clearTimeout(fault.timer);
      fault.controller.abort();
    }
    this.cpu.stop();
    this.leak.stop();
  }

  private parseShape(type: FaultType, intensity: number, params: FaultParams): Pick<ParsedFault, 'ms' | 'jitter' | 'status'> {
    const { ms: msLimits, jitter: jLimits } = FAULT_LIMITS;
    const shape: Pick<ParsedFault, 'ms' | 'jitter' | 'status'> = {};
    if (type === 'latency') {
      shape.ms = Math.min(msLimits.max, msLimits.perIntensity * intensity);
      if (params.ms !== undefined) {
        const ms = INTEGER.test(params.ms) ? Number(params.ms) : Number.NaN;
        if (!(ms >= msLimits.min && ms <= msLimits.max)) {
          throw badRequest(`ms must be an integer ${msLimits.min}..${msLimits.max}, got "${params.ms}"`);
        }
        shape.ms = ms;
      }
      shape.jitter = jLimits.default;
      if (params.jitter !== undefined) {
        const jitter = NUMBER.test(params.jitter) ? Number(params.jitter) : Number.NaN;
        if (!(jitter >= jLimits.min && jitter <= jLimits.max)) {
          throw badRequest(`jitter must be a number ${jLimits.min}..${jLimits.max}, got "${params.jitter}"`);
        }
        shape.jitter = jitter;
      }
    } else {
      if (params.ms !== undefined) throw badRequest(`ms applies to type latency only, not ${type}`);
      if (params.jitter !== undefined) throw badRequest(`jitter applies to type latency only, not ${type}`);
    }
    if (type === 'error') {
      shape.status = 500;
      if (params.status !== undefined) {
        const status = Number(params.status);
        if (!INTEGER.test(params.status) || !(ERROR_STATUSES as readonly number[]).includes(status)) {
          throw badRequest(`status must be one of ${ERROR_STATUSES.join(', ')}, got "${params.status}"`);
        }
        shape.status = status;
      }
    } else if (params.status !== undefined) {
      throw badRequest(`status applies to type error only, not ${type}`);
    }
    return shape;
  }

  private parseScope(type: FaultType, params: FaultParams): Pick<ParsedFault, 'route' | 'target'> {
    const { route, target } = params;
    if (PROCESS_FAULT_TYPES.includes(type)) {
      if (route !== undefined) throw badRequest(`route does not apply to ${type}: it acts on the whole process`);
      if (target !== undefined) throw badRequest(`target does not apply to ${type}: it acts on the whole process`);
    }
    if (route !== undefined && target !== undefined) throw badRequest('give route or target, not both');
    if (EDGE_ONLY_FAULT_TYPES.includes(type) && target === undefined) {
      throw badRequest(`target is required for ${type} (an edge fault); ${this.describeTargets()}`);
    }
    if (route !== undefined) return { route: this.checkRoute(route) };
    if (target !== undefined) return { target: this.checkTarget(target) };
    return {};
  }

  /** A scope label as `failures` reports it, checked like the route or target it names. */
  private checkScope(label: string): string {
    const scope = scopeOfLabel(label);
    if (scope === undefined) throw badRequest(`scope must be service, route:<template> or edge:<upstream>, got ${JSON.stringify(label)}`);
    if (scope.route !== undefined) return scopeLabel({ route: this.checkRoute(scope.route) });
    if (scope.target !== undefined) return scopeLabel({ target: this.checkTarget(scope.target) });
    return SERVICE_SCOPE;
  }

  private checkRoute(route: string): string {
    if (!this.routes.has(route)) {
      const known = this.routeTemplates();
      throw badRequest(`route "${route}" is not a route of ${this.options.service}; its routes: ${known.join(', ') || 'none'}`);
    }
    return route;
  }

  /** The upstream a target names: its full name, or the short one (`db` for `db-service`). */
  private checkTarget(target: string): string {
    const name = this.upstreams.has(target) ? target : `${target}-service`;
    if (!this.upstreams.has(name))
      throw badRequest(`target "${target}" is not called by ${this.options.service}; ${this.describeTargets()}`);
    return name;
  }

  private describeTargets(): string {
    const targets = this.targets();
    return targets.length === 0 ? `${this.options.service} calls no other service` : `its targets: ${targets.join(', ')}`;
  }

  private drawScope(scope: string): DrawnFault | undefined {
    const fault = this.faults.get(scope);
    if (!fault || fault.type === 'cpu' || fault.type === 'leak') return undefined;
    if (fault.expiresAt !== null && this.now() >= fault.expiresAt) {
      this.clear(scope, 'expired');
      return undefined;
    }
    if (fault.probability < 1 && this.random() >= fault.probability) return undefined;
    const drawn: DrawnFault = { type: fault.type, intensity: fault.intensity, signal: fault.controller.signal, scope };
    if (fault.type === 'timeout') drawn.delayMs = 2000 * fault.intensity;
    if (fault.type === 'latency') {
      const jitter = fault.jitter ?? 0;
      drawn.delayMs = Math.max(0, (fault.ms ?? 0) * (1 + jitter * (2 * this.random() - 1)));
    }
    if (fault.type === 'error') {
      drawn.status = fault.status ?? 500;
      if (drawn.status === 429) {
        drawn.retryAfterS = fault.expiresAt === null ? 1 : Math.max(1, Math.ceil((fault.expiresAt - this.now()) / 1000));
      }
    }
    return drawn;
  }

  private stateOf(fault: ActiveFault): FailureState {
    const remaining = fault.expiresAt === null ? null : Math.max(0, Math.round((fault.expiresAt - this.now()) / 100) / 10);
    return {
      type: fault.type,
      intensity: fault.intensity,
      probability: fault.probability,
      started_at: new Date(fault.startedAt).toISOString(),
      expires_at: fault.expiresAt === null ? null : new Date(fault.expiresAt).toISOString(),
      remaining_s: remaining,
      scope: fault.scope,
      ...(fault.route === undefined ? {} : { route: fault.route }),
      ...(fault.target === undefined ? {} : { target: fault.target }),
      ...(fault.ms === undefined ? {} : { ms: fault.ms, jitter: fault.jitter ?? 0 }),
      ...(fault.status === undefined ? {} : { status: fault.status }),
      ...(fault.type === 'leak' ? { leaked_mib: Math.round((this.leak.heldBytes / MEBIBYTE) * 10) / 10 } : {}),
    };
  }

  /** Scopes in the order /health lists them: service-wide, then routes, then edges, each sorted. */
  private ordered(scopes: string[]): string[] {
    const rank = (scope: string): number => (scope === SERVICE_SCOPE ? 0 : scope.startsWith('route:') ? 1 : 2);
    return [...scopes].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }

  private clear(scope: string, reason: string): FaultType | null {
    const fault = this.faults.get(scope);
    if (!fault) return null;
    this.faults.delete(scope);
    if (fault.timer) clearTimeout(fault.timer);
    fault.controller.abort();
    if (fault.type === 'cpu') this.cpu.stop();
    if (fault.type === 'leak') this.leak.stop();
    const { service, metrics, logger } = this.options;
    metrics?.chaosActive.set({ service, type: fault.type, scope }, 0);
    const where = scope === SERVICE_SCOPE ? '' : ` (${scope})`;
    logger.warn({ chaos: { action: reason, type: fault.type, scope } }, `Chaos cleared (${reason}): ${fault.type}${where}`);
    return fault.type;
  }
}
