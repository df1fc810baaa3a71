import { describe, expect, it } from 'vitest';
import { idempotencyScope, stripeIdempotencyKey } from './idempotency.ts';

describe(stripeIdempotencyKey.name, () => {
  it("is stable for a user and key, differs between users, and fits Stripe's 255 characters", () => {
    const key = stripeIdempotencyKey('u1', 'order-42');
    expect(key).toBe(stripeIdempotencyKey('u1', 'order-42'));
    expect(key).not.toBe(stripeIdempotencyKey('u2', 'order-42'));
    expect(key).toMatch(/^archaics-checkout-[0-9a-f]{64}$/);
  });
});

describe(idempotencyScope.name, () => {
  it('cannot be confused across users by a key containing the separator', () => {
    expect(idempotencyScope('u1', 'x')).not.toBe(idempotencyScope('u', '1x'));
  });
});
