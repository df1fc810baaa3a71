/** The wire shapes of the supervisor's control interface (GET /services, POST /services/{name}/restart). */
export type ServiceState = 'starting' | 'running' | 'restarting' | 'stopped';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
  /** ISO-8601 UTC. */
  readonly at: string;
}

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

export interface RestartAccepted {
  readonly name: string;
  readonly restarting: true;
}
