import { parseDuration } from './duration.ts';
import { THRESHOLD_METRICS, parseThreshold } from '../report/thresholds.ts';

/** k6's executors: two closed models (VUs loop) and two open models (iterations arrive on a schedule). */
export const EXECUTORS = ['constant-vus', 'ramping-vus', 'constant-arrival-rate', 'ramping-arrival-rate'] as const;
export type Executor = (typeof EXECUTORS)[number];

export interface Stage {
  readonly duration: string;
  readonly target: number;
}

/** The same fields as a k6 scenario (`options.scenarios.<name>`), so the k6 scripts pass it through as is. */
export type LoadProfile =
  | { readonly executor: 'constant-vus'; readonly vus: number; readonly duration: string; readonly gracefulStop?: string }
  | {
      readonly executor: 'ramping-vus';
      readonly startVUs?: number;
      readonly stages: readonly Stage[];
      readonly gracefulRampDown?: string;
      readonly gracefulStop?: string;
    }
  | {
      readonly executor: 'constant-arrival-rate';
      readonly rate: number;
      readonly timeUnit?: string;
      readonly duration: string;
      readonly preAllocatedVUs: number;
      readonly maxVUs?: number;
      readonly gracefulStop?: string;
    }
  | {
      readonly executor: 'ramping-arrival-rate';
      readonly startRate?: number;
      readonly timeUnit?: string;
      readonly stages: readonly Stage[];
      readonly preAllocatedVUs: number;
      readonly maxVUs?: number;
      readonly gracefulStop?: string;
    };

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One request of an iteration; it is checked against `expect`, and the iteration stops at the first failed check. */
export interface JourneyStep {
  /** A base URL name: `auth`, `product`, `payment` in shared definitions (any name given in the run's targets otherwise). */
  readonly target: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** JSON body (sent with `content-type: application/json`). */
  readonly body?: Readonly<Record<string, unknown>>;
  /** Body fields drawn at random per iteration from a list. */
  readonly pick?: Readonly<Record<string, readonly unknown[]>>;
  readonly expect: number;
}

/**
 * What a VU does. `session`: `per-vu` signs up (unique email) and logs in once per VU, lazily on its first
 * iteration; `shared` signs in one user before the run (k6 `setup()`); `none` sends no token.
 */
export interface Journey {
  readonly name: string;
  readonly description: string;
  readonly session: 'per-vu' | 'shared' | 'none';
  readonly steps: readonly JourneyStep[];
  /** Seconds slept after each iteration, uniformly in [min, max]. */
  readonly thinkTime: { readonly min: number; readonly max: number };
}

export type Thresholds = Readonly<Record<string, readonly string[]>>;

/** A scenario with its journey resolved: what the runner executes. */
export interface ScenarioDefinition {
  readonly name: string;
  readonly description: string;
  readonly journey: Journey;
  readonly load: LoadProfile;
  readonly thresholds: Thresholds;
}

/** The targets a shared definition may use: the ones the k6 scripts know. */
export const SERVICE_TARGETS = ['auth', 'product', 'payment'] as const;

export const LIMITS = Object.freeze({ maxVUs: 10_000, maxRatePerS: 1_000_000, maxDurationMs: 24 * 3_600_000 });

/** A definition that does not hold together; the message names the file and the field. */
export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

type Json = Record<string, unknown>;

class Reader {
  constructor(private readonly source: string) {}

  fail(path: string, problem: string): never {
    throw new DefinitionError(`${this.source}: ${path} ${problem}`);
  }

  object(value: unknown, path: string, allowed: readonly string[]): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'must be an object');
    const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
    if (unknown.length > 0) this.fail(path, `has unknown field(s) ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
    return value as Json;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(path, 'must be a non-empty string');
    return value;
  }

  integer(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `must be an integer in ${min}..${max}`);
    }
    return value;
  }

  number(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
      this.fail(path, `must be a number in ${min}..${max}`);
    return value;
  }

  duration(value: unknown, path: string, { positive = true } = {}): string {
    const text = this.string(value, path);
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch (error) {
      return this.fail(path, (error as Error).message);
    }
    if (positive && ms <= 0) this.fail(path, 'must be longer than 0');
    if (ms > LIMITS.maxDurationMs) this.fail(path, 'must be at most 24h');
    return text;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !allowed.includes(value as T)) this.fail(path, `must be one of ${allowed.join(', ')}`);
    return value as T;
  }

  stages(value: unknown, path: string, maxTarget: number, integer: boolean): Stage[] {
    if (!Array.isArray(value) || value.length === 0) this.fail(path, 'must be a non-empty list of {duration, target}');
    return value.map((raw, i) => {
      const stage = this.object(raw, `${path}[${i}]`, ['duration', 'target']);
      const target = integer
        ? this.integer(stage.target, `${path}[${i}].target`, 0, maxTarget)
        : this.number(stage.target, `${path}[${i}].target`, 0, maxTarget);
      return { duration: this.duration(stage.duration, `${path}[${i}].duration`, { positive: false }), target };
    });
  }
}

const optional = <T>(value: unknown, read: (v: unknown) => T): T | undefined => (value === undefined ? undefined : read(value));

function readLoad(r: Reader, value: unknown, path: string): LoadProfile {
  const executor = r.oneOf((value as Json | null)?.executor, `${path}.executor`, EXECUTORS);
  const vus = (v: unknown, field: string): number => r.integer(v, `${path}.${field}`, field === 'startVUs' ? 0 : 1, LIMITS.maxVUs);
  const duration = (v: unknown, field: string): string => r.duration(v, `${path}.${field}`);
  const graceful = (v: unknown, field: string): string | undefined =>
    optional(v, (x) => r.duration(x, `${path}.${field}`, { positive: false }));
  switch (executor) {
    case 'constant-vus': {
      const o = r.object(value, path, ['executor', 'vus', 'duration', 'gracefulStop']);
      return strip({
        executor,
        vus: vus(o.vus, 'vus'),
        duration: duration(o.duration, 'duration'),
        gracefulStop: graceful(o.gracefulStop, 'gracefulStop'),
      });
    }
    case 'ramping-vus': {
      const o = r.object(value, path, ['executor', 'startVUs', 'stages', 'gracefulRampDown', 'gracefulStop']);
      const profile = strip({
        executor,
        startVUs: optional(o.startVUs, (v) => vus(v, 'startVUs')),
        stages: r.stages(o.stages, `${path}.stages`, LIMITS.maxVUs, true),
        gracefulRampDown: graceful(o.gracefulRampDown, 'gracefulRampDown'),
        gracefulStop: graceful(o.gracefulStop, 'gracefulStop'),
      });
      if (profile.stages.every((s) => parseDuration(s.duration) === 0)) r.fail(`${path}.stages`, 'must last longer than 0');
      return profile;
    }
    case 'constant-arrival-rate': {
      const o = r.object(value, path, ['executor', 'rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs', 'gracefulStop']);
      const profile = strip({
        executor,
        rate: r.number(o.rate, `${path}.rate`, Number.MIN_VALUE, LIMITS.maxRatePerS * 3_600),
        timeUnit: optional(o.timeUnit, (v) => duration(v, 'timeUnit')),
        duration: duration(o.duration, 'duration'),
        preAllocatedVUs: vus(o.preAllocatedVUs, 'preAllocatedVUs'),
        maxVUs: optional(o.maxVUs, (v) => vus(v, 'maxVUs')),
        gracefulStop: graceful(o.gracefulStop, 'gracefulStop'),
      });
      checkArrival(r, path, profile.maxVUs, profile.preAllocatedVUs, [profile.rate], profile.timeUnit);
      return profile;
    }
    case 'ramping-arrival-rate': {
      const o = r.object(value, path, ['executor', 'startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs', 'gracefulStop']);
      const profile = strip({
        executor,
        startRate: optional(o.startRate, (v) => r.number(v, `${path}.startRate`, 0, LIMITS.maxRatePerS * 3_600)),
        timeUnit: optional(o.timeUnit, (v) => duration(v, 'timeUnit')),
        stages: r.stages(o.stages, `${path}.stages`, LIMITS.maxRatePerS * 3_600, false),
        preAllocatedVUs: vus(o.preAllocatedVUs, 'preAllocatedVUs'),
        maxVUs: optional(o.maxVUs, (v) => vus(v, 'maxVUs')),
        gracefulStop: graceful(o.gracefulStop, 'gracefulStop'),
      });
      if (profile.stages.every((s) => parseDuration(s.duration) === 0)) r.fail(`${path}.stages`, 'must last longer than 0');
      checkArrival(
        r,
        path,
        profile.maxVUs,
        profile.preAllocatedVUs,
        [profile.startRate ?? 0, ...profile.stages.map((s) => s.target)],
        profile.timeUnit,
      );
      return profile;
    }
  }
}

function checkArrival(
  r: Reader,
  path: string,
  maxVUs: number | undefined,
  preAllocated: number,
  rates: number[],
  timeUnit: string | undefined,
): void {
  if (maxVUs !== undefined && maxVUs < preAllocated) r.fail(`${path}.maxVUs`, 'must be at least preAllocatedVUs');
  const perS = Math.max(...rates) / (parseDuration(timeUnit ?? '1s') / 1_000);
  if (perS > LIMITS.maxRatePerS) r.fail(`${path}.rate`, `must be at most ${LIMITS.maxRatePerS} iterations/s`);
}

/** Drops undefined fields, so a profile serialises (and compares) like the JSON it came from. */
function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function readJourney(r: Reader, value: unknown, path: string, sharedTargetsOnly: boolean): Journey {
  const o = r.object(value, path, ['name', 'description', 'session', 'steps', 'thinkTime']);
  if (!Array.isArray(o.steps) || o.steps.length === 0) r.fail(`${path}.steps`, 'must be a non-empty list');
  const steps = o.steps.map((raw: unknown, i: number): JourneyStep => {
    const at = `${path}.steps[${i}]`;
    const s = r.object(raw, at, ['target', 'method', 'path', 'body', 'pick', 'expect']);
    const target = sharedTargetsOnly ? r.oneOf(s.target, `${at}.target`, SERVICE_TARGETS) : r.string(s.target, `${at}.target`);
    const stepPath = r.string(s.path, `${at}.path`);
    if (!stepPath.startsWith('/')) r.fail(`${at}.path`, 'must start with /');
    const body = optional(s.body, (v) => r.object(v, `${at}.body`, Object.keys((v ?? {}) as Json)));
    const pick = optional(s.pick, (v) => {
      const choices = r.object(v, `${at}.pick`, Object.keys(body ?? {}));
      for (const [field, list] of Object.entries(choices)) {
        if (!Array.isArray(list) || list.length === 0) r.fail(`${at}.pick.${field}`, 'must be a non-empty list');
      }
      return choices as Record<string, unknown[]>;
    });
    return strip({
      target,
      method: r.oneOf(s.method, `${at}.method`, HTTP_METHODS),
      path: stepPath,
      body,
      pick,
      expect: r.integer(s.expect, `${at}.expect`, 100, 599),
    });
  });
  const think = r.object(o.thinkTime ?? { min: 0, max: 0 }, `${path}.thinkTime`, ['min', 'max']);
  const min = r.number(think.min, `${path}.thinkTime.min`, 0, 3_600);
  const max = r.number(think.max, `${path}.thinkTime.max`, min, 3_600);
  return {
    name: r.string(o.name, `${path}.name`),
    description: typeof o.description === 'string' ? o.description : '',
    session: r.oneOf(o.session, `${path}.session`, ['per-vu', 'shared', 'none'] as const),
    steps,
    thinkTime: { min, max },
  };
}

function readThresholds(r: Reader, value: unknown, path: string, k6Only: boolean): Thresholds {
  const o = r.object(value ?? {}, path, Object.keys(THRESHOLD_METRICS));
  const result: Record<string, string[]> = {};
  for (const [metric, list] of Object.entries(o)) {
    if (k6Only && !THRESHOLD_METRICS[metric]?.k6)
      r.fail(`${path}.${metric}`, 'is not a k6 metric; the k6 scripts could not run this definition');
    if (!Array.isArray(list)) r.fail(`${path}.${metric}`, 'must be a list of expressions');
    result[metric] = list.map((expression: unknown, i: number) => {
      const text = r.string(expression, `${path}.${metric}[${i}]`);
      try {
        parseThreshold(metric, text);
      } catch (error) {
        r.fail(`${path}.${metric}[${i}]`, (error as Error).message);
      }
      return text;
    });
  }
  return result;
}

export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Validates a scenario. In a shared definition file (`shared: true`) the journey is a name resolved by
 * `journeyByName` (or inline), targets are the k6 scripts' three, and thresholds use k6 metrics only.
 */
export function parseScenario(
  value: unknown,
  source: string,
  options: { shared?: boolean; journeyByName?: (name: string) => unknown } = {},
): ScenarioDefinition {
  const r = new Reader(source);
  const o = r.object(value, 'scenario', ['name', 'description', 'journey', 'load', 'thresholds']);
  const name = r.string(o.name, 'name');
  if (!NAME_PATTERN.test(name)) r.fail('name', 'must be lowercase letters, digits and dashes');
  let journey: unknown = o.journey;
  if (typeof journey === 'string') {
    const byName = options.journeyByName ?? ((): never => r.fail('journey', 'must be a journey object here'));
    journey = byName(journey);
  }
  return {
    name,
    description: typeof o.description === 'string' ? o.description : '',
    journey: readJourney(r, journey, 'journey', options.shared ?? false),
    load: readLoad(r, o.load, 'load'),
    thresholds: readThresholds(r, o.thresholds, 'thresholds', options.shared ?? false),
  };
}

/** Validates a load profile alone (e.g. after overrides). */
export function parseLoadProfile(value: unknown, source: string): LoadProfile {
  return readLoad(new Reader(source), value, 'load');
}
