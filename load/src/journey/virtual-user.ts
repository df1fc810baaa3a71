import { EventEmitter } from 'node:events';
import { IterationInterrupted } from '../execution/run-control.ts';

/**
 * What undici watches to abort a VU's request in flight. An EventEmitter rather than the
 * AbortSignal: undici accepts both, and adding and removing a listener per request on an
 * EventTarget costs a noticeable share of the runner's top rate.
 */
class RequestAbort extends EventEmitter {
  aborted = false;
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}

/** The credentials of a per-VU session; signed up and logged in lazily on the VU's first iteration. */
export interface Session {
  readonly email: string;
  readonly password: string;
  signedUp: boolean;
  token: string | undefined;
}

/** One virtual user: its session, its think-time sleep, and the switch that cuts its iteration short. */
export class VirtualUser {
  session: Session | undefined;
  /** Ramping down: finish the current iteration, then leave. */
  retiring = false;
  private controller = new AbortController();
  private requestAbort = new RequestAbort();
  private wakeUp: (() => void) | undefined;

  constructor(readonly id: number) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The abort switch of the request in flight (undici's `signal`). */
  get requestSignal(): RequestAbort {
    return this.requestAbort;
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
    this.requestAbort.abort();
    this.wake();
  }

  /** Back in service after an interrupt (a ramp that goes up again). */
  renew(): void {
    if (this.controller.signal.aborted) this.controller = new AbortController();
    if (this.requestAbort.aborted) this.requestAbort = new RequestAbort();
  }
}
