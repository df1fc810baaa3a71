import { createHash } from 'node:crypto';
import type { CheckoutMode } from '../config.ts';

/** How long a stored answer is replayed for a key (like Stripe: 24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** The 201 body of `POST /create-checkout-session`. */
export interface CheckoutSessionBody {
  session_id: string;
  url: string;
  amount_total: number;
  currency: 'usd';
  mode: CheckoutMode;
}

/** An answer stored under an `Idempotency-Key` (only successes are), replayed as is. */
export interface StoredAnswer {
  status: 201;
  body: CheckoutSessionBody;
}

/** The lock and storage scope of a key: keys are per user. */
export const idempotencyScope = (userId: string, key: string): string => `${userId}\n${key}`;

/**
 * The idempotency key sent to Stripe for a checkout: derived from the user and the
 * client's key, so a retry after a lost answer gets the same Stripe session back.
 */
export function stripeIdempotencyKey(userId: string, key: string): string {
  return `archaics-checkout-${createHash('sha256').update(idempotencyScope(userId, key)).digest('hex')}`;
}
