import { StackRefusedError, StackUnreachableError, failureReason, type StackClient } from '@archaics/client';
import { BUSINESS_SERVICES, type BusinessService } from '@archaics/contracts';
import type { ChaosResult } from '../../shared/api-types.ts';
import type { Injection } from '../domain/chaos-presets.ts';
import type { HealthProbe } from '../domain/service-status.ts';

/** The business services' control endpoints as the dashboard relays them (through @archaics/client; the chaos token stays in this process). */
export class ServicesRelay {
  constructor(private readonly stack: StackClient) {}

  url(service: BusinessService): string {
    return this.stack.services.url(service);
  }

  /** /health as the overview shows it: the answer, or why there is none. */
  async health(service: BusinessService): Promise<HealthProbe> {
    const at = Date.now();
    try {
      return { ok: true, health: await this.stack.services.health(service, { timeoutMs: 1500 }), at };
    } catch (error) {
      return { ok: false, error: failureReason(error), at };
    }
  }

  async healthAll(): Promise<Record<BusinessService, HealthProbe>> {
    const probes = await Promise.all(BUSINESS_SERVICES.map(async (service) => [service, await this.health(service)] as const));
    return Object.fromEntries(probes) as Record<BusinessService, HealthProbe>;
  }

  inject(injection: Injection): Promise<ChaosResult> {
    const { service, ...fault } = injection;
    return this.relay(service, () => this.stack.services.inject(service, fault, { reason: 'dashboard' }));
  }

  /** Clears every fault of the service, or only the one of `scope` (a label: `service`, `route:/cart/add`, `edge:db-service`). */
  reset(service: BusinessService, reason: string, scope?: string): Promise<ChaosResult> {
    return this.relay(service, () => this.stack.services.reset(service, { reason, ...(scope === undefined ? {} : { scope }) }));
  }

  /** The service's answer with its status; 0 and a `service_unreachable` body when it did not answer. */
  private async relay(service: BusinessService, call: () => Promise<unknown>): Promise<ChaosResult> {
    try {
      return { service, status: 200, ok: true, body: await call() };
    } catch (error) {
      if (error instanceof StackRefusedError) return { service, status: error.status, ok: false, body: error.body };
      if (error instanceof StackUnreachableError)
        return {
          service,
          status: 0,
          ok: false,
          body: { error: 'service_unreachable', detail: `${service} at ${error.baseUrl}: ${error.reason}` },
        };
      throw error;
    }
  }
}
