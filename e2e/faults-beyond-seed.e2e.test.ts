import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUSES, FAULT_ROUTES, faultTargetsFor, type BusinessService } from '@archaics/contracts';
import { BUSINESS_SERVICES, call, inject, newUser, resetAll, startTestStack, type TestStack } from './support/test-stack.ts';

// SPEC 2.1 on the real processes: gray latency, error statuses, route and edge scopes, the leak.
let stack: TestStack;
let jwt: string;

beforeAll(async () => {
  stack = await startTestStack({ portOffset: 16_000 });
  ({ jwt } = await newUser(stack));
}, 90_000);
afterAll(async () => stack?.stop());
afterEach(async () => resetAll(stack));

const MIB = 1024 * 1024;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** How long each of `n` sequential calls takes, in ms. */
async function timings(n: number, once: () => Promise<{ status: number; ms: number }>, status = 200): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await once();
    expect(res.status).toBe(status);
    times.push(res.ms);
  }
  return times;
}

const dbProducts = () => call(`${stack.url('db-service')}/products`);
const productProducts = () => call(`${stack.url('product-service')}/products`, { token: jwt });
const health = async (service: BusinessService) => (await call(`${stack.url(service)}/health`)).body;
const metricsText = async (service: BusinessService): Promise<string> => (await call(`${stack.url(service)}/metrics`)).body as string;

/** The sum of a metric's samples whose labels include every given pair (prometheus text format). */
function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** The requests db answered on its business routes (its control endpoints left out). */
async function dbBusinessRequests(): Promise<number> {
  const text = await metricsText('db-service');
  return FAULT_ROUTES['db-service'].reduce((sum, route) => sum + metricSum(text, 'http_requests_total', { route }), 0);
}

describe('faults beyond the seed (SPEC 2.1)', () => {
  it('latency delays every db request by ms (± jitter) beyond the baseline', { timeout: 90_000 }, async () => {
    await timings(10, dbProducts); // warm the connection
    const baseline = median(await timings(40, dbProducts));

    await inject(stack, 'db-service', 'type=latency&ms=200');
    const excess = (await timings(200, dbProducts)).map((ms) => ms - baseline);
    const within = excess.filter((ms) => ms >= 180 && ms <= 220).length;
    // The median within ±20 ms of 200, at least 95% of the requests too (the tail is the machine's), and none early.
    expect(Math.abs(median(excess) - 200)).toBeLessThanOrEqual(20);
    expect(within / excess.length).toBeGreaterThanOrEqual(0.95);
    expect(Math.min(...excess)).toBeGreaterThanOrEqual(195 - baseline);

    await inject(stack, 'db-service', 'type=latency&ms=200&jitter=0.5');
    const jittered = (await timings(50, dbProducts)).map((ms) => ms - baseline);
    // ms × (1 ± 0.5·u): [100, 300], plus a margin for the machine on the upper side.
    expect(Math.min(...jittered)).toBeGreaterThanOrEqual(100 - baseline - 2);
    expect(Math.max(...jittered)).toBeLessThanOrEqual(300 + 40);
    expect(Math.max(...jittered) - Math.min(...jittered)).toBeGreaterThan(100);
    expect(new Set(jittered.map(Math.round)).size).toBeGreaterThan(25);
    console.info(
      `latency: baseline median ${baseline.toFixed(1)} ms; ms=200 excess median ${median(excess).toFixed(1)} ms, ` +
        `${within}/200 within ±20 ms, range ${Math.min(...excess).toFixed(1)}..${Math.max(...excess).toFixed(1)}; ` +
        `jitter=0.5 range ${Math.min(...jittered).toFixed(1)}..${Math.max(...jittered).toFixed(1)} ms`,
    );
  });

  it('300 ms of db latency keeps product answering 200 inside its deadline, ≈300 ms slower', async () => {
    await timings(5, productProducts);
    const baseline = median(await timings(15, productProducts));
    await inject(stack, 'db-service', 'type=latency&ms=300');
    const slowed = await timings(15, productProducts);
    expect(median(slowed) - baseline).toBeGreaterThanOrEqual(290);
    expect(median(slowed) - baseline).toBeLessThan(400);
    expect(Math.max(...slowed)).toBeLessThan(1000);
  });

  it.each(ERROR_STATUSES)('error with status %i answers it as injected_error', async (status) => {
    await inject(stack, 'db-service', `type=error&status=${status}&duration=30`);
    const res = await dbProducts();
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: 'injected_error', service: 'db-service' });
    if (status === 429) {
      const retryAfter = res.headers.get('retry-after') ?? '';
      expect(retryAfter).toMatch(/^\d+$/);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(retryAfter)).toBeLessThanOrEqual(30);
    } else {
      expect(res.headers.get('retry-after')).toBeNull();
    }
  });

  it('a route fault fails only its route', async () => {
    await inject(stack, 'product-service', 'type=error&route=/cart/add');
    const add = await call(`${stack.url('product-service')}/cart/add`, { token: jwt, body: { product_id: 'p1', quantity: 1 } });
    expect(add.status).toBe(500);
    expect(add.body).toEqual({ error: 'injected_error', service: 'product-service' });
    expect((await productProducts()).status).toBe(200);
    expect((await call(`${stack.url('product-service')}/cart`, { token: jwt })).status).toBe(200);
    const { failure, failures } = await health('product-service');
    expect(failure).toBeNull();
    expect(failures).toMatchObject([{ type: 'error', scope: 'route:/cart/add', route: '/cart/add', status: 500 }]);
  });

  it('an edge fault breaks product → db in product only: partition at once, error as its status, blackhole at the deadline', async () => {
    const outcome = async (name: string): Promise<number> =>
      metricSum(await metricsText('product-service'), 'upstream_requests_total', { upstream: 'db-service', outcome: name });
    expect((await productProducts()).status).toBe(200);

    const cases = [
      { query: 'type=partition&target=db-service', outcome: 'unreachable', status: 502, error: 'upstream_error' },
      { query: 'type=error&status=503&target=db-service', outcome: 'error', status: 502, error: 'upstream_error' },
      // A 429 is an answer (a client error), which product cannot use.
      { query: 'type=error&status=429&target=db-service', outcome: 'client_error', status: 502, error: 'upstream_error' },
      { query: 'type=blackhole&target=db', outcome: 'timeout', status: 504, error: 'upstream_timeout' },
    ];
    for (const edge of cases) {
      await inject(stack, 'product-service', edge.query);
      const [dbBefore, outcomeBefore] = [await dbBusinessRequests(), await outcome(edge.outcome)];
      const res = await productProducts();
      expect(res.status).toBe(edge.status);
      expect(res.body).toMatchObject({ error: edge.error, upstream: 'db-service' });
      if (edge.outcome === 'timeout') {
        expect(res.ms).toBeGreaterThanOrEqual(900);
        expect(res.ms).toBeLessThan(2500);
      } else {
        expect(res.ms).toBeLessThan(300);
      }
      expect(await dbBusinessRequests()).toBe(dbBefore);
      expect(await outcome(edge.outcome)).toBe(outcomeBefore + 1);
      expect((await health('db-service')).failures).toEqual([]);
      // Cleared, the edge works again (which also closes the breaker's count).
      await call(`${stack.url('product-service')}/reset?target=db-service`, { method: 'POST', token: stack.token });
      expect((await productProducts()).status).toBe(200);
    }
  });

  it('leak holds intensity MiB more every second, and reset frees it', { timeout: 60_000 }, async () => {
    const memory = async (): Promise<number> => metricSum(await metricsText('db-service'), 'process_resident_memory_bytes');
    const before = await memory();
    await inject(stack, 'db-service', 'type=leak&intensity=8');
    const start = performance.now();
    let now = before;
    while (performance.now() - start < 10_000) {
      await sleep(500);
      now = await memory();
      if (now - before >= 60 * MIB) break;
    }
    const grownS = (performance.now() - start) / 1000;
    expect(now - before).toBeGreaterThanOrEqual(60 * MIB);
    const leaked = (await health('db-service')).failures;
    expect(leaked).toMatchObject([{ type: 'leak', scope: 'service', intensity: 8 }]);
    // What the leak holds, at 8 MiB a second (RSS also counts the worker thread that holds it).
    expect(leaked[0].leaked_mib).toBeGreaterThanOrEqual(40);
    expect(leaked[0].leaked_mib).toBeLessThanOrEqual(8 * (grownS + 1));

    const reset = await call(`${stack.url('db-service')}/reset`, { method: 'POST', token: stack.token });
    expect(reset.body.cleared).toBe('leak');
    const after = await health('db-service');
    expect(after.failure).toBeNull();
    expect(after.failures).toEqual([]);
    // The leak lives in a worker thread that reset ends: its pages go back at once, not at some later collection.
    let freed = now;
    for (let i = 0; i < 10 && now - freed < 40 * MIB; i++) {
      await sleep(300);
      freed = await memory();
    }
    expect(now - freed).toBeGreaterThanOrEqual(40 * MIB);
    console.info(
      `leak: RSS +${((now - before) / MIB).toFixed(0)} MiB in ${grownS.toFixed(1)} s; ` +
        `after reset ${((freed - before) / MIB).toFixed(0)} MiB above the start`,
    );
  });

  it('faults of two scopes coexist and reset one by one', async () => {
    const scopes = async () =>
      ((await health('product-service')).failures as Array<{ scope: string; type: string }>).map((f) => `${f.scope}=${f.type}`);
    const active = async (scope: string, type: string) =>
      metricSum(await metricsText('product-service'), 'chaos_failure_active', { type, scope });
    const resetWith = async (query: string) =>
      call(`${stack.url('product-service')}/reset?${query}`, { method: 'POST', token: stack.token });

    await inject(stack, 'product-service', 'type=latency&ms=50');
    await inject(stack, 'product-service', 'type=partition&target=db-service');
    expect(await scopes()).toEqual(['service=latency', 'edge:db-service=partition']);
    expect((await health('product-service')).failure).toMatchObject({ type: 'latency', scope: 'service' });
    expect(await active('service', 'latency')).toBe(1);
    expect(await active('edge:db-service', 'partition')).toBe(1);

    const edge = await resetWith('target=db-service');
    expect(edge.status).toBe(200);
    expect(edge.body).toMatchObject({ cleared: 'partition', cleared_faults: [{ type: 'partition', scope: 'edge:db-service' }] });
    expect(await scopes()).toEqual(['service=latency']);
    expect(await active('edge:db-service', 'partition')).toBe(0);
    expect(await active('service', 'latency')).toBe(1);

    await inject(stack, 'product-service', 'type=partition&target=db-service');
    const whole = await resetWith('scope=service');
    expect(whole.body).toMatchObject({ cleared: 'latency', cleared_faults: [{ type: 'latency', scope: 'service' }] });
    expect(await scopes()).toEqual(['edge:db-service=partition']);
    expect(await active('service', 'latency')).toBe(0);
    expect(await active('edge:db-service', 'partition')).toBe(1);

    for (const [query, name] of [
      ['scope=everything', 'scope'],
      ['scope=edge:payment-service', 'target'],
      ['route=/nope', 'route'],
      ['target=nobody', 'target'],
    ] as const) {
      const bad = await resetWith(query);
      expect(bad.status).toBe(400);
      expect(bad.body.detail).toMatch(new RegExp(`^${name}`));
    }
    expect(await scopes()).toEqual(['edge:db-service=partition']);
  });

  it.each(BUSINESS_SERVICES)('FAULT_ROUTES and faultTargetsFor name exactly what %s registers and calls', async (service) => {
    const refused = await call(`${stack.url(service)}/inject-failure?type=error&route=/no-such-route`, {
      method: 'POST',
      token: stack.token,
    });
    expect(refused.status).toBe(400);
    const listed = /its routes: (.*)$/.exec(refused.body.detail)?.[1]?.split(', ');
    expect(listed).toEqual([...FAULT_ROUTES[service]].sort());
    for (const route of FAULT_ROUTES[service]) await inject(stack, service, `type=latency&ms=1&route=${encodeURIComponent(route)}`);
    expect((await health(service)).failures).toHaveLength(FAULT_ROUTES[service].length);

    const badTarget = await call(`${stack.url(service)}/inject-failure?type=error&target=no-such-service`, {
      method: 'POST',
      token: stack.token,
    });
    expect(badTarget.status).toBe(400);
    const targets = faultTargetsFor(service);
    expect(badTarget.body.detail).toMatch(
      targets.length === 0 ? new RegExp(`${service} calls no other service$`) : new RegExp(`its targets: ${targets.sort().join(', ')}$`),
    );
  });
});
