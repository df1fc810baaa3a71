import type { JourneyRunner } from '../journey/journey-runner.ts';
import type { VirtualUser } from '../journey/virtual-user.ts';
import type { RunMetrics } from '../metrics/run-metrics.ts';
import type { ClosedPlan } from '../schedule/execution-plan.ts';
import { IterationInterrupted, type RunControl } from './run-control.ts';

/** How often the VU count is brought to the ramp's. */
const RAMP_TICK_MS = 50;

/**
 * constant-vus and ramping-vus: each active VU runs iterations back to back (think time included) until
 * the duration is over; VUs ramped down finish their iteration (cut after gracefulRampDown).
 */
export async function runClosedModel(plan: ClosedPlan, journey: JourneyRunner, control: RunControl, metrics: RunMetrics): Promise<void> {
  const vus: VirtualUser[] = [];
  const loops = new Map<VirtualUser, Promise<void>>();
  const running = new Set<Promise<void>>();
  const rampDownTimers = new Set<NodeJS.Timeout>();
  let active = 0;
  control.onHardStop(() => {
    for (const vu of vus) vu.interrupt();
  });

  const loop = async (vu: VirtualUser): Promise<void> => {
    let intended = performance.now();
    while (!control.stopping && !vu.retiring) {
      metrics.iterations.started++;
      try {
        intended = await journey.iterate(vu, intended);
        metrics.iterations.completed++;
      } catch (error) {
        if (!(error instanceof IterationInterrupted)) throw error;
        metrics.iterations.interrupted++;
        return;
      }
    }
  };

  const launch = (vu: VirtualUser): void => {
    vu.renew();
    const done = loop(vu)
      .catch((error: unknown) => control.fail(error))
      .finally(() => {
        loops.delete(vu);
        running.delete(done);
      });
    loops.set(vu, done);
    running.add(done);
  };

  const setActive = (target: number): void => {
    for (; active < target; active++) {
      const vu = vus[active] ?? journey.newVirtualUser(active + 1);
      vus[active] = vu;
      vu.retiring = false;
      if (!loops.has(vu)) launch(vu);
      else if (vu.signal.aborted) {
        // Cut on an earlier ramp-down and still unwinding: back in service once it has.
        void loops.get(vu)?.then(() => {
          if (!vu.retiring && !control.stopping && !loops.has(vu)) launch(vu);
        });
      }
    }
    for (; active > target;) {
      const vu = vus[--active] as VirtualUser;
      vu.retiring = true;
      vu.wake();
      const timer = setTimeout(() => {
        rampDownTimers.delete(timer);
        if (vu.retiring && loops.has(vu)) vu.interrupt();
      }, plan.gracefulRampDownMs);
      rampDownTimers.add(timer);
    }
    metrics.vus.allocated = vus.length;
    metrics.setActiveVUs(active);
  };

  const t0 = performance.now();
  metrics.startedAt = t0;
  try {
    for (let elapsed = 0; !control.stopping && elapsed < plan.durationMs; elapsed = performance.now() - t0) {
      setActive(plan.ramp.vusAt(elapsed));
      await control.sleep(Math.min(RAMP_TICK_MS, plan.durationMs - elapsed));
    }
    control.stop();
    for (const vu of vus) vu.wake();
    await control.drain(running, plan.gracefulStopMs);
  } finally {
    for (const timer of rampDownTimers) clearTimeout(timer);
    metrics.setActiveVUs(0);
    metrics.endedAt = performance.now();
  }
}
