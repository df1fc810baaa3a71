import {
  BUSINESS_SERVICES,
  EDGE_ONLY_FAULT_TYPES,
  FAULT_ROUTES,
  PROCESS_FAULT_TYPES,
  faultTargetsFor,
  faultTypesFor,
  resolveServiceName,
  type BusinessService,
  type ErrorStatus,
  type FaultScope,
  type FaultType,
} from '@archaics/contracts';
import { parseDuration, scenarioNames } from '@archaics/load';
import { ExperimentSchema, type ExperimentInput, type FaultInput, type ProbeInput, type ProbeMetric } from './schema.ts';
import { schemaIssues } from './schema-check.ts';
import { ExperimentDefinitionError, YamlSource, type DefinitionIssue } from './yaml-source.ts';
import { drawRandomFaults } from './random-faults.ts';

export interface Fault {
  readonly service: BusinessService;
  readonly type: FaultType;
  readonly intensity: number;
  readonly probability: number;
  /** null: until reset. */
  readonly durationS: number | null;
  /** latency: the mean delay in ms (absent: the service's default, 100 × intensity). */
  readonly ms?: number;
  /** latency: each delay is ms × (1 ± jitter·u) (absent: 0). */
  readonly jitter?: number;
  /** error: the status answered (absent: 500). */
  readonly status?: ErrorStatus;
  /** Only requests on this route template (SPEC 2.1). */
  readonly route?: string;
  /** An edge fault: only the service's calls to this upstream (SPEC 2.1). */
  readonly target?: BusinessService;
}

/** The scope of a reset: every fault of the service (none given), or the one of a route or an edge. */
export interface ResetScope {
  readonly route?: string;
  readonly target?: BusinessService;
}

export type Probe =
  | {
      readonly name: string;
      readonly type: 'http';
      readonly service: BusinessService;
      readonly method: 'GET' | 'POST';
      readonly path: string;
      readonly auth: 'none' | 'user';
      readonly status: readonly number[];
      readonly maxMs: number | null;
    }
  | {
      readonly name: string;
      readonly type: 'metric';
      readonly service: BusinessService;
      readonly metric: ProbeMetric;
      readonly min: number | null;
      readonly max: number | null;
    };

export type Step =
  | { readonly atS: number; readonly kind: 'inject'; readonly fault: Fault; readonly note: string | null; readonly random: boolean }
  | {
      readonly atS: number;
      readonly kind: 'reset';
      readonly services: readonly BusinessService[];
      /** Clear only this scope's fault (one service); absent: every fault of the services. */
      readonly scope?: ResetScope;
      readonly note: string | null;
      readonly random: boolean;
    };

export type Rollback =
  | { readonly kind: 'reset'; readonly services: readonly BusinessService[]; readonly scope?: ResetScope }
  | { readonly kind: 'wait_healthy'; readonly timeoutS: number };

export interface LoadSpec {
  readonly scenario: string;
  readonly vus: number | null;
  readonly rate: number | null;
}

/** An experiment ready to run: durations in seconds, services resolved, random faults drawn and merged into the steps. */
export interface Experiment {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly budgetS: number;
  readonly hypothesis: { readonly title: string; readonly windowS: number; readonly probes: readonly Probe[] };
  readonly method: {
    readonly load: LoadSpec | null;
    readonly warmupS: number;
    readonly durationS: number;
    /** In time order. */
    readonly steps: readonly Step[];
    readonly random: { readonly seed: number; readonly count: number } | null;
  };
  readonly stopConditions: ReadonlyArray<{ readonly probe: Probe; readonly samples: number }>;
  readonly rollbacks: readonly Rollback[];
  /** The file it came from, or `(generated)`. */
  readonly source: string;
}

/** `an error`, `a latency`. */
const article = (word: string): string => `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;

/** Checks fields one by one and collects every problem with its line. */
export class FieldChecker {
  readonly issues: DefinitionIssue[] = [];

  constructor(readonly source: YamlSource) {}

  fail(path: ReadonlyArray<string | number>, message: string): void {
    this.issues.push(this.source.issue(path, message));
  }

  seconds(
    value: number | string | undefined,
    path: ReadonlyArray<string | number>,
    fallback: number,
    { min = 0, max = 86_400, positive = false } = {},
  ): number {
    if (value === undefined) return fallback;
    let seconds: number;
    if (typeof value === 'number') seconds = value;
    else {
      try {
        seconds = parseDuration(value) / 1000;
      } catch (error) {
        this.fail(path, (error as Error).message);
        return fallback;
      }
    }
    if (!Number.isFinite(seconds) || seconds < min || seconds > max || (positive && seconds <= 0)) {
      this.fail(
        path,
        `must be ${positive ? 'more than' : 'at least'} ${positive ? 0 : min} s and at most ${max} s (got ${JSON.stringify(value)})`,
      );
      return fallback;
    }
    return seconds;
  }

  service(text: string, path: ReadonlyArray<string | number>): BusinessService {
    const service = resolveServiceName(text.trim().toLowerCase());
    if (service) return service;
    this.fail(
      path,
      `unknown service "${text}"; one of ${BUSINESS_SERVICES.map((s) => s.replace(/-service$/, '')).join(', ')} (or the full names)`,
    );
    return 'product-service';
  }

  services(value: string | readonly string[], path: ReadonlyArray<string | number>): BusinessService[] {
    if (value === 'all') return [...BUSINESS_SERVICES];
    const list = typeof value === 'string' ? [value] : value;
    return [...new Set(list.map((text, i) => this.service(text, typeof value === 'string' ? path : [...path, i])))];
  }

  faultFits(service: BusinessService, type: FaultType, path: ReadonlyArray<string | number>): void {
    if (faultTypesFor(service).includes(type)) return;
    const why = EDGE_ONLY_FAULT_TYPES.includes(type) ? 'is an edge fault of a service that calls others' : 'applies to db-service only';
    this.fail(path, `${type} ${why}; ${service} takes ${faultTypesFor(service).join(', ')}`);
  }

  /** A route template of the service (FAULT_ROUTES). */
  route(service: BusinessService, route: string, path: ReadonlyArray<string | number>): string {
    if (!FAULT_ROUTES[service].includes(route))
      this.fail(path, `"${route}" is not a route of ${service}; its routes: ${FAULT_ROUTES[service].join(', ')}`);
    return route;
  }

  /** An upstream the service calls (`db` or `db-service`). */
  target(service: BusinessService, text: string, path: ReadonlyArray<string | number>): BusinessService {
    const upstream = resolveServiceName(text.trim().toLowerCase());
    const targets = faultTargetsFor(service);
    if (upstream === undefined || !targets.includes(upstream)) {
      this.fail(
        path,
        `${service} does not call "${text}"; ${targets.length === 0 ? `${service} calls no other service` : `its targets: ${targets.join(', ')}`}`,
      );
      return targets[0] ?? 'db-service';
    }
    return upstream;
  }

  /** A scope of one service (route or target, not both); none given: undefined. */
  scope(
    services: readonly BusinessService[],
    given: { readonly route?: string | undefined; readonly target?: string | undefined },
    path: ReadonlyArray<string | number>,
    resetKey: string,
  ): ResetScope | undefined {
    if (given.route === undefined && given.target === undefined) return undefined;
    const key = given.target !== undefined ? 'target' : 'route';
    if (given.route !== undefined && given.target !== undefined) {
      this.fail([...path, 'target'], 'give route or target, not both: a reset clears one scope');
      return undefined;
    }
    const service = services[0];
    if (services.length !== 1 || service === undefined) {
      this.fail([...path, key], `a scoped reset names one service in ${resetKey} (got ${services.length})`);
      return undefined;
    }
    return given.target !== undefined
      ? { target: this.target(service, given.target, [...path, 'target']) }
      : { route: this.route(service, given.route ?? '', [...path, 'route']) };
  }

  /** An injection: its type fits the service, its scope and gray-failure fields fit its type. */
  fault(input: FaultInput, path: ReadonlyArray<string | number>): Fault {
    const service = this.service(input.service, [...path, 'service']);
    const type = input.type;
    this.faultFits(service, type, [...path, 'type']);
    const durationS =
      input.duration === undefined ? null : this.seconds(input.duration, [...path, 'duration'], 1, { positive: true, max: 86_400 });
    const fieldsOf: ReadonlyArray<readonly ['ms' | 'jitter' | 'status', FaultType]> = [
      ['ms', 'latency'],
      ['jitter', 'latency'],
      ['status', 'error'],
    ];
    for (const [key, owner] of fieldsOf)
      if (input[key] !== undefined && type !== owner)
        this.fail([...path, key], `belongs to ${article(owner)} fault, not ${article(type)} one`);
    let scope: FaultScope = {};
    if (PROCESS_FAULT_TYPES.includes(type)) {
      for (const key of ['route', 'target'] as const)
        if (input[key] !== undefined) this.fail([...path, key], `does not apply to ${type}: it acts on the whole process`);
    } else if (input.route !== undefined && input.target !== undefined) {
      this.fail([...path, 'target'], 'give route or target, not both: a fault has one scope');
    } else if (input.target !== undefined) {
      scope = { target: this.target(service, input.target, [...path, 'target']) };
    } else if (input.route !== undefined) {
      scope = { route: this.route(service, input.route, [...path, 'route']) };
    }
    if (EDGE_ONLY_FAULT_TYPES.includes(type) && input.target === undefined && faultTypesFor(service).includes(type))
      this.fail(
        [...path, 'target'],
        `is required for ${type} (an edge fault); ${service}'s targets: ${faultTargetsFor(service).join(', ')}`,
      );
    return {
      service,
      type,
      intensity: input.intensity ?? 1,
      probability: input.probability ?? 1,
      durationS,
      ...(input.ms === undefined || type !== 'latency' ? {} : { ms: input.ms }),
      ...(input.jitter === undefined || type !== 'latency' ? {} : { jitter: input.jitter }),
      ...(input.status === undefined || type !== 'error' ? {} : { status: input.status }),
      ...(scope as { route?: string; target?: BusinessService }),
    };
  }

  probe(input: ProbeInput, path: ReadonlyArray<string | number>): Probe {
    const service = this.service(input.service, [...path, 'service']);
    const httpOnly = ['method', 'path', 'auth', 'status', 'max_ms'] as const;
    const metricOnly = ['metric', 'min', 'max'] as const;
    if (input.type === 'http') {
      for (const key of metricOnly) if (input[key] !== undefined) this.fail([...path, key], `belongs to a metric probe, not an http one`);
      if (input.path === undefined) this.fail([...path, 'path'], 'is required for an http probe');
      const status = input.status === undefined ? [200] : typeof input.status === 'number' ? [input.status] : input.status;
      return {
        name: input.name,
        type: 'http',
        service,
        method: input.method ?? 'GET',
        path: input.path ?? '/health',
        auth: input.auth ?? 'none',
        status,
        maxMs: input.max_ms ?? null,
      };
    }
    for (const key of httpOnly) if (input[key] !== undefined) this.fail([...path, key], `belongs to an http probe, not a metric one`);
    if (input.metric === undefined) this.fail([...path, 'metric'], 'is required for a metric probe');
    if (input.min === undefined && input.max === undefined) this.fail([...path, 'max'], 'a metric probe needs min, max or both');
    if (input.min !== undefined && input.max !== undefined && input.min > input.max)
      this.fail([...path, 'min'], `is above max (${input.min} > ${input.max})`);
    return { name: input.name, type: 'metric', service, metric: input.metric ?? 'up', min: input.min ?? null, max: input.max ?? null };
  }
}

/** Parses and checks an experiment file. Throws an {@link ExperimentDefinitionError} naming every bad field and its line. */
export function parseExperiment(text: string, file: string): Experiment {
  const source = YamlSource.parse(text, file);
  return experimentFrom(source);
}

export function experimentFrom(source: YamlSource): Experiment {
  const value = source.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ExperimentDefinitionError(source.file, [
      source.issue([], 'an experiment is a mapping (name:, title:, hypothesis:, method:, ...)'),
    ]);
  }
  const structural = schemaIssues(ExperimentSchema, value, source);
  if (structural.length > 0) throw new ExperimentDefinitionError(source.file, structural);
  const input = value as ExperimentInput;
  const check = new FieldChecker(source);

  const budgetS = check.seconds(input.budget, ['budget'], 60, { positive: true, max: 3600 });
  const windowS = check.seconds(input.hypothesis.window, ['hypothesis', 'window'], 6, { min: 2, max: 300 });
  const probes = input.hypothesis.probes.map((probe, i) => check.probe(probe, ['hypothesis', 'probes', i]));
  const names = new Set<string>();
  input.hypothesis.probes.forEach((probe, i) => {
    if (names.has(probe.name)) check.fail(['hypothesis', 'probes', i, 'name'], `"${probe.name}" is used by another probe`);
    names.add(probe.name);
  });

  const method = input.method;
  const durationS = check.seconds(method.duration, ['method', 'duration'], 30, { positive: true, max: 3600 });
  const warmupS = check.seconds(method.warmup, ['method', 'warmup'], 0, { max: 600 });
  let load: LoadSpec | null = null;
  if (method.load !== undefined && method.load !== 'none') {
    if (!scenarioNames().includes(method.load.scenario))
      check.fail(['method', 'load', 'scenario'], `unknown load scenario "${method.load.scenario}"; one of ${scenarioNames().join(', ')}`);
    load = { scenario: method.load.scenario, vus: method.load.vus ?? null, rate: method.load.rate ?? null };
  }

  const steps: Step[] = [];
  (method.steps ?? []).forEach((step, i) => {
    const path = ['method', 'steps', i];
    const atS = check.seconds(step.at, [...path, 'at'], 0, { max: durationS });
    const note = step.note ?? null;
    if ((step.inject === undefined) === (step.reset === undefined)) {
      check.fail(path, 'a step has exactly one of inject or reset');
      return;
    }
    if (step.inject !== undefined) {
      for (const key of ['route', 'target'] as const)
        if (step[key] !== undefined) check.fail([...path, key], `belongs to a reset step; an injection names its ${key} inside inject`);
      steps.push({ atS, kind: 'inject', fault: check.fault(step.inject, [...path, 'inject']), note, random: false });
    } else if (step.reset !== undefined) {
      const services = check.services(step.reset, [...path, 'reset']);
      const scope = check.scope(services, step, path, 'reset');
      steps.push({ atS, kind: 'reset', services, ...(scope ? { scope } : {}), note, random: false });
    }
  });

  let random: Experiment['method']['random'] = null;
  if (method.random !== undefined) {
    const r = method.random;
    const path = ['method', 'random'];
    const from = check.seconds(r.between[0], [...path, 'between', 0], 0, { max: durationS });
    const to = check.seconds(r.between[1], [...path, 'between', 1], durationS, { max: durationS });
    if (from > to) check.fail([...path, 'between'], `starts after it ends (${from} s > ${to} s)`);
    const services = check.services(r.services, [...path, 'services']);
    const ranges: Array<['intensity' | 'probability' | 'duration', readonly [number, number] | undefined, number, number]> = [
      ['intensity', r.intensity, 1, 10],
      ['probability', r.probability, 0, 1],
      ['duration', r.duration, 1, 3600],
    ];
    for (const [key, range, min, max] of ranges) {
      if (range === undefined) continue;
      if (range[0] > range[1] || range[0] < min || range[1] > max)
        check.fail([...path, key], `must be [low, high] within ${min}..${max} (got [${range.join(', ')}])`);
    }
    r.types.forEach((type, t) => {
      if (EDGE_ONLY_FAULT_TYPES.includes(type))
        check.fail([...path, 'types', t], `${type} needs a target, and random faults are drawn without one; use a step with inject.target`);
    });
    const pairs = services.flatMap((service) =>
      r.types
        .filter((type) => faultTypesFor(service).includes(type) && !EDGE_ONLY_FAULT_TYPES.includes(type))
        .map((type) => ({ service, type })),
    );
    if (pairs.length === 0) check.fail([...path, 'types'], `no type applies to the services (bad_data is db only)`);
    if (check.issues.length === 0) {
      for (const fault of drawRandomFaults({
        seed: r.seed,
        count: r.count,
        fromS: from,
        toS: to,
        pairs,
        intensity: r.intensity ?? [1, 1],
        probability: r.probability ?? [1, 1],
        duration: r.duration,
      })) {
        steps.push({
          atS: fault.atS,
          kind: 'inject',
          fault: fault.fault,
          note: `random fault ${fault.index + 1}/${r.count} (seed ${r.seed})`,
          random: true,
        });
      }
    }
    random = { seed: r.seed, count: r.count };
  }
  steps.sort((a, b) => a.atS - b.atS);

  const stopConditions = (input.stop_conditions ?? []).map((condition, i) => ({
    probe: check.probe(condition.probe, ['stop_conditions', i, 'probe']),
    samples: condition.samples ?? 1,
  }));
  const rollbacks: Rollback[] = [];
  (input.rollbacks ?? []).forEach((rollback, i) => {
    const path = ['rollbacks', i];
    if ((rollback.reset === undefined) === (rollback.wait_healthy === undefined)) {
      check.fail(path, 'a rollback has exactly one of reset or wait_healthy');
      return;
    }
    if (rollback.reset !== undefined) {
      const services = check.services(rollback.reset, [...path, 'reset']);
      const scope = check.scope(services, rollback, path, 'reset');
      rollbacks.push({ kind: 'reset', services, ...(scope ? { scope } : {}) });
    } else if (rollback.route !== undefined || rollback.target !== undefined) {
      check.fail([...path, rollback.route !== undefined ? 'route' : 'target'], 'belongs to a reset rollback, not a wait_healthy one');
    } else
      rollbacks.push({
        kind: 'wait_healthy',
        timeoutS: check.seconds(rollback.wait_healthy, [...path, 'wait_healthy'], 30, { positive: true, max: 600 }),
      });
  });

  if (check.issues.length > 0) throw new ExperimentDefinitionError(source.file, check.issues);
  return {
    name: input.name,
    title: input.title,
    description: input.description ?? '',
    tags: input.tags ?? [],
    budgetS,
    hypothesis: { title: input.hypothesis.title ?? input.title, windowS, probes },
    method: { load, warmupS, durationS, steps, random },
    stopConditions,
    rollbacks,
    source: source.file,
  };
}
