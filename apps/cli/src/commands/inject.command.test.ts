import { afterEach, describe, expect, it } from 'vitest';
import type { BusinessService } from '@archaics/contracts';
import { capture, startFakeControl, type FakeControl } from '../../test/fixtures/fake-control.ts';
import { main } from '../main.ts';
import { UsageError } from './command.ts';
import { injectCommand, parseFault } from './inject.command.ts';

let fake: FakeControl | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function inject(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(['inject', ...args], { env, cwd: process.cwd(), stdout: io.stdout, stderr: io.stderr });
  return { code, out: io.out(), err: io.err() };
}

describe(injectCommand.name, () => {
  it('sends the fault as the query of POST /inject-failure with the chaos token', async () => {
    const failure = {
      type: 'timeout',
      intensity: 3,
      probability: 0.25,
      started_at: '2026-01-15T10:30:00.000Z',
      expires_at: '2026-01-15T10:31:30.000Z',
      remaining_s: 90,
    };
    fake = await startFakeControl(() => ({ status: 200, body: { status: 'injected', service: 'db-service', failure } }));
    const result = await inject(['db', 'timeout', '-i', '3', '-p', '0.25', '-d', '1m30s'], {
      DB_SERVICE_URL: fake.url,
      CHAOS_TOKEN: 'tok',
    });
    expect(result.code, result.err).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      url: '/inject-failure?type=timeout&intensity=3&probability=0.25&duration=90',
      headers: { authorization: 'Bearer tok' },
    });
    expect(result.out).toContain('db-service: timeout injected — intensity 3, probability 0.25, for 1m 30s (until 10:31:30 UTC)');
  });

  it('shows the detail of a fault the service refuses, and exits 2', async () => {
    fake = await startFakeControl(() => ({ status: 400, body: { error: 'bad_request', detail: 'cpu is disabled on this host' } }));
    const result = await inject(['product', 'cpu'], { PRODUCT_SERVICE_URL: fake.url, CHAOS_TOKEN: 'tok' });
    expect(result.code).toBe(2);
    expect(result.err).toBe('archaics inject: product-service refused the fault: cpu is disabled on this host (bad_request)\n');
  });
});

describe(parseFault.name, () => {
  const values = (options: Record<string, string>): Parameters<typeof parseFault>[2] => ({ json: false, ...options });

  it('takes the parameters of SPEC 2.1, in the order the query sends them, and the full name of a short target', () => {
    expect(parseFault('db-service', 'latency', values({ ms: '300', jitter: '0.5', duration: '2m' }))).toEqual({
      type: 'latency',
      duration: 120,
      ms: 300,
      jitter: 0.5,
    });
    expect(parseFault('product-service', 'error', values({ status: '503', route: '/cart/add' }))).toEqual({
      type: 'error',
      status: 503,
      route: '/cart/add',
    });
    expect(parseFault('product-service', 'partition', values({ target: 'db' }))).toEqual({ type: 'partition', target: 'db-service' });
    expect(parseFault('payment-service', 'blackhole', values({ target: 'auth-service' }))).toEqual({
      type: 'blackhole',
      target: 'auth-service',
    });
    expect(parseFault('db-service', 'timeout', values({ route: 'products/:id' }))).toEqual({ type: 'timeout', route: '/products/:id' });
    expect(parseFault('auth-service', 'leak', values({ intensity: '4' }))).toEqual({ type: 'leak', intensity: 4 });
  });

  it('refuses what the contracts rule out, naming the option', () => {
    const cases: Array<[BusinessService, string, Record<string, string>, RegExp]> = [
      ['db-service', 'slow', {}, /^unknown fault type "slow"; one of timeout, error, cpu, crash, bad_data, latency, leak$/],
      ['auth-service', 'bad_data', {}, /^bad_data applies to db-service only/],
      [
        'db-service',
        'partition',
        { target: 'auth' },
        /^partition breaks an edge, and db-service calls no other service; .*product or payment/,
      ],
      ['auth-service', 'blackhole', {}, /^blackhole breaks an edge/],
      ['product-service', 'partition', {}, /^partition needs --target: .*\(auth or db\)$/],
      ['db-service', 'latency', { ms: '0' }, /^--ms must be an integer 1\.\.30000, got "0"$/],
      ['db-service', 'latency', { ms: '30001' }, /^--ms must be an integer 1\.\.30000/],
      ['db-service', 'latency', { jitter: '1.5' }, /^--jitter must be a number 0\.\.1, got "1\.5"$/],
      ['db-service', 'timeout', { ms: '300' }, /^--ms goes with latency only, not timeout$/],
      ['db-service', 'error', { jitter: '0.1' }, /^--jitter goes with latency only, not error$/],
      ['db-service', 'latency', { status: '503' }, /^--status goes with error only, not latency$/],
      ['product-service', 'error', { status: '404' }, /^--status must be one of 500, 502, 503, 429, got "404"$/],
      [
        'product-service',
        'error',
        { route: '/checkout' },
        /^--route "\/checkout" is not a route of product-service; one of \/cart, \/cart\/add/,
      ],
      ['product-service', 'error', { route: '/cart', target: 'db' }, /^give --route or --target, not both/],
      ['product-service', 'cpu', { route: '/cart' }, /^--route does not go with cpu: cpu, leak, crash act on the whole process$/],
      ['product-service', 'crash', { target: 'db' }, /^--target does not go with crash/],
      ['db-service', 'leak', { route: '/products' }, /^--route does not go with leak/],
      ['db-service', 'error', { target: 'auth' }, /^--target: db-service calls no other service, .*product and payment do$/],
      ['product-service', 'latency', { target: 'payment' }, /^--target "payment" is not a service product-service calls; one of auth, db/],
    ];
    for (const [service, type, options, message] of cases) {
      const text = `${service} ${type} ${JSON.stringify(options)}`;
      expect(() => parseFault(service, type, values(options)), text).toThrow(UsageError);
      expect(() => parseFault(service, type, values(options)), text).toThrow(message);
    }
  });
});

describe(`${injectCommand.name} (SPEC 2.1)`, () => {
  const started = { intensity: 1, probability: 1, started_at: '2026-01-15T10:30:00.000Z', expires_at: null, remaining_s: null };

  it('sends latency, route and edge parameters, and prints the scope and the parameters', async () => {
    const answers = [
      { ...started, type: 'latency', scope: 'service', ms: 300, jitter: 0.5 },
      { ...started, type: 'error', scope: 'route:/cart/add', route: '/cart/add', status: 503 },
      { ...started, type: 'partition', scope: 'edge:db-service', target: 'db-service', probability: 0.5 },
    ];
    fake = await startFakeControl(() => ({ status: 200, body: { status: 'injected', service: 'x', failure: answers.shift() } }));
    const env = { DB_SERVICE_URL: fake.url, PRODUCT_SERVICE_URL: fake.url, CHAOS_TOKEN: 'tok' };
    const latency = await inject(['db', 'latency', '--ms', '300', '--jitter', '0.5'], env);
    const error = await inject(['product', 'error', '--status', '503', '--route', '/cart/add'], env);
    const partition = await inject(['product', 'partition', '--target', 'db', '-p', '0.5'], env);
    expect(fake.requests.map((r) => r.url)).toEqual([
      '/inject-failure?type=latency&ms=300&jitter=0.5',
      '/inject-failure?type=error&status=503&route=%2Fcart%2Fadd',
      '/inject-failure?type=partition&probability=0.5&target=db-service',
    ]);
    expect(latency.out).toBe(
      'db-service: latency injected — ms 300, jitter 0.5, intensity 1, probability 1, until reset\n' +
        '  see it: archaics status    undo it: archaics reset db\n',
    );
    expect(error.out).toBe(
      'product-service: error injected on route:/cart/add — status 503, intensity 1, probability 1, until reset\n' +
        '  see it: archaics status    undo it: archaics reset product --route /cart/add\n',
    );
    expect(partition.out).toBe(
      'product-service: partition injected on edge:db-service — intensity 1, probability 0.5, until reset\n' +
        '  see it: archaics status    undo it: archaics reset product --target db\n',
    );
  });

  it('sends nothing when an option is wrong, and exits 2 naming it', async () => {
    fake = await startFakeControl(() => ({ status: 500, body: {} }));
    const env = { PRODUCT_SERVICE_URL: fake.url, CHAOS_TOKEN: 'tok' };
    const result = await inject(['product', 'blackhole', '--route', '/cart'], env);
    expect(result.code).toBe(2);
    expect(result.err).toContain('archaics inject: blackhole needs --target');
    expect(fake.requests).toHaveLength(0);
  });
});
