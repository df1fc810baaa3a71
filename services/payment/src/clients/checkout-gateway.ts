import type { CheckoutMode } from '../config.ts';
import type { CheckoutLine } from '../domain/checkout.ts';

/** What a payment provider needs to open a checkout. */
export interface GatewayCheckout {
  userId: string;
  lines: CheckoutLine[];
  amountTotal: number;
  currency: 'usd';
  successUrl: string;
  cancelUrl: string;
  /** Sent to the provider so that a retried creation returns the same session. */
  idempotencyKey: string;
}

export interface GatewaySession {
  id: string;
  url: string;
}

/** Opens checkout sessions: Stripe, or the simulated stand-in. */
export interface CheckoutGateway {
  readonly mode: CheckoutMode;
  createSession(checkout: GatewayCheckout): Promise<GatewaySession>;
}
