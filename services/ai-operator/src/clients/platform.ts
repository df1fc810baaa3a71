import type { BusinessService } from '@archaics/contracts';

/** Where restart and scale happen: the local supervisor or Kubernetes. */
export interface Platform {
  readonly kind: 'local' | 'kubernetes';
  /** Resolves with a one-line description of what was done. */
  restart(service: BusinessService): Promise<string>;
  scale(service: BusinessService, replicas: number): Promise<string>;
}
