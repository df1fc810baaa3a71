import { BUSINESS_SERVICES, type BusinessService, type HealthResponse } from '@archaics/contracts';
import type { ChaosResult } from '../../shared/api-types.ts';
import type { HealthProbe } from '../domain/service-status.ts';
import { injectQuery, type Injection } from '../domain/chaos-presets.ts';
import { callJson, UnreachableError } from './http-json.ts';

/** The business services' control endpoints; the chaos token stays in here. */
export class ServicesClient {
  constructor(
    private readonly urls: Readonly<Record<BusinessService, string>>,
    private readonly chaosToken: string | null,
  ) {}

  url(service: BusinessService): string {
    return this.urls[service];
  }

  async health(service: BusinessService): Promise<HealthProbe> {
    const at = Date.now();
    try {
      const res = await callJson(`${this.urls[service]}/health`, { timeoutMs: 1500 });
      if (res.status !== 200 || typeof res.body !== 'object' || res.body === null) return { ok: false, error: `HTTP ${res.status}`, at };
      return { ok: true, health: res.body as HealthResponse, at };
    } catch (error) {
      return { ok: false, error: (error as Error).message, at };
    }
  }

  async healthAll(): Promise<Record<BusinessService, HealthProbe>> {
    const probes = await Promise.all(BUSINESS_SERVICES.map(async (service) => [service, await this.health(service)] as const));
    return Object.fromEntries(probes) as Record<BusinessService, HealthProbe>;
  }

  inject(injection: Injection): Promise<ChaosResult> {
    return this.control(injection.service, `/inject-failure?${injectQuery(injection)}`);
  }

  reset(service: BusinessService, reason: string): Promise<ChaosResult> {
    return this.control(service, '/reset', { 'x-archaics-reason': reason });
  }

  private async control(service: BusinessService, path: string, headers: Record<string, string> = {}): Promise<ChaosResult> {
    try {
      const res = await callJson(`${this.urls[service]}${path}`, { method: 'POST', bearer: this.chaosToken, headers, timeoutMs: 5000 });
      return { service, status: res.status, ok: res.status >= 200 && res.status < 300, body: res.body };
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      return { service, status: 0, ok: false, body: { error: 'service_unreachable', detail: `${service} at ${this.urls[service]}: ${error.message}` } };
    }
  }
}
