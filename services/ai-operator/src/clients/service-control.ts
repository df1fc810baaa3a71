import { StackClient, failureReason } from '@archaics/client';
import type { BusinessService } from '@archaics/contracts';
import type { HealthProbe } from '../domain/evidence.ts';
import type { ServiceControl } from '../domain/operator.ts';

/** What /health says, including the fault state the ranking may not read (only actions may). */
export interface HealthAnswer extends HealthProbe {
  readonly failure: unknown;
}

export interface StackServiceControlOptions {
  readonly urls: Readonly<Record<BusinessService, { readonly url: string }>>;
  readonly chaosToken: string | null;
  /** Deadline of each call (default 1500 ms: a probe must not hold up the pipeline). */
  readonly timeoutMs?: number;
}

/** The business services' /health and /reset as the operator uses them, through @archaics/client. */
export class StackServiceControl implements ServiceControl {
  private readonly stack: StackClient;

  constructor(options: StackServiceControlOptions) {
    const services = Object.fromEntries(Object.entries(options.urls).map(([service, upstream]) => [service, upstream.url]));
    this.stack = new StackClient({ token: options.chaosToken, timeoutMs: options.timeoutMs ?? 1500, targets: { services } });
  }

  /** Never throws: a service that does not answer, or answers an error, is unreachable with the reason. */
  async health(service: BusinessService): Promise<HealthAnswer> {
    try {
      const health = await this.stack.services.health(service);
      return { reachable: true, uptimeS: typeof health.uptime_s === 'number' ? health.uptime_s : null, failure: health.failure ?? null };
    } catch (error) {
      return { reachable: false, uptimeS: null, failure: null, error: failureReason(error) };
    }
  }

  /** `POST /reset` with the chaos token and the reason; resolves with the cleared fault type (or null), rejects with the client's error. */
  async reset(service: BusinessService, reason: string): Promise<unknown> {
    const answer = await this.stack.services.reset(service, { reason });
    return answer.cleared ?? null;
  }
}
