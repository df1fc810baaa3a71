import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, BOB, SHORT_DB, TIMEOUT_MS, unreachableUrl } from '@archaics/server/testing';
import { startPayment, type PaymentHarness } from '../../test/support/harness.ts';
import { registerCheckoutRoute } from './checkout.route.ts';

let h: PaymentHarness;
const dirs: string[] = [];
afterEach(async () => {
  await h?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const checkout = (headers: Record<string, string> = ALICE, payload?: unknown) =>
  h.app.inject({
    method: 'POST',
    url: '/create-checkout-session',
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const fillCart = (userId = 'u-alice') =>
  h.dbState.carts.set(userId, [
    { product_id: 'p2', quantity: 3 },
    { product_id: 'p1', quantity: 1 },
  ]);

describe(registerCheckoutRoute.name, () => {
  it('opens a simulated session for the cart, in cents, clears the cart and serves the session', async () => {
    h = await startPayment();
    fillCart();
    const res = await checkout();
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      session_id: expect.stringMatching(/^cs_sim_[0-9a-f-]{36}$/),
      url: `http://127.0.0.1:8004/simulated-checkout/${body.session_id}`,
      amount_total: 105996,
      currency: 'usd',
      mode: 'simulated',
    });
    expect(h.dbState.carts.has('u-alice')).toBe(false);
    expect(h.db.requestsTo('POST', '/cart/clear')[0]?.body).toEqual({ user_id: 'u-alice' });
    const page = await h.app.inject({ url: `/simulated-checkout/${body.session_id}` });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({
      session_id: body.session_id,
      mode: 'simulated',
      status: 'complete',
      amount_total: 105996,
      cart_cleared: true,
      items: [
        { product_id: 'p2', unit_amount: 1999, quantity: 3, amount: 5997 },
        { product_id: 'p1', unit_amount: 99999, quantity: 1, amount: 99999 },
      ],
    });
  });

  it('answers 404 for an unknown or malformed simulated session id', async () => {
    h = await startPayment();
    for (const id of ['cs_sim_00000000-0000-0000-0000-000000000000', 'nope', "x' OR 1=1"]) {
      const res = await h.app.inject({ url: `/simulated-checkout/${encodeURIComponent(id)}` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found' });
    }
  });

  it('accepts no body, an empty body and redirect URLs, and refuses a bad URL naming it', async () => {
    h = await startPayment();
    fillCart();
    expect((await checkout(ALICE, {})).statusCode).toBe(201);
    fillCart();
    expect((await checkout(ALICE, { success_url: 'https://shop.example/ok?s={CHECKOUT_SESSION_ID}', other: 1 })).statusCode).toBe(201);
    const bad = await checkout(ALICE, { cancel_url: 'javascript:alert(1)' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'bad_request', detail: expect.stringContaining('body.cancel_url') });
    const notString = await checkout(ALICE, { success_url: 42 });
    expect(notString.statusCode).toBe(400);
    expect(notString.json().detail).toContain('body.success_url');
  });

  it('answers 400 empty_cart for an empty cart, and creates nothing', async () => {
    h = await startPayment();
    const res = await checkout();
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'empty_cart' });
    expect(h.db.requestsTo('GET', '/products')).toHaveLength(0);
    expect(h.db.requestsTo('POST', '/cart/clear')).toHaveLength(0);
  });

  it.each([
    ['a corrupted price', (hh: PaymentHarness) => (hh.dbState.products[1] = { id: 'p2', name: 'Mouse', price: -19.99 })],
    ['a non-numeric price', (hh: PaymentHarness) => (hh.dbState.products[1] = { id: 'p2', name: 'Mouse', price: '19.99' })],
    ['a product without id', (hh: PaymentHarness) => (hh.dbState.products[1] = { name: 'Mouse', price: 19.99 })],
    ['a corrupted cart item', (hh: PaymentHarness) => hh.dbState.carts.get('u-alice')?.push({ quantity: 2 })],
    ['a negative quantity', (hh: PaymentHarness) => hh.dbState.carts.get('u-alice')?.push({ product_id: 'p3', quantity: -2 })],
  ])('never charges a cart with %s: 502 upstream_bad_data, logged and counted', async (_what, corrupt) => {
    h = await startPayment();
    fillCart();
    corrupt(h);
    const res = await checkout();
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: 'upstream_bad_data', upstream: 'db-service' });
    expect(h.db.requestsTo('POST', '/cart/clear')).toHaveLength(0);
    expect(h.logs.find((l) => l.level === 'WARN' && String(l.message).includes('refusing to charge'))).toBeDefined();
    const metrics = (await h.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/upstream_bad_data_total\{service="payment-service",upstream="db-service"\} 1/);
  });

  it('answers 401 without a token (auth not called) and 503 auth_unavailable when auth is down', async () => {
    h = await startPayment({ env: { AUTH_SERVICE_URL: await unreachableUrl() } });
    expect((await checkout({})).statusCode).toBe(401);
    const res = await checkout();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'auth_unavailable', upstream: 'auth-service' });
  });

  it('replays the first answer for a repeated Idempotency-Key and charges once', async () => {
    h = await startPayment();
    fillCart();
    const headers = { ...ALICE, 'idempotency-key': 'order-1' };
    const first = await checkout(headers);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    fillCart();
    const second = await checkout(headers);
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(h.db.requestsTo('POST', '/cart/clear')).toHaveLength(1);
    expect(h.db.requestsTo('GET', '/cart/u-alice')).toHaveLength(1);
    const fresh = await checkout({ ...ALICE, 'idempotency-key': 'order-2' });
    expect(fresh.statusCode).toBe(201);
    expect(fresh.json().session_id).not.toBe(first.json().session_id);
  });

  it('lets concurrent requests with one key open a single session', async () => {
    h = await startPayment();
    fillCart();
    h.db.fault = { kind: 'delay', ms: 40 };
    const headers = { ...ALICE, 'idempotency-key': 'double-click' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => checkout(headers)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(5);
    expect(h.db.requestsTo('GET', '/cart/u-alice')).toHaveLength(1);
    expect(h.db.requestsTo('POST', '/cart/clear')).toHaveLength(1);
  });

  it('scopes keys per user', async () => {
    h = await startPayment();
    fillCart('u-alice');
    fillCart('u-bob');
    const a = await checkout({ ...ALICE, 'idempotency-key': 'same' });
    const b = await checkout({ ...BOB, 'idempotency-key': 'same' });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(a.json().session_id).not.toBe(b.json().session_id);
  });

  it('does not store failures: a key may be retried after one', async () => {
    h = await startPayment();
    const headers = { ...ALICE, 'idempotency-key': 'retry-me' };
    expect((await checkout(headers)).json()).toMatchObject({ error: 'empty_cart' });
    fillCart();
    expect((await checkout(headers)).statusCode).toBe(201);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['not printable ASCII', 'clé'],
    ['a control character', 'a\tb'],
  ])('answers 400 for an Idempotency-Key that is %s', async (_what, key) => {
    h = await startPayment();
    fillCart();
    const res = await checkout({ ...ALICE, 'idempotency-key': key });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request', detail: expect.stringContaining('idempotency-key') });
    expect(h.db.requests).toHaveLength(0);
  });

  it('keeps sessions and idempotency records across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payment-'));
    dirs.push(dir);
    h = await startPayment({ env: { PAYMENT_DB_PATH: join(dir, 'payment.sqlite') } });
    fillCart();
    const headers = { ...ALICE, 'idempotency-key': 'survives' };
    const first = await checkout(headers);
    await h.restart();
    const again = await checkout(headers);
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    expect((await h.app.inject({ url: `/simulated-checkout/${first.json().session_id}` })).statusCode).toBe(200);
  });

  it('still answers 201 when clearing the cart fails twice: logged at ERROR, retried once, session kept', async () => {
    h = await startPayment();
    fillCart();
    const clear = h.db;
    const realFault = { kind: 'status', status: 500 } as const;
    // Only the clear fails: the cart and catalogue reads have happened by then.
    const original = h.dbState.handle.bind(h.dbState);
    h.dbState.handle = (request) =>
      request.path === '/cart/clear' ? { status: realFault.status, body: { error: 'boom' } } : original(request);
    const res = await checkout();
    expect(res.statusCode).toBe(201);
    expect(clear.requestsTo('POST', '/cart/clear')).toHaveLength(2);
    const errors = h.logs
      .records()
      .filter((l) => l.level === 'ERROR')
      .map((l) => String(l.message));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^cart clear after checkout cs_sim_\S+ failed \(attempt 1 of 2\)/);
    expect(errors[1]).toContain('session kept with cart_cleared=false');
    const page = (await h.app.inject({ url: `/simulated-checkout/${res.json().session_id}` })).json();
    expect(page.cart_cleared).toBe(false);
  });

  it('clears the cart on the retry when the first clear fails', async () => {
    h = await startPayment();
    fillCart();
    const original = h.dbState.handle.bind(h.dbState);
    let failures = 1;
    h.dbState.handle = (request) =>
      request.path === '/cart/clear' && failures-- > 0 ? { status: 503, body: { error: 'busy' } } : original(request);
    const res = await checkout();
    expect(res.statusCode).toBe(201);
    expect(h.dbState.carts.has('u-alice')).toBe(false);
    expect((await h.app.inject({ url: `/simulated-checkout/${res.json().session_id}` })).json().cart_cleared).toBe(true);
  });

  it('answers the SPEC status within the deadline for each db failure, and 503 circuit_open once the circuit opens', async () => {
    h = await startPayment({ env: SHORT_DB });
    fillCart();
    const cases = [
      [{ kind: 'delay', ms: 2000 }, 504, 'upstream_timeout'],
      [{ kind: 'status', status: 500 }, 502, 'upstream_error'],
      [{ kind: 'close' }, 502, 'upstream_error'],
      [{ kind: 'garbage' }, 502, 'upstream_bad_data'],
    ] as const;
    for (const [fault, status, error] of cases) {
      h.db.fault = fault;
      const started = performance.now();
      const res = await checkout();
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 500);
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ error, upstream: 'db-service' });
    }
    h.db.fault = { kind: 'status', status: 500 };
    for (let i = 0; i < 5; i++) await checkout();
    const calls = h.db.requests.length;
    // Were the call attempted, this slow db would hold it for the whole deadline.
    h.db.fault = { kind: 'delay', ms: 3000 };
    const started = performance.now();
    const open = await checkout();
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS * 0.8);
    expect(open.statusCode).toBe(503);
    expect(open.json()).toMatchObject({ error: 'circuit_open', upstream: 'db-service' });
    expect(h.db.requests.length).toBe(calls);
  });

  it('answers 502 when db is unreachable and logs the upstream, outcome and elapsed ms', async () => {
    h = await startPayment({ env: { ...SHORT_DB, DB_SERVICE_URL: await unreachableUrl() } });
    const res = await checkout();
    expect(res.statusCode).toBe(502);
    const warn = h.logs.find((l) => l.level === 'WARN' && String(l.message).startsWith('db-service unreachable after'));
    expect(warn?.message).toMatch(/^db-service unreachable after \d+ms — upstream impact detected$/);
    expect(warn?.trace_id).toBe(res.headers['x-trace-id']);
  });

  it("sends traceparent and X-Trace-ID with the response's trace id to every upstream", async () => {
    h = await startPayment();
    fillCart();
    const res = await checkout();
    const traceId = String(res.headers['x-trace-id']);
    const calls = [...h.auth.requests, ...h.db.requests];
    expect(calls.length).toBeGreaterThanOrEqual(4);
    for (const call of calls) {
      expect(call.headers['x-trace-id']).toBe(traceId);
      expect(call.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    }
  });

  it('reads the cart with retries but never retries the clear', async () => {
    h = await startPayment();
    fillCart();
    h.db.fault = { kind: 'status', status: 500 };
    await checkout();
    expect(h.db.requestsTo('GET', '/cart/u-alice')).toHaveLength(2);
  });
});
