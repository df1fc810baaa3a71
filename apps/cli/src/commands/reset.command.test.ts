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
