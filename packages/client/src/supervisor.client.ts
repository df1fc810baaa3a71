import { readSupervisorFile, supervisorFilePath } from '@archaics/runtime';
import type { CallOptions, ControlCaller } from './control-caller.ts';
import { SupervisorNotFoundError } from './stack-errors.ts';

const TARGET = 'the supervisor';

/** The state of one supervised process. */
export type ServiceState = 'starting' | 'running' | 'restarting' | 'stopped';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
  /** ISO-8601 UTC. */
  readonly at: string;
}

/** One process as `GET /services` of the supervisor's control interface lists it. */
export interface ServiceStatus {
  readonly name: string;
  readonly url: string;
  readonly pid: number | null;
  readonly state: ServiceState;
  readonly restarts: number;
  readonly last_exit: ExitInfo | null;
  /** When the current process started (ISO-8601 UTC), null when none runs. */
  readonly started_at: string | null;
}

/** `POST /services/{name}/restart`'s answer (202). */
export interface RestartAccepted {
  readonly name: string;
  readonly restarting: true;
}

/**
 * The local supervisor's control interface (ARCHITECTURE "Processes"): list the services,
 * restart one. Found at the given URL, else through `control_url` of `<home>/supervisor.json`,
 * read at each call because the supervisor writes it after its services start.
 */
export class SupervisorClient {
  constructor(
    private readonly controlUrl: string | undefined,
    private readonly home: string,
    private readonly caller: ControlCaller,
  ) {}

  /** The control interface's URL now; throws {@link SupervisorNotFoundError} when no supervisor runs. */
  url(): string {
    if (this.controlUrl) return this.controlUrl.replace(/\/+$/, '');
    const url = readSupervisorFile(this.home)?.control_url;
    if (!url) throw new SupervisorNotFoundError(this.home, supervisorFilePath(this.home));
    return url.replace(/\/+$/, '');
  }

  async listServices(options: CallOptions = {}): Promise<ServiceStatus[]> {
    return this.caller.call<ServiceStatus[]>({ ...options, target: TARGET, baseUrl: this.url(), path: '/services', token: 'required' });
  }

  async restartService(name: string, options: CallOptions = {}): Promise<RestartAccepted> {
    return this.caller.call<RestartAccepted>({
      ...options,
      target: TARGET,
      baseUrl: this.url(),
      path: `/services/${encodeURIComponent(name)}/restart`,
      method: 'POST',
      token: 'required',
    });
  }
}
