import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { capture, startFakeControl, type FakeControl } from '../../test/fixtures/fake-control.ts';
import { main } from '../main.ts';
import { resetCommand } from './reset.command.ts';

const fakes: FakeControl[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

async function reset(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(['reset', ...args], { env, cwd: process.cwd(), stdout: io.stdout, stderr: io.stderr });
  return { code, out: io.out(), err: io.err() };
}

/** A loopback port that nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(resetCommand.name, () => {
  it('sends the reason in X-Archaics-Reason to every service and goes on past the ones that fail', async () => {
    const ok = await startFakeControl(() => ({ status: 200, body: { status: 'reset', service: 'x', cleared: 'error' } }));
    const broken = await startFakeControl(() => ({ status: 500, body: { error: 'internal', detail: 'disk full' } }));
    fakes.push(ok, broken);
    const down = `http://127.0.0.1:${await closedPort()}`;
    const env = {
      CHAOS_TOKEN: 'tok',
      AUTH_SERVICE_URL: ok.url,
      DB_SERVICE_URL: broken.url,
      PRODUCT_SERVICE_URL: ok.url,
      PAYMENT_SERVICE_URL: down,
    };
    const result = await reset(['--all', '--reason', 'drill: ünïcode too'], env);
    expect(result.code).toBe(1);
    expect(ok.requests).toHaveLength(2);
    for (const request of [...ok.requests, ...broken.requests]) {
      expect(request).toMatchObject({
        method: 'POST',
        url: '/reset',
        headers: { authorization: 'Bearer tok', 'x-archaics-reason': 'drill: %C3%BCn%C3%AFcode too' },
      });
    }
    expect(result.out).toContain('halt-all: resetting every service — reason: drill: ünïcode too');
    expect(result.out).toMatch(/^ {2}auth-service +reset +cleared error$/m);
    expect(result.out).toMatch(/^ {2}db-service +FAILED +db-service refused \(HTTP 500\): disk full \(internal\)$/m);
    expect(result.out).toContain(`payment-service  FAILED   payment-service is not answering at ${down} (connection refused)`);
    expect(result.out).toContain('2 of 4 could not be reset');
    expect(result.err).toContain('archaics reset: db-service refused (HTTP 500): disk full (internal)');
  });

  it('sends no reason header for a single reset without --reason', async () => {
    const ok = await startFakeControl(() => ({ status: 200, body: { status: 'reset', service: 'db-service', cleared: null } }));
    fakes.push(ok);
    const result = await reset(['db'], { CHAOS_TOKEN: 'tok', DB_SERVICE_URL: ok.url });
    expect(result).toMatchObject({ code: 0, out: 'db-service: reset — no fault was active\n' });
    expect(ok.requests[0]?.headers['x-archaics-reason']).toBeUndefined();
  });
});

describe(`${resetCommand.name} (SPEC 2.1)`, () => {
  it('clears one scope with --route, --target or --scope, and names what it cleared', async () => {
    const answers = [
      {
        status: 'reset',
        service: 'product-service',
        cleared: 'partition',
        cleared_faults: [{ type: 'partition', scope: 'edge:db-service' }],
      },
      { status: 'reset', service: 'product-service', cleared: null, cleared_faults: [] },
      { status: 'reset', service: 'product-service', cleared: 'latency', cleared_faults: [{ type: 'latency', scope: 'service' }] },
      { status: 'reset', service: 'product-service', cleared: null, cleared_faults: [] },
      {
        status: 'reset',
        service: 'product-service',
        cleared: 'latency',
        cleared_faults: [
          { type: 'latency', scope: 'service' },
          { type: 'error', scope: 'route:/cart/add' },
        ],
      },
    ];
    const ok = await startFakeControl(() => ({ status: 200, body: answers.shift() }));
    fakes.push(ok);
    const env = { CHAOS_TOKEN: 'tok', PRODUCT_SERVICE_URL: ok.url };
    const edge = await reset(['product', '--target', 'db'], env);
    const route = await reset(['product', '--route', '/cart/add'], env);
    const whole = await reset(['product', '--scope', 'service'], env);
    const label = await reset(['product', '--scope', 'edge:db'], env);
    const all = await reset(['product'], env);
    expect(ok.requests.map((r) => r.url)).toEqual([
      '/reset?scope=edge%3Adb-service',
      '/reset?scope=route%3A%2Fcart%2Fadd',
      '/reset?scope=service',
      '/reset?scope=edge%3Adb-service',
      '/reset',
    ]);
    expect(whole).toMatchObject({ code: 0, out: 'product-service: reset — cleared latency\n' });
    expect(label).toMatchObject({ code: 0, out: 'product-service: reset — no fault was active on edge:db-service\n' });
    expect(edge).toMatchObject({ code: 0, out: 'product-service: reset — cleared partition on edge:db-service\n' });
    expect(route).toMatchObject({ code: 0, out: 'product-service: reset — no fault was active on route:/cart/add\n' });
    expect(all).toMatchObject({ code: 0, out: 'product-service: reset — cleared latency, error on route:/cart/add\n' });
  });

  it('refuses a scope it can check, sending nothing, and shows the service refusing one it cannot', async () => {
    const refusing = await startFakeControl(() => ({ status: 400, body: { error: 'bad_request', detail: 'target: not an upstream' } }));
    fakes.push(refusing);
    const env = { CHAOS_TOKEN: 'tok', PRODUCT_SERVICE_URL: refusing.url, DB_SERVICE_URL: refusing.url };
    const cases: Array<[string[], RegExp]> = [
      [['db', '--target', 'auth'], /--target: db-service calls no other service/],
      [['product', '--target', 'payment'], /--target "payment" is not a service product-service calls/],
      [['product', '--route', '/nope'], /--route "\/nope" is not a route of product-service; one of \/cart/],
      [['product', '--route', '/cart', '--target', 'db'], /give one of --route, --target or --scope, not --route and --target/],
      [['product', '--scope', 'everything'], /--scope "everything" is not a scope; one of service, route:<route>, edge:<service>/],
      [['product', '--scope', 'route:/nope'], /--route "\/nope" is not a route of product-service/],
      [['--all', '--scope', 'service'], /--scope clears one scope of one SERVICE, not with --all/],
      [['--all', '--target', 'db'], /--target clears one scope of one SERVICE, not with --all/],
    ];
    for (const [args, message] of cases) {
      const result = await reset(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toMatch(message);
    }
    expect(refusing.requests).toHaveLength(0);
    const refused = await reset(['product', '--target', 'db'], env);
    expect(refused).toMatchObject({
      code: 2,
      err: 'archaics reset: product-service refused the reset: target: not an upstream (bad_request)\n',
    });
  });
});
