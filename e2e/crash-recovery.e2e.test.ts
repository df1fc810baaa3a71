import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusinessService } from '@archaics/contracts';
import { call, inject, newUser, startTestStack, type TestStack } from './support/test-stack.ts';

// A crash fault kills only its process; the supervisor brings it back and no acknowledged write is lost.
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ portOffset: 10_000 });
}, 90_000);
afterAll(async () => stack?.stop());

function pidOf(service: BusinessService): number | null {
  return stack.supervisor.status().find((s) => s.name === service)?.pid ?? null;
}

async function waitForRestart(service: BusinessService, oldPid: number | null): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const status = stack.supervisor.status().find((s) => s.name === service);
    if (status && status.pid !== oldPid && status.state === 'running') {
      const health = await call(`${stack.url(service)}/health`).catch(() => null);
      if (health?.status === 200) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service} did not come back`);
}

describe('crash fault', () => {
  it('restarts db-service and keeps every acknowledged cart write', async () => {
    const user = await newUser(stack);
    for (const [product_id, quantity] of [
      ['p1', 1],
      ['p3', 2],
      ['p5', 3],
    ] as const) {
      const res = await call(`${stack.url('product-service')}/cart/add`, { token: user.jwt, body: { product_id, quantity } });
      expect(res.status).toBe(200);
    }
    const before = pidOf('db-service');
    await inject(stack, 'db-service', 'type=crash');
    await waitForRestart('db-service', before);
    expect(stack.supervisor.status().find((s) => s.name === 'db-service')?.restarts).toBeGreaterThanOrEqual(1);
    const cart = await call(`${stack.url('db-service')}/cart/${user.userId}`);
    expect(cart.body.items).toEqual([
      { product_id: 'p1', quantity: 1 },
      { product_id: 'p3', quantity: 2 },
      { product_id: 'p5', quantity: 3 },
    ]);
    const health = await call(`${stack.url('db-service')}/health`);
    expect(health.body.failure).toBeNull();
  });

  it('restarts auth-service on the next request and keeps every acknowledged signup', async () => {
    const users = [await newUser(stack), await newUser(stack)];
    const before = pidOf('auth-service');
    await inject(stack, 'auth-service', 'type=crash&probability=0.99');
    // Each request draws the crash with probability 0.99: keep asking (bounded) until one does.
    for (let i = 0; i < 20 && pidOf('auth-service') === before; i++) {
      const answer = await call(`${stack.url('auth-service')}/validate`, { token: users[0]!.jwt }).catch(() => null);
      if (answer === null) break;
    }
    await waitForRestart('auth-service', before);
    for (const user of users) {
      const login = await call(`${stack.url('auth-service')}/login`, { body: { email: user.email, password: 'secure-password-1' } });
      expect(login.status).toBe(200);
      // Tokens issued before the crash are still valid: the key is kept in the state folder.
      expect((await call(`${stack.url('auth-service')}/validate`, { token: user.jwt })).status).toBe(200);
    }
  });

  it('brings product-service back while its callers see only that service fail', async () => {
    const user = await newUser(stack);
    const before = pidOf('product-service');
    await inject(stack, 'product-service', 'type=crash');
    await waitForRestart('product-service', before);
    expect((await call(`${stack.url('product-service')}/products`, { token: user.jwt })).status).toBe(200);
    expect(pidOf('auth-service')).not.toBeNull();
  });

  it('restarts payment-service and still answers a replayed Idempotency-Key with the same session', async () => {
    const user = await newUser(stack);
    await call(`${stack.url('product-service')}/cart/add`, { token: user.jwt, body: { product_id: 'p4', quantity: 1 } });
    const headers = { 'idempotency-key': `order-${user.userId}` };
    const first = await call(`${stack.url('payment-service')}/create-checkout-session`, { method: 'POST', token: user.jwt, headers });
    expect(first.status).toBe(201);
    const before = pidOf('payment-service');
    await inject(stack, 'payment-service', 'type=crash');
    await waitForRestart('payment-service', before);
    const replay = await call(`${stack.url('payment-service')}/create-checkout-session`, { method: 'POST', token: user.jwt, headers });
    expect(replay.status).toBe(201);
    expect(replay.body.session_id).toBe(first.body.session_id);
    expect(replay.body.amount_total).toBe(2999);
  });
});
