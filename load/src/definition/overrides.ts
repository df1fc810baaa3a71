import { formatDuration, parseDuration } from './duration.ts';
import { DefinitionError, parseLoadProfile, type Executor, type LoadProfile, type Stage } from './scenario-definition.ts';

/** What a run may change in a scenario's load (the CLI's --vus, --duration, --rate, --executor). */
export interface LoadOverrides {
  readonly vus?: number;
  /** A k6 duration; ramping profiles are stretched to it. */
  readonly duration?: string;
  /** Iterations per second; on a closed-model scenario it switches to constant-arrival-rate. */
  readonly rate?: number;
  readonly executor?: Executor;
  readonly gracefulStop?: string;
}

const isOpen = (executor: Executor): boolean => executor.endsWith('arrival-rate');

function totalMs(load: LoadProfile): number {
  return 'stages' in load ? load.stages.reduce((sum, s) => sum + parseDuration(s.duration), 0) : parseDuration(load.duration);
}

function peakVUs(load: LoadProfile): number {
  switch (load.executor) {
    case 'constant-vus':
      return load.vus;
    case 'ramping-vus':
      return Math.max(load.startVUs ?? 1, ...load.stages.map((s) => s.target));
    default:
      return load.preAllocatedVUs;
  }
}

function peakRatePerS(load: LoadProfile): number | undefined {
  const unitS = 'timeUnit' in load ? parseDuration(load.timeUnit ?? '1s') / 1_000 : 1;
  if (load.executor === 'constant-arrival-rate') return load.rate / unitS;
  if (load.executor === 'ramping-arrival-rate') return Math.max(load.startRate ?? 0, ...load.stages.map((s) => s.target)) / unitS;
  return undefined;
}

function stretch(stages: readonly Stage[], durationMs: number, scale: (target: number) => number): Stage[] {
  const factor = durationMs / stages.reduce((sum, s) => sum + parseDuration(s.duration), 0);
  return stages.map((s) => ({ duration: formatDuration(parseDuration(s.duration) * factor), target: scale(s.target) }));
}

/**
 * Applies run-time overrides to a load profile, in k6's shapes, and validates the result.
 * --vus: constant-vus sets the VUs; ramping-vus scales the stage targets to that peak; an open model uses
 * it as its VU pool (pre-allocated = max). --duration: constant profiles run that long, ramping ones are
 * stretched to it. --rate: arrival-rate profiles run at (or, ramping, peak at) that rate per second;
 * a closed model switches to constant-arrival-rate. --executor converts to a constant executor (ramping
 * executors need stages, so they are only kept, never converted to).
 */
export function applyOverrides(load: LoadProfile, overrides: LoadOverrides, source = 'overrides'): LoadProfile {
  const { vus, rate, gracefulStop } = overrides;
  let durationMs: number | undefined;
  try {
    durationMs = overrides.duration === undefined ? undefined : parseDuration(overrides.duration);
  } catch (error) {
    throw new DefinitionError(`${source}: --duration: ${(error as Error).message}`);
  }
  if (durationMs !== undefined && durationMs <= 0) throw new DefinitionError(`${source}: --duration must be longer than 0`);
  const executor = overrides.executor ?? (rate !== undefined && !isOpen(load.executor) ? 'constant-arrival-rate' : load.executor);
  const duration = formatDuration(durationMs ?? totalMs(load));
  const keep = gracefulStop ?? load.gracefulStop;
  const grace = keep === undefined ? {} : { gracefulStop: keep };
  let result: LoadProfile;
  if (executor === 'constant-vus') {
    if (rate !== undefined) throw new DefinitionError(`${source}: --rate needs an arrival-rate executor, not constant-vus`);
    result = { executor, vus: vus ?? peakVUs(load), duration, ...grace };
  } else if (executor === 'constant-arrival-rate') {
    const perS = rate ?? peakRatePerS(load);
    if (perS === undefined) throw new DefinitionError(`${source}: constant-arrival-rate needs --rate (iterations per second)`);
    const pool = vus ?? (load.executor === 'constant-vus' || load.executor === 'ramping-vus' ? peakVUs(load) : undefined);
    const preAllocatedVUs = pool ?? peakVUs(load);
    const maxVUs = pool ?? ('maxVUs' in load && load.maxVUs !== undefined ? load.maxVUs : preAllocatedVUs);
    result = { executor, rate: perS, timeUnit: '1s', duration, preAllocatedVUs, maxVUs, ...grace };
  } else if (executor !== load.executor) {
    throw new DefinitionError(`${source}: cannot switch ${load.executor} to ${executor} (a ramping executor needs its own stages)`);
  } else if (load.executor === 'ramping-vus') {
    if (rate !== undefined) throw new DefinitionError(`${source}: --rate needs an arrival-rate executor, not ramping-vus`);
    const peak = peakVUs(load);
    const scale = (target: number): number => (vus === undefined ? target : Math.round((target * vus) / peak));
    result = {
      ...load,
      ...(load.startVUs === undefined ? {} : { startVUs: scale(load.startVUs) }),
      stages: durationMs === undefined && vus === undefined ? load.stages : stretch(load.stages, durationMs ?? totalMs(load), scale),
      ...grace,
    };
  } else if (load.executor === 'ramping-arrival-rate') {
    const peak = peakRatePerS(load) ?? 0;
    const scale = (target: number): number => (rate === undefined || peak === 0 ? target : (target * rate) / peak);
    result = {
      ...load,
      ...(load.startRate === undefined ? {} : { startRate: scale(load.startRate) }),
      stages: durationMs === undefined && rate === undefined ? load.stages : stretch(load.stages, durationMs ?? totalMs(load), scale),
      ...(vus === undefined ? {} : { preAllocatedVUs: vus, maxVUs: vus }),
      ...grace,
    };
  } else {
    result = load; // constant executors are handled above
  }
  return parseLoadProfile(result, source);
}
