import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSINESS_SERVICES, type BusinessService } from '@archaics/contracts';
import { resolveChaosToken } from '@archaics/runtime';
import { TELEMETRY_QUERY_PORT } from '@archaics/telemetry-query';
import { DEFAULT_STACK, startSupervisor, type ProcessSpec, type Supervisor } from '@archaics/cli';

/** The telemetry process and the four business services. */
export const CORE_STACK: readonly string[] = Object.freeze(['telemetry', ...BUSINESS_SERVICES]);
/** Every process `npm start` runs. */
export const ALL_STACK: readonly string[] = Object.freeze(DEFAULT_STACK.map((spec) => spec.name));

/** The whole local stack as `npm start` runs it, on shifted ports and a temp state folder. */
export interface TestStack {
  readonly home: string;
  readonly token: string;
  readonly supervisor: Supervisor;
  url(service: BusinessService): string;
  /** The telemetry process's query side (Jaeger's API, the logs API). */
  readonly queryUrl: string;
  /** Every line a service wrote to its log file, parsed. */
  logLines(service: BusinessService): Array<Record<string, unknown>>;
  /** The raw lines of a service's log file. */
  rawLogLines(service: BusinessService): string[];
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /**
   * Added to every canonical port (4318, 8001-8004, 8099, 16686). Each test file takes its
   * own multiple of 1000 up to 15 000, so that no two stacks share a port and every port
   * stays below Linux's ephemeral range (32768+), where outgoing connections take theirs.
   */
  portOffset: number;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /** Use a state folder that already exists (a restart of the stack). */
  home?: string;
  /**
   * Start only these processes of the default stack (by name). Default: {@link CORE_STACK},
   * the telemetry process and the four business services; tests of the detector, the
   * operator or the dashboard name them (or pass `ALL_STACK`), so that an operator never
   * resets a fault another test injected on purpose.
   */
  only?: readonly string[];
  /** Processes to start besides the default stack's. */
  extra?: readonly ProcessSpec[];
}

export async function startTestStack(options: TestStackOptions): Promise<TestStack> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'archaics-e2e-'));
  const token = resolveChaosToken({}, home);
  const env: Record<string, string | undefined> = { ...process.env, AUTH_SCRYPT_N: '1024', ...options.env };
  for (const name of [
    'AUTH_SERVICE_URL',
    'DB_SERVICE_URL',
    'PRODUCT_SERVICE_URL',
    'PAYMENT_SERVICE_URL',
    'CHAOS_TOKEN',
    'CHAOS_OPEN',
    'PORT',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'TELEMETRY_QUERY_URL',
    'TELEMETRY_QUERY_PORT',
    'JAEGER_URL',
    'LOKI_URL',
    'PROMETHEUS_URL',
  ]) {
    if (!options.env?.[name]) delete env[name];
  }
  const supervisor = await startSupervisor({
    home,
    services: [...DEFAULT_STACK.filter((spec) => (options.only ?? CORE_STACK).includes(spec.name)), ...(options.extra ?? [])],
    chaosToken: token,
    portOffset: options.portOffset,
    env,
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  await supervisor.waitHealthy(60_000);
  const logPath = (service: BusinessService): string => join(supervisor.logsDir, `${service}.log`);
  const rawLogLines = (service: BusinessService): string[] =>
    readFileSync(logPath(service), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  return {
    home,
    token,
    supervisor,
    url: (service) => supervisor.status().find((s) => s.name === service)?.url ?? `missing ${service}`,
    queryUrl: `http://127.0.0.1:${TELEMETRY_QUERY_PORT + options.portOffset}`,
    rawLogLines,
    logLines: (service) => rawLogLines(service).map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop() {
      await supervisor.stop();
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

export { BUSINESS_SERVICES };

/** fetch with JSON in and out; never throws on an HTTP status. */
export async function call(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; headers: Headers; body: any; ms: number }> {
  const start = performance.now();
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? null : JSON.stringify(init.body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 20_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body, ms: performance.now() - start };
}

/** Signs up and logs in a fresh user; returns its JWT. */
export async function newUser(
  stack: TestStack,
  email = `u${Date.now()}${Math.random().toString(16).slice(2, 8)}@example.com`,
): Promise<{ email: string; jwt: string; userId: string }> {
  const password = 'secure-password-1';
  const signup = await call(`${stack.url('auth-service')}/signup`, { body: { email, password } });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
  const login = await call(`${stack.url('auth-service')}/login`, { body: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { email, jwt: login.body.access_token, userId: signup.body.user_id };
}

/** Injects a fault with the stack's chaos token. */
export async function inject(stack: TestStack, service: BusinessService, query: string): Promise<void> {
  const res = await call(`${stack.url(service)}/inject-failure?${query}`, { method: 'POST', token: stack.token });
  if (res.status !== 200) throw new Error(`inject ${service} ${query}: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function resetAll(stack: TestStack): Promise<void> {
  for (const service of BUSINESS_SERVICES) {
    await call(`${stack.url(service)}/reset`, { method: 'POST', token: stack.token }).catch(() => undefined);
  }
}
