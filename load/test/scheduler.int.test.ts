import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeUpstream } from '@archaics/server/testing';
import { runScenario } from '../src/index.ts';
import { localScenario } from './support/local-scenario.ts';

// The runner against a node:http server this test controls. Counts are asserted, never timings
// (except lower bounds the server's own delay guarantees).
let server: FakeUpstream;
const targets = (): Record<string, string> => ({ local: server.url });

beforeAll(async () => {
  server = await FakeUpstream.start(() => ({ status: 200, body: 'ok' }));
});
afterEach(() => {
  server.fault = undefined;
  server.requests.length = 0;
});
afterAll(async () => {
  await server.stop();
});

describe('open model (constant-arrival-rate)', () => {
  it('starts rate × duration iterations against a fast endpoint: 500/s for 20 s', async () => {
    const summary = await runScenario(
      localScenario({ executor: 'constant-arrival-rate', rate: 500, timeUnit: '1s', duration: '20s', preAllocatedVUs: 50, maxVUs: 1000 }),
      { targets: targets() },
    );
    const expected = 500 * 20;
    expect(summary.iterations.scheduled).toBe(expected);
    expect(summary.iterations.started + summary.iterations.dropped).toBe(expected);
    expect(Math.abs(summary.iterations.started - expected)).toBeLessThanOrEqual(expected * 0.02);
    expect(summary.iterations.completed).toBe(summary.iterations.started);
    expect(summary.requests.total).toBe(summary.iterations.completed);
    expect(server.requests.length).toBe(summary.requests.total);
    expect(summary.requests.failed).toBe(0);
    expect(summary.latency.serviceTime.count).toBe(summary.requests.total);
  }, 60_000);

  it('keeps its schedule against a slow endpoint: drops what no VU can take and counts the wait', async () => {
    server.fault = { kind: 'delay', ms: 2_000 };
    const summary = await runScenario(
      localScenario({ executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '5s', preAllocatedVUs: 5, maxVUs: 10 }),
      { targets: targets() },
    );
    expect(summary.iterations.scheduled).toBe(100);
    expect(summary.iterations.started + summary.iterations.dropped).toBe(100);
    expect(summary.iterations.dropped).toBeGreaterThan(0);
    expect(summary.iterations.started).toBeLessThanOrEqual(30); // 10 VUs, each busy 2 s of the 5 s
    expect(summary.vus.allocated).toBe(10);
    expect(summary.latency.fromScheduledStart.p50).toBeGreaterThanOrEqual(2_000);
    expect(summary.latency.serviceTime.p50).toBeGreaterThanOrEqual(2_000);
  }, 30_000);

  it('measures iterations that start late from their scheduled time', async () => {
    // Blocks the event loop (runner and server alike) for 400 ms in the middle of the run: the iterations due
    // meanwhile start after it, and their latency from the schedule includes the wait.
    const stall = setTimeout(() => {
      const until = performance.now() + 400;
      while (performance.now() < until);
    }, 1_000);
    const summary = await runScenario(
      localScenario({ executor: 'constant-arrival-rate', rate: 200, timeUnit: '1s', duration: '2s', preAllocatedVUs: 100, maxVUs: 200 }),
      { targets: targets() },
    );
    clearTimeout(stall);
    expect(summary.iterations.started + summary.iterations.dropped).toBe(400);
    expect(summary.latency.fromScheduledStart.max).toBeGreaterThanOrEqual(350);
    expect(summary.latency.fromScheduledStart.max).toBeGreaterThan(summary.latency.serviceTime.max);
  }, 30_000);

  it('follows a ramping arrival rate', async () => {
    const summary = await runScenario(
      localScenario({
        executor: 'ramping-arrival-rate',
        startRate: 0,
        timeUnit: '1s',
        stages: [
          { duration: '2s', target: 100 },
          { duration: '1s', target: 100 },
        ],
        preAllocatedVUs: 10,
        maxVUs: 50,
      }),
      { targets: targets() },
    );
    expect(summary.iterations.scheduled).toBe(100 + 100);
    expect(summary.iterations.started + summary.iterations.dropped).toBe(200);
  }, 30_000);
});

describe('closed model', () => {
  it('runs constant VUs back to back', async () => {
    const summary = await runScenario(localScenario({ executor: 'constant-vus', vus: 5, duration: '2s' }), { targets: targets() });
    expect(summary.vus).toEqual({ max: 5, allocated: 5 });
    expect(summary.iterations.completed).toBeGreaterThan(0);
    expect(summary.iterations.completed).toBe(summary.iterations.started);
    expect(summary.iterations.dropped).toBe(0);
    expect(summary.requests.total).toBe(summary.iterations.completed);
  }, 30_000);

  it('gives the same counts through undici (LOAD_HTTP_CLIENT=undici) as through its own client', async () => {
    for (const env of [{ LOAD_HTTP_CLIENT: 'undici' }, { LOAD_HTTP_CLIENT: 'builtin' }]) {
      server.requests.length = 0;
      const summary = await runScenario(localScenario({ executor: 'constant-vus', vus: 3, duration: '1s' }), { targets: targets(), env });
      expect(summary.requests.total, env.LOAD_HTTP_CLIENT).toBeGreaterThan(0);
      expect(summary.requests.failed, env.LOAD_HTTP_CLIENT).toBe(0);
      expect(server.requests.length, env.LOAD_HTTP_CLIENT).toBe(summary.requests.total);
    }
    await expect(
      runScenario(localScenario({ executor: 'constant-vus', vus: 1, duration: '1s' }), {
        targets: targets(),
        env: { LOAD_HTTP_CLIENT: 'curl' },
      }),
    ).rejects.toThrow(/LOAD_HTTP_CLIENT must be one of builtin, undici, not "curl"/);
  }, 30_000);

  it('ramps VUs up and down through stages', async () => {
    const summary = await runScenario(
      localScenario({
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: '1s', target: 4 },
          { duration: '1s', target: 4 },
          { duration: '1s', target: 0 },
        ],
      }),
      { targets: targets() },
    );
    expect(summary.vus).toEqual({ max: 4, allocated: 4 });
    expect(summary.iterations.completed).toBeGreaterThan(0);
  }, 30_000);

  it('cuts iterations that outlast the graceful stop, and counts them as interrupted, not failed', async () => {
    server.fault = { kind: 'delay', ms: 2_000 };
    const summary = await runScenario(localScenario({ executor: 'constant-vus', vus: 2, duration: '500ms', gracefulStop: '200ms' }), {
      targets: targets(),
    });
    expect(summary.iterations).toMatchObject({ started: 2, completed: 0, interrupted: 2 });
    expect(summary.requests.total).toBe(0);
    expect(summary.interrupted).toBe(false);
  }, 30_000);
});

describe('stopping', () => {
  it('stops at once on its signal and still returns a summary', async () => {
    server.fault = { kind: 'delay', ms: 2_000 };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const summary = await runScenario(localScenario({ executor: 'constant-vus', vus: 3, duration: '1m' }), {
      targets: targets(),
      signal: controller.signal,
    });
    expect(summary.interrupted).toBe(true);
    expect(summary.iterations.interrupted).toBe(3);
    expect(summary.iterations.completed).toBe(0);
  }, 10_000);
});
