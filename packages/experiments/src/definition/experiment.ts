import { BUSINESS_SERVICES, faultTypesFor, resolveServiceName, type BusinessService, type FaultType } from '@archaics/contracts';
import { parseDuration, scenarioNames } from '@archaics/load';
import { ExperimentSchema, type ExperimentInput, type ProbeInput, type ProbeMetric } from './schema.ts';
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
      readonly note: string | null;
      readonly random: boolean;
    };

export type Rollback =
  { readonly kind: 'reset'; readonly services: readonly BusinessService[] } | { readonly kind: 'wait_healthy'; readonly timeoutS: number };

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
    if (!faultTypesFor(service).includes(type))
      this.fail(path, `${type} applies to db-service only; ${service} takes ${faultTypesFor(service).join(', ')}`);
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
      const f = step.inject;
      const service = check.service(f.service, [...path, 'inject', 'service']);
      check.faultFits(service, f.type, [...path, 'inject', 'type']);
      const duration =
        f.duration === undefined ? null : check.seconds(f.duration, [...path, 'inject', 'duration'], 1, { positive: true, max: 86_400 });
      steps.push({
        atS,
        kind: 'inject',
        fault: { service, type: f.type, intensity: f.intensity ?? 1, probability: f.probability ?? 1, durationS: duration },
        note,
        random: false,
      });
    } else if (step.reset !== undefined) {
      steps.push({ atS, kind: 'reset', services: check.services(step.reset, [...path, 'reset']), note, random: false });
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
    const pairs = services.flatMap((service) =>
      r.types.filter((type) => faultTypesFor(service).includes(type)).map((type) => ({ service, type })),
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
    if (rollback.reset !== undefined) rollbacks.push({ kind: 'reset', services: check.services(rollback.reset, [...path, 'reset']) });
    else
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
