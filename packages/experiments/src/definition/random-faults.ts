import { seededRandom } from '@archaics/runtime';
import type { BusinessService, FaultType } from '@archaics/contracts';
import type { Fault } from './experiment.ts';

export interface RandomFaultPlan {
  readonly seed: number;
  readonly count: number;
  readonly fromS: number;
  readonly toS: number;
  /** The (service, type) pairs to draw from; every pair applies to its service. */
  readonly pairs: ReadonlyArray<{ readonly service: BusinessService; readonly type: FaultType }>;
  readonly intensity: readonly [number, number];
  readonly probability: readonly [number, number];
  readonly duration: readonly [number, number];
}

/** Draws `count` faults (time, service, type, intensity, probability, duration), in time order. */
export function drawRandomFaults(plan: RandomFaultPlan): Array<{ index: number; atS: number; fault: Fault }> {
  const next = seededRandom(plan.seed);
  const between = (low: number, high: number): number => low + next() * (high - low);
  const faults: Array<{ index: number; atS: number; fault: Fault }> = [];
  for (let index = 0; index < plan.count; index++) {
    const atS = Math.round(between(plan.fromS, plan.toS) * 10) / 10;
    const pair = plan.pairs[Math.floor(next() * plan.pairs.length)] ?? plan.pairs[0]!;
    const intensity = Math.round(between(plan.intensity[0], plan.intensity[1]));
    const probability = Math.round(between(plan.probability[0], plan.probability[1]) * 100) / 100;
    const durationS = Math.max(1, Math.round(between(plan.duration[0], plan.duration[1])));
    faults.push({ index, atS, fault: { service: pair.service, type: pair.type, intensity, probability, durationS } });
  }
  return faults.sort((a, b) => a.atS - b.atS);
}
