import type { AbortSlot } from '../http/exchange.ts';
import { IterationInterrupted } from '../execution/run-control.ts';

/** The credentials of a per-VU session; signed up and logged in lazily on the VU's first iteration. */
export interface Session {
  readonly email: string;
  readonly password: string;
  signedUp: boolean;
  token: string | undefined;
}

/** One virtual user: its session, its think-time sleep, and the switch that cuts its iteration short. */
export class VirtualUser implements AbortSlot {
  session: Session | undefined;
  /** Ramping down: finish the current iteration, then leave. */
  retiring = false;
  private controller = new AbortController();
  /** Cancels the request in flight (set and cleared by `exchange`); {@link interrupt} calls it. */
  cancel: ((reason: Error) => void) | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(readonly id: number) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Interrupted: a request about to start is aborted at once. */
  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** Think time; ends early on `wake()` (the run stopping or the VU retiring). */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  wake(): void {
    this.wakeUp?.();
  }

  /** Aborts the request in flight; the iteration ends with {@link IterationInterrupted}. */
  interrupt(): void {
    this.controller.abort(new IterationInterrupted());
    this.cancel?.(new Error('request aborted'));
    this.wake();
  }

  /** Back in service after an interrupt (a ramp that goes up again). */
  renew(): void {
    if (this.controller.signal.aborted) this.controller = new AbortController();
  }
}
