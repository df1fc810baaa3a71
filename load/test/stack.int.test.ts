import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS_SERVICES, call, startTestStack, type TestStack } from '../../e2e/support/test-stack.ts';
import { loadScenario, runScenario, type Targets } from '../src/index.ts';

// The seed's journey against the real stack (every service its own process), on ports 16001..16004.
let stack: TestStack;
let targets: Targets;

beforeAll(async () => {
  stack = await startTestStack({ portOffset: 8_000 });
  targets = {
    auth: stack.url('auth-service'),
    db: stack.url('db-service'),
    product: stack.url('product-service'),
    payment: stack.url('payment-service'),
  };
});
afterAll(async () => {
  await stack?.stop();
});

describe('the normal scenario on the real stack', () => {
  it('runs the full journey without an error', async () => {
    const summary = await runScenario(loadScenario('normal'), { targets, overrides: { duration: '4s' } });
    expect(summary.requests.total).toBeGreaterThan(0);
    expect(summary.requests.failed).toBe(0);
    expect(summary.errors.byStatus).toEqual({});
    expect(summary.checks.failed).toBe(0);
    expect(summary.iterations.completed).toBeGreaterThanOrEqual(10);
    expect(summary.vus.max).toBe(10);
    expect(summary.endpoints.map((e) => e.endpoint).sort()).toEqual([
      'GET /cart',
      'GET /products',
      'POST /cart/add',
      'POST /create-checkout-session',
      'POST /login',
      'POST /signup',
    ]);
    expect(summary.endpoints.find((e) => e.endpoint === 'POST /signup')?.requests).toBe(10);
  }, 60_000);

  it('with failures: the injected errors show in the summary, and no fault is left active', async () => {
    const summary = await runScenario(loadScenario('normal'), {
      targets,
      overrides: { duration: '6s' },
      withFailures: true,
      chaosToken: stack.token,
    });
    expect(summary.faults?.injected.map((f) => `${f.target} ${f.type}`)).toEqual(['db timeout', 'product error']);
    expect(summary.faults?.reset.every((r) => r.ok)).toBe(true);
    expect(summary.errors.byStatus['500']).toBeGreaterThan(0);
    const upstream = (summary.errors.byStatus['502'] ?? 0) + (summary.errors.byStatus['503'] ?? 0) + (summary.errors.byStatus['504'] ?? 0);
    expect(upstream).toBeGreaterThan(0);
    expect(summary.passed).toBe(false);
    for (const service of BUSINESS_SERVICES) {
      const health = await call(`${stack.url(service)}/health`);
      expect(health.body.failure, service).toBeNull();
    }
  }, 90_000);

  it('with the gray set: POST /cart/add fails with 503, the db latency stays inside the deadline, and no fault is left', async () => {
    const summary = await runScenario(loadScenario('normal'), {
      targets,
      overrides: { duration: '6s' },
      withFailures: 'gray',
      chaosToken: stack.token,
    });
    expect(summary.faults?.injected.map((f) => `${f.target} ${f.type}`)).toEqual(['db latency', 'product error']);
    expect(summary.faults?.reset.every((r) => r.ok)).toBe(true);
    expect(summary.errors.byStatus['503']).toBeGreaterThan(0);
    // Inside the deadline: no timeout, no upstream error, no breaker opening.
    expect(summary.errors.byStatus['504'] ?? 0).toBe(0);
    expect(summary.errors.byStatus['502'] ?? 0).toBe(0);
    // The route fault's 503s are on POST /cart/add only (a busy machine may add a stray 503 auth_unavailable elsewhere).
    const byEndpoint = summary.errors.byEndpoint.map((e) => `${e.endpoint} ${e.outcome}`);
    expect(byEndpoint).toContain('POST /cart/add 503');
    expect(byEndpoint.filter((e) => e.endsWith(' 503') && e !== 'POST /cart/add 503').length).toBeLessThanOrEqual(1);
    // db answers every call at least 240 ms late (300 ms ± 20 %): listing products takes that long at least.
    expect(summary.endpoints.find((e) => e.endpoint === 'GET /products')?.latency.p50).toBeGreaterThanOrEqual(200);
    for (const service of BUSINESS_SERVICES) {
      const health = await call(`${stack.url(service)}/health`);
      expect(health.body.failures, service).toEqual([]);
    }
  }, 90_000);
});
