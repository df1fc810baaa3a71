import type { JourneyRunner } from '../journey/journey-runner.ts';
import type { VirtualUser } from '../journey/virtual-user.ts';
import type { RunMetrics } from '../metrics/run-metrics.ts';
import type { OpenPlan } from '../schedule/execution-plan.ts';
import { IterationInterrupted, type RunControl } from './run-control.ts';

/**
 * constant-arrival-rate and ramping-arrival-rate. Iteration i starts at its scheduled time on a free VU
 * (a new one while fewer than maxVUs exist); with none free it is dropped and counted, never delayed,
 * so a slow system cannot slow the schedule down and hide its own latency (coordinated omission).
 * Iterations due while the event loop was busy start together as soon as it is free, each measured
 * from its own scheduled time.
 */
export async function runOpenModel(plan: OpenPlan, journey: JourneyRunner, control: RunControl, metrics: RunMetrics): Promise<void> {
  const all: VirtualUser[] = [];
  const idle: VirtualUser[] = [];
  const running = new Set<Promise<void>>();
  let busy = 0;
  const allocate = (): VirtualUser => {
    const vu = journey.newVirtualUser(all.length + 1);
    all.push(vu);
    metrics.vus.allocated = all.length;
    return vu;
  };
  for (let i = 0; i < plan.preAllocatedVUs; i++) idle.push(allocate());
  control.onHardStop(() => {
    for (const vu of all) vu.interrupt();
  });

  const start = (vu: VirtualUser, intendedStart: number): void => {
    metrics.iterations.started++;
    metrics.setActiveVUs(++busy);
    const done: Promise<void> = journey
      .iterate(vu, intendedStart)
      .then(
        () => void metrics.iterations.completed++,
        (error: unknown) => {
          if (error instanceof IterationInterrupted) metrics.iterations.interrupted++;
          else control.fail(error);
        },
      )
      .finally(() => {
        metrics.vus.active = --busy;
        running.delete(done);
        idle.push(vu);
      });
    running.add(done);
  };

  const { schedule } = plan;
  const t0 = performance.now();
  metrics.startedAt = t0;
  try {
    let next = 0;
    while (next < schedule.total && !control.stopping) {
      const wait = t0 + schedule.at(next) - performance.now();
      if (wait > 0) {
        await control.sleep(wait);
        continue;
      }
      const elapsed = performance.now() - t0;
      for (let at = schedule.at(next); at <= elapsed; at = schedule.at(next)) {
        metrics.iterations.scheduled++;
        const vu = idle.pop() ?? (all.length < plan.maxVUs ? allocate() : undefined);
        if (vu) start(vu, t0 + at);
        else metrics.iterations.dropped++;
        if (++next >= schedule.total) break;
      }
    }
    control.stop();
    await control.drain(running, plan.gracefulStopMs);
  } finally {
    metrics.setActiveVUs(0);
    metrics.endedAt = performance.now();
  }
}
