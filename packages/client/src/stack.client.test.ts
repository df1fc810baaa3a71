import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MissingChaosTokenError, StackClient, StackRefusedError, StackUnreachableError, SupervisorNotFoundError } from './index.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** A real HTTP server that records every request and answers with `answer`. */
async function startServer(
  answer: (request: Seen) => { status: number; body?: unknown; delayMs?: number; text?: string },
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const request = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
    seen.push(request);
    const { status, body, delayMs = 0, text } = answer(request);
    const timer = setTimeout(() => {
      res.writeHead(status, { 'content-type': text === undefined ? 'application/json' : 'text/plain' });
      res.end(text ?? (body === undefined ? '' : JSON.stringify(body)));
    }, delayMs);
    res.once('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const failure = {
  type: 'timeout',
  intensity: 3,
  probability: 0.25,
  started_at: '2026-01-15T10:30:00.000Z',
  expires_at: null,
  remaining_s: null,
};
const home = mkdtempSync(join(tmpdir(), 'archaics-client-'));
let fake: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  fake = await startServer((request) => {
    if (request.url.startsWith('/slow')) return { status: 200, body: {}, delayMs: 2000 };
    if (request.url.startsWith('/health'))
      return { status: 200, body: { status: 'ok', service: 'db-service', version: '0.1.0', uptime_s: 3, failure: null } };
    if (request.url.startsWith('/inject-failure?type=nope'))
      return { status: 400, body: { error: 'bad_request', detail: 'type must be one of timeout, error' } };
    if (request.url.startsWith('/inject-failure')) return { status: 200, body: { status: 'injected', service: 'db-service', failure } };
    if (request.url.startsWith('/reset')) return { status: 200, body: { status: 'reset', service: 'db-service', cleared: 'timeout' } };
    if (request.url === '/services')
      return {
        status: 200,
        body: [{ name: 'db-service', url: 'http://x', pid: 1, state: 'running', restarts: 0, last_exit: null, started_at: null }],
      };
    if (request.url === '/services/nope/restart') return { status: 404, body: { error: 'not_found', detail: 'unknown service "nope"' } };
    if (request.url.startsWith('/incidents/inc%201/approve')) return { status: 202, body: { incident_id: 'inc 1', status: 'acting' } };
    if (request.url.startsWith('/incidents')) return { status: 200, body: [] };
    if (request.url.startsWith('/anomalies')) return { status: 200, body: { open: null, anomalies: [] } };
    if (request.url === '/baseline/reset') return { status: 202, body: { status: 'learning', baseline_required: 30 } };
    if (request.url.startsWith('/text')) return { status: 502, text: 'Bad Gateway\n' };
    return { status: 404, body: { error: 'not_found' } };
  });
});
afterEach(() => fake.seen.splice(0));
afterAll(async () => {
  await fake.close();
  rmSync(home, { recursive: true, force: true });
});

const client = (options: ConstructorParameters<typeof StackClient>[0] = {}): StackClient =>
  new StackClient({
    token: 'tok',
    home,
    targets: { services: { 'db-service': fake.url }, detector: fake.url, operator: fake.url, supervisor: fake.url },
    ...options,
  });

describe(StackClient.name, () => {
  it('encodes a fault as the query of POST /inject-failure: type first, then every parameter given', async () => {
    const answer = await client().services.inject('db-service', {
      type: 'timeout',
      intensity: 3,
      probability: 0.25,
      duration: undefined,
      route: '/cart/add',
      ms: 250,
    });
    expect(answer).toEqual({ status: 'injected', service: 'db-service', failure });
    expect(fake.seen[0]).toMatchObject({
      method: 'POST',
      url: '/inject-failure?type=timeout&intensity=3&probability=0.25&route=%2Fcart%2Fadd&ms=250',
    });
    await client().services.inject('db-service', { duration: 90, type: 'error' });
    expect(fake.seen[1]?.url).toBe('/inject-failure?type=error&duration=90');
  });

  it('sends the chaos token on control calls and none on /health', async () => {
    await client().services.health('db-service');
    await client().services.reset('db-service');
    await client().supervisor.listServices();
    await client().detector.resetBaseline();
    expect(fake.seen.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/health', undefined],
      ['/reset', 'Bearer tok'],
      ['/services', 'Bearer tok'],
      ['/baseline/reset', 'Bearer tok'],
    ]);
  });

  it('sends the reason in X-Archaics-Reason, non-ASCII percent-encoded, and none without a reason', async () => {
    await client().services.reset('db-service', { reason: 'drill: ünïcode too', scope: { route: '/cart/add' } });
    await client().services.reset('db-service');
    expect(fake.seen[0]).toMatchObject({
      url: '/reset?route=%2Fcart%2Fadd',
      headers: { 'x-archaics-reason': 'drill: %C3%BCn%C3%AFcode too' },
    });
    expect(fake.seen[1]?.headers['x-archaics-reason']).toBeUndefined();
  });

  it('clears one scope by its target or by the label /health gives it', async () => {
    await client().services.reset('db-service', { scope: { target: 'db-service' } });
    await client().services.reset('db-service', { scope: 'service' });
    await client().services.reset('db-service', { scope: 'route:/cart/add' });
    expect(fake.seen.map((r) => r.url)).toEqual(['/reset?target=db-service', '/reset?scope=service', '/reset?scope=route%3A%2Fcart%2Fadd']);
  });

  it('reads the token from CHAOS_TOKEN, else the state folder, once; CHAOS_OPEN=1 sends none; else it says where the token should be', async () => {
    const fromEnv = client({ token: undefined, env: { CHAOS_TOKEN: ' from-env ' } });
    await fromEnv.services.reset('db-service');
    expect(fromEnv.credential()).toEqual({ token: 'from-env', source: 'CHAOS_TOKEN' });

    const noToken = client({ token: undefined, env: {} });
    await expect(noToken.services.inject('db-service', { type: 'error' })).rejects.toThrow(MissingChaosTokenError);
    await expect(noToken.services.reset('db-service')).rejects.toThrow(
      `no chaos token: set CHAOS_TOKEN, or start the stack (\`npm start\` writes ${join(home, 'chaos-token')})`,
    );
    // Reads that take the token when there is one still go without it.
    await expect(noToken.operator.incidents()).resolves.toEqual([]);

    const open = client({ token: undefined, env: { CHAOS_OPEN: '1' } });
    await open.services.reset('db-service');

    writeFileSync(join(home, 'chaos-token'), 'from-file\n', { mode: 0o600 });
    const fromFile = client({ token: undefined, env: {} });
    await fromFile.services.reset('db-service');
    expect(fromFile.credential()).toEqual({ token: 'from-file', source: join(home, 'chaos-token') });
    rmSync(join(home, 'chaos-token'));
    await fromFile.services.reset('db-service');

    expect(fake.seen.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/reset', 'Bearer from-env'],
      ['/incidents', undefined],
      ['/reset', undefined],
      ['/reset', 'Bearer from-file'],
      ['/reset', 'Bearer from-file'],
    ]);
  });

  it('gives up at the deadline, the client-wide one or the call’s own', async () => {
    const slow = new StackClient({ token: null, timeoutMs: 150, targets: { operator: `${fake.url}/slow` } });
    const started = performance.now();
    const error = await slow.operator.health().catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(error).toBeInstanceOf(StackUnreachableError);
    expect(error).toMatchObject({
      target: 'ai-operator',
      timedOut: true,
      reason: 'no answer within 150 ms',
      url: `${fake.url}/slow/health`,
      baseUrl: `${fake.url}/slow`,
    });
    await expect(slow.operator.health({ timeoutMs: 80 })).rejects.toMatchObject({ reason: 'no answer within 80 ms' });
  });

  it('names the target, its URL and the cause when nothing listens', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const error = await new StackClient({ token: 'tok', targets: { services: { 'payment-service': down } } }).services
      .health('payment-service')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackUnreachableError);
    expect(error).toMatchObject({
      message: `payment-service is not answering at ${down} (connection refused)`,
      timedOut: false,
      url: `${down}/health`,
    });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('throws the status and the {error, detail} body of a refusal', async () => {
    const error = await client()
      .services.inject('db-service', { type: 'nope' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackRefusedError);
    expect(error).toMatchObject({
      target: 'db-service',
      status: 400,
      error: 'bad_request',
      detail: 'type must be one of timeout, error',
      body: { error: 'bad_request', detail: 'type must be one of timeout, error' },
      message: 'db-service refused (HTTP 400): type must be one of timeout, error (bad_request)',
    });
    await expect(client().supervisor.restartService('nope')).rejects.toMatchObject({
      status: 404,
      message: 'the supervisor refused (HTTP 404): unknown service "nope" (not_found)',
    });
  });

  it('keeps a body that is not JSON as its text', async () => {
    const error = await new StackClient({ token: null, targets: { services: { 'auth-service': `${fake.url}/text` } } }).services
      .health('auth-service')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, body: 'Bad Gateway\n', reason: 'Bad Gateway' });
  });

  it('calls the operator, the detector and the supervisor on their routes', async () => {
    const c = client();
    await expect(c.operator.approve('inc 1')).resolves.toEqual({ incident_id: 'inc 1', status: 'acting' });
    await c.operator.incidents({ limit: 100 });
    await c.detector.anomalies({ limit: 200 });
    await expect(c.supervisor.listServices()).resolves.toHaveLength(1);
    expect(fake.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /incidents/inc%201/approve',
      'GET /incidents?limit=100',
      'GET /anomalies?limit=200',
      'GET /services',
    ]);
  });

  it('finds the supervisor through supervisor.json at each call', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'archaics-client-sup-'));
    try {
      const supervised = new StackClient({ token: 'tok', home: folder });
      await expect(supervised.supervisor.listServices()).rejects.toThrow(SupervisorNotFoundError);
      await expect(supervised.supervisor.listServices()).rejects.toThrow(`no supervisor found for ${folder}`);
      writeFileSync(join(folder, 'supervisor.json'), JSON.stringify({ pid: 1, control_url: `${fake.url}/`, started_at: '', services: [] }));
      await expect(supervised.supervisor.listServices()).resolves.toHaveLength(1);
      expect(fake.seen.at(-1)?.url).toBe('/services');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses to call a part it was given no URL for', async () => {
    await expect(new StackClient({ token: null }).services.health('db-service')).rejects.toThrow('no URL given for db-service');
    await expect(new StackClient({ token: null }).detector.health()).rejects.toThrow('no URL given for the anomaly-detector');
  });
});
