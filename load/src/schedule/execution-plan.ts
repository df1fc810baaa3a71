import { parseDuration } from '../definition/duration.ts';
import type { Executor, LoadProfile } from '../definition/scenario-definition.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import { VuRamp } from './vu-ramp.ts';

/** k6's defaults. */
export const DEFAULT_GRACEFUL_STOP = '30s';
export const DEFAULT_GRACEFUL_RAMP_DOWN = '30s';
const DEFAULT_START_VUS = 1;

/** Closed model: a number of VUs loop over the journey; load depends on how fast the system answers. */
export interface ClosedPlan {
  readonly model: 'closed';
  readonly executor: Executor;
  readonly ramp: VuRamp;
  readonly durationMs: number;
  readonly gracefulStopMs: number;
  readonly gracefulRampDownMs: number;
}

/** Open model: iterations arrive on a fixed schedule whatever the system does. */
export interface OpenPlan {
  readonly model: 'open';
  readonly executor: Executor;
  readonly schedule: ArrivalSchedule;
  readonly durationMs: number;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly gracefulStopMs: number;
}

export type ExecutionPlan = ClosedPlan | OpenPlan;

/** A validated load profile in milliseconds and iterations/s. */
export function planOf(load: LoadProfile): ExecutionPlan {
  const gracefulStopMs = parseDuration(load.gracefulStop ?? DEFAULT_GRACEFUL_STOP);
  switch (load.executor) {
    case 'constant-vus': {
      const durationMs = parseDuration(load.duration);
      return {
        model: 'closed',
        executor: load.executor,
        ramp: new VuRamp(load.vus, [{ durationMs, target: load.vus }]),
        durationMs,
        gracefulStopMs,
        gracefulRampDownMs: 0,
      };
    }
    case 'ramping-vus': {
      const ramp = new VuRamp(
        load.startVUs ?? DEFAULT_START_VUS,
        load.stages.map((s) => ({ durationMs: parseDuration(s.duration), target: s.target })),
      );
      return {
        model: 'closed',
        executor: load.executor,
        ramp,
        durationMs: ramp.durationMs,
        gracefulStopMs,
        gracefulRampDownMs: parseDuration(load.gracefulRampDown ?? DEFAULT_GRACEFUL_RAMP_DOWN),
      };
    }
    case 'constant-arrival-rate': {
      const perS = load.rate / (parseDuration(load.timeUnit ?? '1s') / 1_000);
      const durationMs = parseDuration(load.duration);
      const schedule = new ArrivalSchedule([{ durationMs, fromPerS: perS, toPerS: perS }]);
      return open(load.executor, schedule, load.preAllocatedVUs, load.maxVUs, gracefulStopMs);
    }
    case 'ramping-arrival-rate': {
      const unitS = parseDuration(load.timeUnit ?? '1s') / 1_000;
      let from = (load.startRate ?? 0) / unitS;
      const segments = load.stages.map((s) => {
        const segment = { durationMs: parseDuration(s.duration), fromPerS: from, toPerS: s.target / unitS };
        from = segment.toPerS;
        return segment;
      });
      return open(load.executor, new ArrivalSchedule(segments), load.preAllocatedVUs, load.maxVUs, gracefulStopMs);
    }
  }
}

function open(
  executor: Executor,
  schedule: ArrivalSchedule,
  preAllocatedVUs: number,
  maxVUs: number | undefined,
  gracefulStopMs: number,
): OpenPlan {
  return {
    model: 'open',
    executor,
    schedule,
    durationMs: schedule.durationMs,
    preAllocatedVUs,
    maxVUs: Math.max(preAllocatedVUs, maxVUs ?? preAllocatedVUs),
    gracefulStopMs,
  };
}

/** One line describing the load, e.g. `ramping-vus 0→50→50→0 VUs over 45s`. */
export function describeLoad(load: LoadProfile): string {
  switch (load.executor) {
    case 'constant-vus':
      return `constant-vus, ${load.vus} VUs for ${load.duration}`;
    case 'ramping-vus':
      return `ramping-vus, ${[load.startVUs ?? DEFAULT_START_VUS, ...load.stages.map((s) => s.target)].join('→')} VUs over ${load.stages.map((s) => s.duration).join('+')}`;
    case 'constant-arrival-rate':
      return `constant-arrival-rate, ${load.rate}/${load.timeUnit ?? '1s'} for ${load.duration} (VUs ${load.preAllocatedVUs}..${load.maxVUs ?? load.preAllocatedVUs})`;
    case 'ramping-arrival-rate':
      return `ramping-arrival-rate, ${[load.startRate ?? 0, ...load.stages.map((s) => s.target)].join('→')}/${load.timeUnit ?? '1s'} over ${load.stages.map((s) => s.duration).join('+')} (VUs ${load.preAllocatedVUs}..${load.maxVUs ?? load.preAllocatedVUs})`;
  }
}
