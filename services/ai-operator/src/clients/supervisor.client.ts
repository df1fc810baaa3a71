import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
 * The local supervisor's control interface (`POST /services/{name}/restart`, Bearer chaos
 * token), found through `control_url` in `<home>/supervisor.json`, read at each call because
 * the supervisor writes it after the services start.
 */
export class SupervisorPlatform implements Platform {
  readonly kind = 'local';

  constructor(private readonly options: SupervisorPlatformOptions) {}

  private controlUrl(): string {
    if (this.options.controlUrl) return this.options.controlUrl.replace(/\/+$/, '');
    const path = join(this.options.home, 'supervisor.json');
    let file: { control_url?: unknown };
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as { control_url?: unknown };
    } catch {
      throw new Error(`no supervisor found (${path} is missing or unreadable)`);
    }
    if (typeof file.control_url !== 'string') throw new Error(`${path} has no control_url`);
    return file.control_url.replace(/\/+$/, '');
  }

  async restart(service: BusinessService): Promise<string> {
    const url = `${this.controlUrl()}/services/${encodeURIComponent(service)}/restart`;
    const headers: Record<string, string> = this.options.chaosToken === null ? {} : { authorization: `Bearer ${this.options.chaosToken}` };
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
    } catch (error) {
      throw new Error(`supervisor did not answer: ${(error as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`supervisor answered ${res.status}: ${text.slice(0, 200)}`);
    return `supervisor restarting ${service}`;
  }

  async scale(): Promise<string> {
    throw new Error('scale needs Kubernetes (EXECUTOR=kubernetes); the local supervisor runs one process per service');
  }
}
