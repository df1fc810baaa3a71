import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUSINESS_SERVICES, type FailureState } from '@archaics/contracts';
import { capture, startFakeControl, type FakeControl } from '../../test/fixtures/fake-control.ts';
import { main } from '../main.ts';
import { describeFailure, statusCommand } from './status.command.ts';

const fakes: FakeControl[] = [];
const homes: string[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

const STARTED = { intensity: 1, probability: 1, started_at: '2026-01-15T10:30:00.000Z', expires_at: null, remaining_s: null };

/** Each business service played by a fake answering /health with these faults (and an empty /metrics page). */
async function status(faults: Partial<Record<string, FailureState[]>>): Promise<{ code: number; out: string; err: string }> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const service of BUSINESS_SERVICES) {
    const failures = faults[service] ?? [];
    const fake = await startFakeControl((request) => {
      if (request.url === '/metrics') return { status: 200, body: '' };
      const failure = failures.find((f) => f.scope === 'service') ?? null;
      return { status: 200, body: { status: 'healthy', service, version: '1.0.0', uptime_s: 42, failure, failures } };
    });
    fakes.push(fake);
    env[`${service.replace('-service', '').toUpperCase()}_SERVICE_URL`] = fake.url;
  }
  const home = mkdtempSync(join(tmpdir(), 'archaics-status-test-'));
  homes.push(home);
  env.ARCHAICS_HOME = home;
  const io = capture();
  const code = await main(['status', '--window', '0.2'], { env, cwd: home, stdout: io.stdout, stderr: io.stderr });
  return { code, out: io.out(), err: io.err() };
}

describe(statusCommand.name, () => {
  it('lists every active fault with its scope, parameters and time left', async () => {
    const result = await status({
      'db-service': [{ ...STARTED, type: 'latency', scope: 'service', ms: 300, jitter: 0.5 }],
      'product-service': [
        { ...STARTED, type: 'error', scope: 'route:/cart/add', route: '/cart/add', status: 503, remaining_s: 56.2 },
        { ...STARTED, type: 'partition', scope: 'edge:db-service', target: 'db-service', intensity: 2, probability: 0.5 },
      ],
      'payment-service': [{ ...STARTED, type: 'blackhole', scope: 'edge:auth-service', target: 'auth-service' }],
    });
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^ {2}db-service +up +42s +latency ms=300 jitter=0\.5 p=1, until reset +0\.0 /m);
    expect(result.out).toMatch(/^ {2}product-service +up +42s +2 faults \(below\) +0\.0 /m);
    expect(result.out).toMatch(/^ {2}payment-service +up +42s +blackhole on edge:auth-service, until reset +0\.0 /m);
    expect(result.out).toMatch(/^ {2}auth-service +up +42s +none +0\.0 /m);
    const faults = result.out.slice(result.out.indexOf('\n\n') + 2, result.out.indexOf('supervisor'));
    expect(faults.split('\n').filter((line) => line.trim() !== '')).toEqual([
      expect.stringMatching(/^ {2}service +fault +scope +parameters +time$/),
      expect.stringMatching(/^ {2}db-service +latency +service +ms=300 jitter=0\.5 +until reset$/),
      expect.stringMatching(/^ {2}product-service +error +route:\/cart\/add +status=503 +57s left$/),
      expect.stringMatching(/^ {2}product-service +partition +edge:db-service +intensity=2 p=0\.5 +until reset$/),
      expect.stringMatching(/^ {2}payment-service +blackhole +edge:auth-service +- +until reset$/),
    ]);
  });

  it('prints no fault list when no fault is active', async () => {
    const result = await status({});
    expect(result.code, result.err).toBe(0);
    for (const service of BUSINESS_SERVICES) expect(result.out).toMatch(new RegExp(`^  ${service} +up +42s +none `, 'm'));
    expect(result.out).not.toContain('parameters');
  });
});

describe(describeFailure.name, () => {
  it('describes a service-wide fault as the seed did', () => {
    expect(describeFailure({ ...STARTED, type: 'timeout', scope: 'service', intensity: 2, probability: 0.4, remaining_s: 56.2 })).toBe(
      'timeout ×2 p=0.4, 57s left',
    );
    expect(describeFailure({ ...STARTED, type: 'error', scope: 'service', status: 429, probability: 0.3 })).toBe(
      'error status=429 p=0.3, until reset',
    );
  });
});
