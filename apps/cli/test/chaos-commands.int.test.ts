import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS_SERVICES, type HealthResponse } from '@archaics/contracts';
import { call, newUser, startTestStack, type TestStack } from '../../../e2e/support/test-stack.ts';
import { injectCommand } from '../src/commands/inject.command.ts';
import { loadCommand } from '../src/commands/load.command.ts';
import { resetCommand } from '../src/commands/reset.command.ts';
import { statusCommand } from '../src/commands/status.command.ts';
import { waitFor } from './fixtures/fake-stack.ts';
import { runCli, spawnCli } from './fixtures/run-cli.ts';

// Below the ephemeral port range (32768+): every port of the stack, 8099 + offset included.
const OFFSET = 13_000;
let stack: TestStack;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await startTestStack({ portOffset: OFFSET });
  env = { ARCHAICS_HOME: stack.home, ARCHAICS_PORT_OFFSET: String(OFFSET) };
});

afterAll(async () => {
  await stack?.stop();
});

async function health(service: (typeof BUSINESS_SERVICES)[number]): Promise<HealthResponse> {
  return (await call(`${stack.url(service)}/health`)).body as HealthResponse;
}

async function resetEverything(): Promise<void> {
  for (const service of BUSINESS_SERVICES) await call(`${stack.url(service)}/reset`, { method: 'POST', token: stack.token });
}

/** Requests to db-service's /products, a few at a time, until `until` settles (at most a minute). */
async function trafficDuring<T>(until: Promise<T>): Promise<T> {
  let done = false;
  const end = Date.now() + 60_000;
  const loop = async (): Promise<void> => {
    while (!done && Date.now() < end) await call(`${stack.url('db-service')}/products`).catch(() => undefined);
  };
  const loops = [loop(), loop(), loop()];
  try {
    return await until;
  } finally {
    done = true;
    await Promise.all(loops);
  }
}

describe(`archaics ${statusCommand.name}`, { timeout: 60_000 }, () => {
  it("shows every service up with its uptime, no fault, and the supervisor's processes", async () => {
    const result = await runCli(['status'], env);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^ {2}service +health +uptime +fault +rps +errors +p95 +cpu +process +restarts$/);
    for (const service of BUSINESS_SERVICES) {
      expect(result.stdout).toMatch(new RegExp(`^  ${service} +up +\\d+[smhd].* none +\\d+\\.\\d +\\d+\\.\\d% .* running +0$`, 'm'));
    }
    expect(result.stdout).toContain(`supervisor  http://127.0.0.1:${8099 + OFFSET}`);
  });

  it('measures requests per second, error ratio and p95 between two scrapes', async () => {
    await call(`${stack.url('db-service')}/inject-failure?type=error&probability=1&duration=20`, { method: 'POST', token: stack.token });
    try {
      const result = await trafficDuring(runCli(['status', '--json', '--window', '1'], env));
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as {
        services: Array<{ service: string; rps: number; error_ratio: number; p95_ms: number | null }>;
      };
      const db = report.services.find((s) => s.service === 'db-service');
      expect(db?.rps).toBeGreaterThan(5);
      expect(db?.error_ratio).toBe(1);
      expect(db?.p95_ms).toBeGreaterThan(0);
      expect(report.services.find((s) => s.service === 'payment-service')?.rps ?? 0).toBe(0);
    } finally {
      await resetEverything();
    }
  });

  it('shows the CPU a cpu fault burns', async () => {
    await call(`${stack.url('product-service')}/inject-failure?type=cpu&intensity=10&duration=120`, { method: 'POST', token: stack.token });
    try {
      const result = await runCli(['status', '--json', '--window', '1'], env);
      const report = JSON.parse(result.stdout) as {
        services: Array<{ service: string; cpu_cores: number | null; failure: { type: string } | null }>;
      };
      const product = report.services.find((s) => s.service === 'product-service');
      expect(product?.failure?.type).toBe('cpu');
      // An idle service uses about 1% of a core; the burner wants all of them (a loaded machine gives it less).
      expect(product?.cpu_cores).toBeGreaterThan(0.1);
    } finally {
      await resetEverything();
    }
  });

  it('shows a crashed service restarted by the supervisor', async () => {
    const before = await health('payment-service');
    await call(`${stack.url('payment-service')}/inject-failure?type=crash&probability=1`, { method: 'POST', token: stack.token });
    await waitFor(
      'payment-service restarted',
      async () => {
        const now = await call(`${stack.url('payment-service')}/health`, { timeoutMs: 500 }).catch(() => undefined);
        return now?.status === 200 && (now.body as HealthResponse).uptime_s < before.uptime_s ? true : undefined;
      },
      20_000,
    );
    type Report = {
      services: Array<{ service: string; up: boolean; supervisor: { state: string; restarts: number } }>;
      supervisor: { running: boolean };
    };
    // The child answers /health a moment before the supervisor's own probe marks it running again.
    const report = await waitFor('the supervisor to show payment-service running', async () => {
      const result = await runCli(['status', '--json', '--window', '0.2'], env);
      const parsed = JSON.parse(result.stdout) as Report;
      return parsed.services.find((s) => s.service === 'payment-service')?.supervisor.state === 'running' ? parsed : undefined;
    });
    expect(report.supervisor.running).toBe(true);
    expect(report.services.find((s) => s.service === 'payment-service')).toMatchObject({
      up: true,
      supervisor: { state: 'running', restarts: 1 },
    });
  });
});

describe(`archaics ${injectCommand.name}`, { timeout: 60_000 }, () => {
  it('injects a fault that status then shows with its time left', async () => {
    try {
      const inject = await runCli(['inject', 'db', 'timeout', '--intensity', '2', '--probability', '0.4', '--duration', '60'], env);
      expect(inject.code, inject.stderr).toBe(0);
      expect(inject.stdout).toMatch(
        /^db-service: timeout injected — intensity 2, probability 0\.4, for 1m 00s \(until \d{2}:\d{2}:\d{2} UTC\)$/m,
      );
      expect((await health('db-service')).failure).toMatchObject({ type: 'timeout', intensity: 2, probability: 0.4 });

      const status = await runCli(['status', '--window', '0.2'], env);
      expect(status.stdout).toMatch(/^ {2}db-service +up +\S+ +timeout ×2 p=0\.4, (?:\d{1,2}|1m 00)s left /m);
      expect(status.stdout).toMatch(/^ {2}auth-service +up +\S+ +none /m);
      const json = JSON.parse((await runCli(['status', '--json', '--window', '0.2'], env)).stdout) as {
        services: Array<{ service: string; failure: { remaining_s: number } | null }>;
      };
      const remaining = json.services.find((s) => s.service === 'db-service')?.failure?.remaining_s ?? 0;
      expect(remaining).toBeGreaterThan(20);
      expect(remaining).toBeLessThanOrEqual(60);
    } finally {
      await resetEverything();
    }
  });

  it('takes full service names, a fault until reset, and prints the answer as JSON', async () => {
    try {
      const result = await runCli(['inject', 'auth-service', 'error', '-p', '0.3', '--json'], env);
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        status: 'injected',
        service: 'auth-service',
        failure: { type: 'error', probability: 0.3, expires_at: null },
      });
    } finally {
      await resetEverything();
    }
  });

  it('exits 1 when the service refuses the chaos token, saying where the token came from', async () => {
    const result = await runCli(['inject', 'db', 'error'], { ...env, CHAOS_TOKEN: 'not-the-token' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('db-service refused the chaos token (HTTP 403');
    expect(result.stderr).toContain('the token came from CHAOS_TOKEN');
    expect((await health('db-service')).failure).toBeNull();
  });
});

describe(`archaics ${resetCommand.name}`, { timeout: 60_000 }, () => {
  it('resets one service and says what it cleared', async () => {
    await call(`${stack.url('db-service')}/inject-failure?type=bad_data`, { method: 'POST', token: stack.token });
    const result = await runCli(['reset', 'db', '--reason', 'bad data seen'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('reason: bad data seen\ndb-service: reset — cleared bad_data\n');
    expect((await health('db-service')).failure).toBeNull();
  });

  it('halts all: resets every service, reports each, and prints the reason', async () => {
    await call(`${stack.url('db-service')}/inject-failure?type=timeout&duration=120`, { method: 'POST', token: stack.token });
    await call(`${stack.url('auth-service')}/inject-failure?type=error&probability=0.5`, { method: 'POST', token: stack.token });
    const result = await runCli(['reset', '--all', '--reason', 'experiment over'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('halt-all: resetting every service — reason: experiment over');
    expect(result.stdout).toMatch(/^ {2}auth-service +reset +cleared error$/m);
    expect(result.stdout).toMatch(/^ {2}db-service +reset +cleared timeout$/m);
    expect(result.stdout).toMatch(/^ {2}product-service +reset +no fault was active$/m);
    expect(result.stdout).toContain('every service reset (4)');
    for (const service of BUSINESS_SERVICES) expect((await health(service)).failure, service).toBeNull();
  });
});

describe(`archaics ${injectCommand.name} and ${resetCommand.name} with scopes (SPEC 2.1)`, { timeout: 60_000 }, () => {
  it('injects a gray latency with --ms: db answers slower, and still answers', async () => {
    try {
      const result = await runCli(['inject', 'db', 'latency', '--ms', '300', '--jitter', '0.5'], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^db-service: latency injected — ms 300, jitter 0\.5, intensity 1, probability 1, until reset$/m);
      expect((await health('db-service')).failure).toMatchObject({ type: 'latency', scope: 'service', ms: 300, jitter: 0.5 });
      const products = await call(`${stack.url('db-service')}/products`);
      expect(products.status).toBe(200);
      // Each delay is 300 ms × (1 ± 0.5 u): at least 150 ms.
      expect(products.ms).toBeGreaterThanOrEqual(140);
    } finally {
      await resetEverything();
    }
  });

  it('breaks the product → db edge with partition --target db, while db itself stays healthy', async () => {
    try {
      const user = await newUser(stack);
      const result = await runCli(['inject', 'product', 'partition', '--target', 'db'], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^product-service: partition injected on edge:db-service — intensity 1, probability 1, until reset$/m);
      expect(result.stdout).toContain('undo it: archaics reset product --target db');
      const products = await call(`${stack.url('product-service')}/products`, { token: user.jwt });
      expect(products).toMatchObject({ status: 502, body: { error: 'upstream_error', upstream: 'db-service' } });
      expect((await call(`${stack.url('db-service')}/products`)).status).toBe(200);
      const product = await health('product-service');
      expect(product.failure).toBeNull();
      expect(product.failures).toMatchObject([{ type: 'partition', scope: 'edge:db-service', target: 'db-service' }]);
      expect((await health('db-service')).failures).toEqual([]);
    } finally {
      await resetEverything();
    }
  });

  it('faults one route with --route and --status, and leaves the others alone', async () => {
    try {
      const user = await newUser(stack);
      const result = await runCli(['inject', 'product', 'error', '--status', '503', '--route', '/cart/add'], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        /^product-service: error injected on route:\/cart\/add — status 503, intensity 1, probability 1, until reset$/m,
      );
      const add = await call(`${stack.url('product-service')}/cart/add`, { token: user.jwt, body: { product_id: 'p1', quantity: 1 } });
      expect(add.status).toBe(503);
      expect((await call(`${stack.url('product-service')}/cart`, { token: user.jwt })).status).toBe(200);
      expect((await call(`${stack.url('product-service')}/products`, { token: user.jwt })).status).toBe(200);
    } finally {
      await resetEverything();
    }
  });

  it('shows each fault with its scope in status, and reset --target clears that one only', async () => {
    try {
      for (const args of [
        ['inject', 'product', 'latency', '--ms', '50'],
        ['inject', 'product', 'partition', '--target', 'db', '--probability', '0.5'],
      ]) {
        const result = await runCli(args, env);
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      }
      const status = await runCli(['status', '--window', '0.2'], env);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/^ {2}product-service +up +\S+ +2 faults \(below\) /m);
      expect(status.stdout).toMatch(/^ {2}service +fault +scope +parameters +time$/m);
      expect(status.stdout).toMatch(/^ {2}product-service +latency +service +ms=50 +until reset$/m);
      expect(status.stdout).toMatch(/^ {2}product-service +partition +edge:db-service +p=0\.5 +until reset$/m);
      expect(status.stdout).toMatch(/^ {2}db-service +up +\S+ +none /m);
      const json = JSON.parse((await runCli(['status', '--json', '--window', '0.2'], env)).stdout) as {
        services: Array<{ service: string; failure: { type: string } | null; failures: Array<{ type: string; scope: string }> }>;
      };
      const product = json.services.find((s) => s.service === 'product-service');
      expect(product?.failure?.type).toBe('latency');
      expect(product?.failures.map((f) => `${f.type} ${f.scope}`).sort()).toEqual(['latency service', 'partition edge:db-service']);

      const edge = await runCli(['reset', 'product', '--target', 'db'], env);
      expect(edge.code, edge.stderr).toBe(0);
      expect(edge.stdout).toBe('product-service: reset — cleared partition on edge:db-service\n');
      expect((await health('product-service')).failures).toMatchObject([{ type: 'latency', scope: 'service' }]);
      const again = await runCli(['reset', 'product', '--target', 'db'], env);
      expect(again.stdout).toBe('product-service: reset — no fault was active on edge:db-service\n');

      const inject = await runCli(['inject', 'product', 'error', '--status', '503', '--route', '/cart/add'], env);
      expect(inject.code, inject.stderr).toBe(0);
      const whole = await runCli(['reset', 'product', '--scope', 'service'], env);
      expect(whole.stdout).toBe('product-service: reset — cleared latency\n');
      expect((await health('product-service')).failures).toMatchObject([{ type: 'error', scope: 'route:/cart/add', status: 503 }]);

      const rest = await runCli(['reset', 'product'], env);
      expect(rest.stdout).toBe('product-service: reset — cleared error on route:/cart/add\n');
      expect((await health('product-service')).failures).toEqual([]);
    } finally {
      await resetEverything();
    }
  });
});

describe(`archaics ${loadCommand.name}`, { timeout: 60_000 }, () => {
  it('runs a scenario against the stack and prints the summary as JSON', async () => {
    const result = await runCli(['load', 'products', '--duration', '2s', '--rate', '10', '--json', '--quiet'], env);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      scenario: string;
      requests: { total: number; failed: number };
      targets: Record<string, string>;
      passed: boolean;
    };
    expect(summary).toMatchObject({ scenario: 'products', passed: true, targets: { product: `http://127.0.0.1:${8003 + OFFSET}` } });
    expect(summary.requests.total).toBeGreaterThanOrEqual(15);
    expect(summary.requests.failed).toBe(0);
  });

  it('injects the fault set with --with-failures and resets it afterwards', async () => {
    const result = await runCli(['load', 'normal', '--with-failures', '--vus', '2', '--duration', '3s', '--json', '--quiet'], env, {
      timeoutMs: 60_000,
    });
    expect([0, 99], result.stderr).toContain(result.code);
    const summary = JSON.parse(result.stdout) as {
      requests: { total: number };
      faults: { injected: Array<{ target: string; type: string }>; reset: Array<{ target: string; ok: boolean }> };
    };
    expect(summary.requests.total).toBeGreaterThan(0);
    expect(summary.faults.injected.map((f) => `${f.target} ${f.type}`).sort()).toEqual(['db timeout', 'product error']);
    expect(summary.faults.reset.every((r) => r.ok)).toBe(true);
    for (const service of BUSINESS_SERVICES) expect((await health(service)).failure, service).toBeNull();
  }, 70_000);

  it('injects the gray set with --with-failures --set gray, and refuses an unknown set', async () => {
    const result = await runCli(
      ['load', 'products', '--with-failures', '--set', 'gray', '--duration', '2s', '--rate', '5', '--json', '--quiet'],
      env,
      { timeoutMs: 60_000 },
    );
    expect([0, 99], result.stderr).toContain(result.code);
    const summary = JSON.parse(result.stdout) as {
      requests: { total: number; failed: number };
      faults: { injected: Array<{ target: string; type: string }>; reset: Array<{ ok: boolean }> };
    };
    expect(summary.faults.injected.map((f) => `${f.target} ${f.type}`).sort()).toEqual(['db latency', 'product error']);
    // The gray set stays inside the deadline and off GET /products: nothing fails, it is only slower.
    expect(summary.requests.failed).toBe(0);
    expect(summary.faults.reset.every((r) => r.ok)).toBe(true);
    for (const service of BUSINESS_SERVICES) expect((await health(service)).failures, service).toEqual([]);
    const unknown = await runCli(['load', 'products', '--with-failures', '--set', 'loud'], env);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toContain('--set must be one of seed, gray (got "loud")');
  }, 70_000);

  it('stops on Ctrl-C, still prints the summary and resets the faults it injected', async () => {
    const running = spawnCli(['load', 'products', '--with-failures', '--duration', '60s', '--rate', '5', '--json'], env);
    try {
      await waitFor('the progress line', () => (running.stderr().includes('products') ? true : undefined), 20_000);
      expect((await health('db-service')).failure?.type).toBe('timeout');
      running.child.kill('SIGINT');
      const result = await running.done;
      expect(result.code).toBe(105);
      expect(JSON.parse(result.stdout)).toMatchObject({ scenario: 'products', interrupted: true });
      for (const service of BUSINESS_SERVICES) expect((await health(service)).failure, service).toBeNull();
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it('prints a readable summary and lists the scenarios', async () => {
    const [run, list] = await Promise.all([
      runCli(['load', 'products', '--duration', '1s', '--rate', '5', '--quiet'], env),
      runCli(['load', '--list'], env),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^scenario products: /m);
    expect(run.stdout).toMatch(/thresholds: all passed/);
    for (const name of ['normal', 'spike', 'endurance', 'stress']) expect(list.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });
});
