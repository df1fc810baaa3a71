import { afterEach, describe, expect, it } from 'vitest';
import { capture, startFakeControl, type FakeControl } from '../../test/fixtures/fake-control.ts';
import { main } from '../main.ts';
import { injectCommand } from './inject.command.ts';

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
