import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveChaosToken } from '@archaics/runtime';
import { createControlClient, ControlRequestError } from '../src/supervisor/control.client.ts';
import type { ServiceStatus } from '../src/supervisor/control.types.ts';
import { readSupervisorFile } from '../src/supervisor/supervisor-file.ts';
import { AlreadyRunningError, PortInUseError, StartupError, startSupervisor, type Supervisor } from '../src/supervisor/supervisor.ts';
import { fakeStack, httpJson, isAlive, removeTempHomes, tempHome, waitFor } from './fixtures/fake-stack.ts';

afterAll(removeTempHomes);

const OFFSET = 23_100; // auth 31101, db 31102, product 31103, payment 31104, control 31199

function readLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

describe(startSupervisor.name, () => {
  let home: string;
  let token: string;
  let supervisor: Supervisor;
  const serviceOf = (name: string): ServiceStatus => {
    const found = supervisor.status().find((s) => s.name === name);
    if (!found) throw new Error(`no ${name}`);
    return found;
  };

  beforeAll(async () => {
    home = tempHome('supervisor');
    token = resolveChaosToken({}, home);
    supervisor = await startSupervisor({
      home,
      services: fakeStack(['auth-service', 'db-service', 'product-service', 'payment-service'], { FAKE_EXTRA: 'spec-env' }),
      chaosToken: token,
      portOffset: OFFSET,
      env: { ...process.env, AUTH_SERVICE_URL: '', DB_SERVICE_URL: 'http://127.0.0.1:9/user-set' },
    });
    await supervisor.waitHealthy(30_000);
  });

  afterAll(async () => {
    await supervisor?.stop();
  });

  it('starts every service and reports each as running once /health answers', async () => {
    const status = supervisor.status();
    expect(status.map((s) => [s.name, s.state, s.url])).toEqual([
      ['auth-service', 'running', 'http://127.0.0.1:31101'],
      ['db-service', 'running', 'http://127.0.0.1:31102'],
      ['product-service', 'running', 'http://127.0.0.1:31103'],
      ['payment-service', 'running', 'http://127.0.0.1:31104'],
    ]);
    for (const service of status) {
      expect(service.pid).toBeTypeOf('number');
      expect((await httpJson(`${service.url}/health`)).status).toBe(200);
    }
  });

  it('gives each child its port, the state folder, the token and the other services URLs', async () => {
    const { body } = await httpJson('http://127.0.0.1:31103/env');
    expect(body).toEqual({
      PORT: '31103',
      HOST: '127.0.0.1',
      ARCHAICS_HOME: home,
      ARCHAICS_SUPERVISED: '1',
      CHAOS_TOKEN_SHA256: createHash('sha256').update(token).digest('hex'),
      AUTH_SERVICE_URL: 'http://127.0.0.1:31101',
      DB_SERVICE_URL: 'http://127.0.0.1:9/user-set',
      FAKE_EXTRA: 'spec-env',
    });
  });

  it('writes supervisor.json with the control URL and the services', () => {
    const file = readSupervisorFile(home);
    expect(file).toMatchObject({
      pid: process.pid,
      control_url: 'http://127.0.0.1:31199',
      services: [
        { name: 'auth-service', url: 'http://127.0.0.1:31101' },
        { name: 'db-service', url: 'http://127.0.0.1:31102' },
        { name: 'product-service', url: 'http://127.0.0.1:31103' },
        { name: 'payment-service', url: 'http://127.0.0.1:31104' },
      ],
    });
  });

  it('restarts a crashed service with backoff, and it answers again', async () => {
    const before = serviceOf('db-service');
    const crashedAt = Date.now();
    expect((await httpJson('http://127.0.0.1:31102/crash', { method: 'POST' })).status).toBe(202);
    await waitFor('db-service to come back', () => {
      const now = serviceOf('db-service');
      return now.state === 'running' && now.pid !== before.pid ? now : undefined;
    });
    const recoveredMs = Date.now() - crashedAt;
    const after = serviceOf('db-service');
    expect(after.restarts).toBe(before.restarts + 1);
    expect(after.last_exit).toMatchObject({ code: 1, signal: null });
    expect((await httpJson('http://127.0.0.1:31102/health')).status).toBe(200);
    expect(recoveredMs).toBeLessThan(5_000);

    // A second crash right away waits twice as long.
    await httpJson('http://127.0.0.1:31102/crash', { method: 'POST' });
    await waitFor('db-service to come back again', () => {
      const now = serviceOf('db-service');
      return now.state === 'running' && now.pid !== after.pid ? now : undefined;
    });
    const events = readLines(join(home, 'logs', 'supervisor.log'))
      .map((line) => JSON.parse(line) as { message: string })
      .map((record) => record.message)
      .filter((message) => message.startsWith('db-service exited'));
    expect(events).toHaveLength(2);
    expect(events[0]).toContain('restarting in 250 ms');
    expect(events[1]).toContain('restarting in 500 ms');
  });

  it('answers the control interface only with the chaos token', async () => {
    const url = `${supervisor.controlUrl}/services`;
    expect((await httpJson(url)).status).toBe(401);
    expect((await httpJson(url, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(403);
    const listed = await httpJson(url, { headers: { Authorization: `Bearer ${token}` } });
    expect(listed.status).toBe(200);
    const services = listed.body as ServiceStatus[];
    expect(services.map((s) => s.name)).toEqual(['auth-service', 'db-service', 'product-service', 'payment-service']);
    expect(services[0]).toEqual({
      name: 'auth-service',
      url: 'http://127.0.0.1:31101',
      pid: expect.any(Number),
      state: 'running',
      restarts: expect.any(Number),
      last_exit: null,
      started_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('restarts one service through the control interface (202), 404 for an unknown one', async () => {
    const before = serviceOf('auth-service');
    const auth = { Authorization: `Bearer ${token}` };
    expect((await httpJson(`${supervisor.controlUrl}/services/auth-service/restart`, { method: 'POST' })).status).toBe(401);
    expect(
      (
        await httpJson(`${supervisor.controlUrl}/services/auth-service/restart`, {
          method: 'POST',
          headers: { Authorization: 'Bearer nope' },
        })
      ).status,
    ).toBe(403);
    const accepted = await httpJson(`${supervisor.controlUrl}/services/auth-service/restart`, { method: 'POST', headers: auth });
    expect(accepted).toEqual({ status: 202, body: { name: 'auth-service', restarting: true } });
    const unknown = await httpJson(`${supervisor.controlUrl}/services/nope-service/restart`, { method: 'POST', headers: auth });
    expect(unknown.status).toBe(404);

    const after = await waitFor('auth-service to be restarted', () => {
      const now = serviceOf('auth-service');
      return now.state === 'running' && now.pid !== before.pid ? now : undefined;
    });
    expect(after.restarts).toBe(before.restarts + 1);
    expect(after.last_exit).toMatchObject({ code: 0 });
    expect(isAlive(before.pid ?? -1)).toBe(false);
  });

  it('is reachable through the control client (supervisor.json and the token file)', async () => {
    const client = createControlClient({ home, env: {} });
    const services = await client.listServices();
    expect(services.map((s) => s.name)).toContain('payment-service');
    const before = serviceOf('payment-service');
    await expect(client.restartService('payment')).resolves.toEqual({ name: 'payment-service', restarting: true });
    await waitFor('payment-service to be restarted', () => {
      const now = serviceOf('payment-service');
      return now.state === 'running' && now.pid !== before.pid ? now : undefined;
    });
    await expect(client.restartService('nope')).rejects.toMatchObject({ status: 404 });
    await expect(createControlClient({ home, env: {}, token: 'wrong' }).listServices()).rejects.toBeInstanceOf(ControlRequestError);
  });

  it('stores every line as JSON, wrapping stderr and plain stdout lines', () => {
    const dir = join(home, 'logs');
    expect(readdirSync(dir).sort()).toEqual([
      'auth-service.log',
      'db-service.log',
      'payment-service.log',
      'product-service.log',
      'supervisor.log',
    ]);
    for (const file of readdirSync(dir)) {
      for (const line of readLines(join(dir, file))) expect(() => JSON.parse(line) as unknown, `${file}: ${line}`).not.toThrow();
    }
    const db = readLines(join(dir, 'db-service.log')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(db).toContainEqual({
      service: 'db-service',
      level: 'ERROR',
      message: 'fatal: crashing on purpose',
      timestamp: expect.stringMatching(/Z$/),
      stream: 'stderr',
    });
    expect(db).toContainEqual({
      service: 'db-service',
      level: 'INFO',
      message: 'plain text on stdout',
      timestamp: expect.any(String),
      stream: 'stdout',
    });
    // A JSON line is kept exactly as the service wrote it.
    expect(db).toContainEqual({
      service: 'db-service',
      level: 'ERROR',
      message: 'crash requested',
      timestamp: expect.any(String),
      trace_id: '0af7651916cd43dd8448eb211c80319c',
    });
  });

  it('refuses a second supervisor on the same state folder', async () => {
    await expect(
      startSupervisor({ home, services: fakeStack(['auth-service']), chaosToken: token, portOffset: OFFSET + 50 }),
    ).rejects.toBeInstanceOf(AlreadyRunningError);
  });

  it('stops every child, closes the control interface and removes supervisor.json', async () => {
    const pids = supervisor.pids();
    expect(pids.length).toBeGreaterThanOrEqual(7);
    await supervisor.stop();
    expect(pids.filter(isAlive)).toEqual([]);
    expect(supervisor.status().map((s) => s.state)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
    expect(existsSync(join(home, 'supervisor.json'))).toBe(false);
    await expect(fetch(`${supervisor.controlUrl}/health`)).rejects.toThrow();
  });
});

describe('log rotation', () => {
  it('rotates a service log by size and keeps three old files', async () => {
    const home = tempHome('rotation');
    const maxBytes = 64 * 1024;
    const supervisor = await startSupervisor({
      home,
      services: fakeStack(['db-service']),
      chaosToken: 't',
      portOffset: 23_200,
      logMaxBytes: maxBytes,
    });
    try {
      await supervisor.waitHealthy(30_000);
      // ~150 bytes a line: about 600 KB, many times the limit.
      expect((await httpJson('http://127.0.0.1:31202/spam?lines=4000', { method: 'POST' })).status).toBe(200);
      const logs = join(home, 'logs');
      await waitFor('the spam to be written', () => {
        const last = readLines(join(logs, 'db-service.log')).at(-1);
        return last?.includes('spam 3999') ? true : undefined;
      });
      const files = readdirSync(logs)
        .filter((file) => file.startsWith('db-service.log'))
        .sort();
      expect(files).toEqual(['db-service.log', 'db-service.log.1', 'db-service.log.2', 'db-service.log.3']);
      for (const file of files) {
        expect(statSync(join(logs, file)).size).toBeLessThanOrEqual(maxBytes);
        for (const line of readLines(join(logs, file))) expect(() => JSON.parse(line) as unknown).not.toThrow();
      }
      // No line is lost or split across the rotation boundary.
      const numbers = [...files]
        .reverse()
        .flatMap((file) => readLines(join(logs, file)))
        .map((line) => /spam (\d+) /.exec(line)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number);
      expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    } finally {
      await supervisor.stop();
    }
  });
});

describe(PortInUseError.name, () => {
  let blocker: Server;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(31302, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });

  it('is thrown before anything is spawned when a port is taken', async () => {
    const home = tempHome('port');
    const attempt = startSupervisor({ home, services: fakeStack(['auth-service', 'db-service']), chaosToken: 't', portOffset: 23_300 });
    await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
    await expect(attempt).rejects.toThrow('port 31302 (db-service) is already in use');
    expect(existsSync(join(home, 'logs', 'auth-service.log'))).toBe(false);
    expect(existsSync(join(home, 'supervisor.json'))).toBe(false);
    expect((await httpJson('http://127.0.0.1:31301/health').catch(() => null))?.status).toBeUndefined();
  });
});

describe(StartupError.name, () => {
  it('names the service that never became healthy and carries its last lines', async () => {
    const home = tempHome('startup');
    const services = [...fakeStack(['auth-service']), ...fakeStack(['db-service'], { FAKE_FAIL_AT_START: '1' })];
    const supervisor = await startSupervisor({ home, services, chaosToken: 't', portOffset: 23_400 });
    try {
      const error = await supervisor.waitHealthy(30_000).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StartupError);
      const startup = error as StartupError;
      expect(startup.message).toContain('db-service');
      expect(startup.message).not.toContain('auth-service');
      expect(startup.unhealthy[0]?.lastExit?.code).toBe(1);
      expect(startup.unhealthy[0]?.recent.map((r) => r.fields.message)).toContain('db-service: cannot open the database (on purpose)');
    } finally {
      await supervisor.stop();
    }
    expect(supervisor.pids().filter(isAlive)).toEqual([]);
  });
});

describe('stop timeout', () => {
  it('kills a child that ignores SIGTERM once the stop timeout has passed', async () => {
    const home = tempHome('stubborn');
    const supervisor = await startSupervisor({
      home,
      services: fakeStack(['auth-service'], { FAKE_IGNORE_SIGTERM: '1' }),
      chaosToken: 't',
      portOffset: 23_500,
      stopTimeoutMs: 500,
    });
    await supervisor.waitHealthy(30_000);
    const pids = supervisor.pids();
    await supervisor.stop();
    expect(pids.filter(isAlive)).toEqual([]);
    const messages = readLines(join(home, 'logs', 'supervisor.log')).map((line) => (JSON.parse(line) as { message: string }).message);
    expect(messages).toContain('auth-service did not stop within 500 ms; killing');
    expect(messages).toContain('auth-service stopped (signal SIGKILL)');
  });
});
