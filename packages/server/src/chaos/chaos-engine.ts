import { FAULT_LIMITS, FAULT_TYPES, type FailureState, type FaultType } from '@archaics/contracts';
import type { Logger } from 'pino';
import { AppError, badRequest } from '../errors/app-error.ts';
import type { ServiceMetrics } from '../metrics/metrics.ts';
import { CpuBurner } from './cpu-burner.ts';

/** The fault parameters as they arrive on the query string. */
export interface FaultParams {
  type?: string | undefined;
  intensity?: string | undefined;
  probability?: string | undefined;
  duration?: string | undefined;
}

interface ActiveFault {
  type: FaultType;
  intensity: number;
  probability: number;
  startedAt: number;
  expiresAt: number | null;
  /** Aborted when this fault ends, so pending injected delays stop early. */
  controller: AbortController;
}

/** What one request must suffer, decided by {@link ChaosEngine.draw}. */
export interface DrawnFault {
  type: Exclude<FaultType, 'cpu'>;
  intensity: number;
  signal: AbortSignal;
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
}

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * The fault state of one service (SPEC §2 "Faults"): parameters checked, expiry on a
 * timer (no request needed), per-request draws, CPU pressure, crash.
 */
export class ChaosEngine {
  private active: ActiveFault | null = null;
  private expiryTimer: NodeJS.Timeout | undefined;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly exitProcess: (code: number) => void;
  private readonly cpu: CpuBurner;

  constructor(private readonly options: ChaosEngineOptions) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.exitProcess = options.exit ?? ((code) => process.exit(code));
    this.cpu = options.cpu ?? new CpuBurner();
  }

  /** Checks the parameters; a bad one is a 400 naming it. */
  parse(params: FaultParams): Omit<ActiveFault, 'startedAt' | 'expiresAt' | 'controller'> & { duration: number | null } {
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
      if (!/^\d+$/.test(params.intensity))
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
    return { type, intensity, probability, duration };
  }

  /** Injects a fault, replacing any active one. */
  inject(params: FaultParams): FailureState {
    const parsed = this.parse(params);
    if (this.active) this.clear('replaced');
    const startedAt = this.now();
    const expiresAt = parsed.duration === null ? null : startedAt + parsed.duration * 1000;
    this.active = {
      type: parsed.type,
      intensity: parsed.intensity,
      probability: parsed.probability,
      startedAt,
      expiresAt,
      controller: new AbortController(),
    };
    if (expiresAt !== null) {
      this.expiryTimer = setTimeout(() => this.expire(), expiresAt - startedAt);
      this.expiryTimer.unref();
    }
    if (parsed.type === 'cpu') this.cpu.start(parsed.intensity);
    const { service, metrics, logger } = this.options;
    metrics?.chaosActive.set({ service, type: parsed.type }, 1);
    metrics?.chaosInjections.inc({ service, type: parsed.type });
    const state = this.state()!;
    logger.warn(
      { chaos: { action: 'inject', ...state } },
      `Chaos injected: ${parsed.type} intensity=${parsed.intensity} probability=${parsed.probability} duration=${parsed.duration === null ? 'until reset' : `${parsed.duration}s`}`,
    );
    return state;
  }

  /** Clears the active fault; returns its type, or null when none was active. */
  reset(reason = 'reset'): FaultType | null {
    return this.clear(reason);
  }

  /** The active fault as /health reports it, or null. */
  state(): FailureState | null {
    const fault = this.active;
    if (!fault) return null;
    const remaining = fault.expiresAt === null ? null : Math.max(0, Math.round((fault.expiresAt - this.now()) / 100) / 10);
    return {
      type: fault.type,
      intensity: fault.intensity,
      probability: fault.probability,
      started_at: new Date(fault.startedAt).toISOString(),
      expires_at: fault.expiresAt === null ? null : new Date(fault.expiresAt).toISOString(),
      remaining_s: remaining,
    };
  }

  /** Decides, for one request, whether the active fault strikes it. */
  draw(): DrawnFault | undefined {
    const fault = this.active;
    if (!fault || fault.type === 'cpu') return undefined;
    if (fault.expiresAt !== null && this.now() >= fault.expiresAt) {
      this.expire();
      return undefined;
    }
    if (fault.probability < 1 && this.random() >= fault.probability) return undefined;
    return { type: fault.type, intensity: fault.intensity, signal: fault.controller.signal };
  }

  /** Ends the process with code 1, as a crash fault does. */
  crash(): void {
    this.options.logger.error({ chaos: { action: 'crash' } }, 'Injected crash — process exiting with code 1');
    this.cpu.stop();
    this.exitProcess(1);
  }

  /** Stops timers and workers (server close). */
  close(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.cpu.stop();
    this.active?.controller.abort();
  }

  private expire(): void {
    this.clear('expired');
  }

  private clear(reason: string): FaultType | null {
    const fault = this.active;
    if (!fault) return null;
    this.active = null;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    fault.controller.abort();
    if (fault.type === 'cpu') this.cpu.stop();
    const { service, metrics, logger } = this.options;
    metrics?.chaosActive.set({ service, type: fault.type }, 0);
    logger.warn({ chaos: { action: reason, type: fault.type } }, `Chaos cleared (${reason}): ${fault.type}`);
    return fault.type;
  }
}
