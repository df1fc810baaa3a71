import { randomUUID } from 'node:crypto';
import type { CheckoutGateway, GatewaySession } from './checkout-gateway.ts';

/** The session id format of simulated checkouts. */
export const SIMULATED_SESSION_ID = /^cs_sim_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Stands in for Stripe without a key: a session id and a URL served by this service. */
export class SimulatedGateway implements CheckoutGateway {
  readonly mode = 'simulated' as const;

  constructor(private readonly publicUrl: string) {}

  async createSession(): Promise<GatewaySession> {
    const id = `cs_sim_${randomUUID()}`;
    return { id, url: `${this.publicUrl}/simulated-checkout/${id}` };
  }
}
