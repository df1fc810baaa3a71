import { StackClient } from '@archaics/client';
import type { BusinessService } from '@archaics/contracts';
import type { Platform } from './platform.ts';

export interface SupervisorPlatformOptions {
  /** The state folder holding supervisor.json. */
  readonly home: string;
  /** Overrides supervisor.json's `control_url`. */
  readonly controlUrl?: string | undefined;
  readonly chaosToken: string | null;
  readonly timeoutMs?: number;
}

/**
 * Restarts through the local supervisor's control interface (`POST /services/{name}/restart`
 * with the chaos token, @archaics/client's supervisor), found through `control_url` in
 * `<home>/supervisor.json`, read at each call because the supervisor writes it after the services start.
 */
export class SupervisorPlatform implements Platform {
  readonly kind = 'local';
  private readonly stack: StackClient;

  constructor(options: SupervisorPlatformOptions) {
    this.stack = new StackClient({
      token: options.chaosToken,
      home: options.home,
      timeoutMs: options.timeoutMs ?? 5000,
      targets: options.controlUrl ? { supervisor: options.controlUrl } : {},
    });
  }

  async restart(service: BusinessService): Promise<string> {
    await this.stack.supervisor.restartService(service);
    return `supervisor restarting ${service}`;
  }

  async scale(): Promise<string> {
    throw new Error('scale needs Kubernetes (EXECUTOR=kubernetes); the local supervisor runs one process per service');
  }
}
