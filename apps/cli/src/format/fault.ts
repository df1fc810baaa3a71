import type { FailureState } from '@archaics/contracts';
import { formatSeconds } from './units.ts';

/**
 * The parameters of SPEC 2.1 a fault carries, as name and value: latency's `ms` and `jitter`
 * (when not 0), error's `status` (when not the seed's 500), the MiB a leak holds so far.
 */
export function faultParameters(failure: FailureState): Array<readonly [name: string, value: string]> {
  const parameters: Array<readonly [string, string]> = [];
  if (failure.ms !== undefined) parameters.push(['ms', String(failure.ms)]);
  if (failure.jitter !== undefined && failure.jitter !== 0) parameters.push(['jitter', String(failure.jitter)]);
  if (failure.status !== undefined && failure.status !== 500) parameters.push(['status', String(failure.status)]);
  if (failure.leaked_mib !== undefined) parameters.push(['leaked', `${Math.round(failure.leaked_mib)}MiB`]);
  return parameters;
}

/** `ms=300 jitter=0.5 intensity=2 p=0.4`: the parameters, then intensity and probability when not 1; `-` when none. */
export function faultParameterWords(failure: FailureState): string {
  const words = faultParameters(failure).map(([name, value]) => `${name}=${value}`);
  if (failure.intensity !== 1) words.push(`intensity=${failure.intensity}`);
  if (failure.probability !== 1) words.push(`p=${failure.probability}`);
  return words.length === 0 ? '-' : words.join(' ');
}

/** `until reset` / `57s left`. */
export function timeLeft(failure: FailureState): string {
  return failure.remaining_s === null ? 'until reset' : `${formatSeconds(Math.ceil(failure.remaining_s))} left`;
}

/** What `POST /reset` cleared: `latency`, `error on route:/cart/add`, ... (the scope only when it is not the whole service). */
export function describeCleared(cleared: ReadonlyArray<{ readonly type: string; readonly scope: string }>): string[] {
  return cleared.map(({ type, scope }) => (scope === 'service' ? type : `${type} on ${scope}`));
}
