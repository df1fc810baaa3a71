import type { BusinessService } from '@archaics/contracts';

/** One injection: where, and the query of `POST /inject-failure`. */
export interface Injection {
  readonly service: BusinessService;
  readonly type: string;
  readonly intensity?: number;
  readonly probability?: number;
  readonly duration?: number;
  /** SPEC 2.1: latency's delay and jitter, error's status, and the scope (a route template or an upstream). */
  readonly ms?: number;
  readonly jitter?: number;
  readonly status?: number;
  readonly route?: string;
  readonly target?: string;
}

/** The phone page's quick actions (the seed's "error storm" and "high latency"), timed so they clear themselves. */
export const CHAOS_PRESETS: Readonly<Record<string, { readonly label: string; readonly injections: readonly Injection[] }>> = Object.freeze(
  {
    'error-storm': {
      label: 'Error storm: 30% errors on every service for 60 s',
      injections: (['auth-service', 'db-service', 'product-service', 'payment-service'] as const).map((service) => ({
        service,
        type: 'error',
        probability: 0.3,
        duration: 60,
      })),
    },
    'high-latency': {
      label: 'High latency: db waits 4 s on every request for 60 s',
      injections: [{ service: 'db-service', type: 'timeout', intensity: 2, probability: 1, duration: 60 }],
    },
  },
);
