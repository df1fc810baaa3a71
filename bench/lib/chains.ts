import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileSize, type ProcessGroup, type RunningChild } from './child-processes.ts';
import { freePort } from './free-port.ts';
import { ownCpuSeconds, processCpuSeconds, systemBusySeconds } from './process-cpu.ts';

export const HOST = '127.0.0.1';
export const HOPS = ['product', 'auth', 'db'] as const;
export type Hop = (typeof HOPS)[number];

/** Three processes serving GET /products on `product` (auth /validate, then db /products). */
export interface Chain {
  readonly label: string;
  readonly kind: 'bare' | 'instrumented';
  readonly urls: Readonly<Record<Hop, string>>;
  readonly children: Readonly<Record<Hop, RunningChild>>;
  /** Authorization header value the chain accepts. */
  authorization: string;
  /** SIGTERM to the three processes; SIGKILL after `graceMs` (default 3 s). */
  stop(graceMs?: number): Promise<void>;
}

/** Where the bench runs from and writes to. */
export interface BenchPlace {
  root: string;
  home: string;
  logDir: string;
  group: ProcessGroup;
}

export interface InstrumentedSettings {
  /** OTLP/HTTP base endpoint; undefined = no export. */
  otlpEndpoint: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** TRACE_SAMPLE_RATIO; undefined = the service default (1). */
  sampleRatio?: number;
  /** When set, each process runs under `--cpu-prof` and writes its profile(s) to `<dir>/<hop>/` at exit. */
  cpuProfileDir?: string;
}

const SERVICE_DIRS: Readonly<Record<Hop, string>> = { product: 'product', auth: 'auth', db: 'db' };

/** The entry points of the real services, or the first one missing. */
export function serviceEntryPoints(root: string): { ok: true; scripts: Record<Hop, string> } | { ok: false; missing: string } {
  const scripts = {} as Record<Hop, string>;
  for (const hop of HOPS) {
    const script = join(root, 'services', SERVICE_DIRS[hop], 'src', 'main.ts');
    if (!existsSync(script)) return { ok: false, missing: script };
    scripts[hop] = script;
  }
  return { ok: true, scripts };
}

async function ports(): Promise<Record<Hop, number>> {
  return { product: await freePort(HOST), auth: await freePort(HOST), db: await freePort(HOST) };
}

function urlsOf(port: Record<Hop, number>): Record<Hop, string> {
  return { product: `http://${HOST}:${port.product}`, auth: `http://${HOST}:${port.auth}`, db: `http://${HOST}:${port.db}` };
}

async function startThree(
  place: BenchPlace,
  label: string,
  scripts: Record<Hop, string>,
  envOf: (hop: Hop, port: Record<Hop, number>, urls: Record<Hop, string>) => Record<string, string | undefined>,
  nodeArgsOf: (hop: Hop) => string[] = () => [],
): Promise<{ urls: Record<Hop, string>; children: Record<Hop, RunningChild> }> {
  const port = await ports();
  const urls = urlsOf(port);
  const start = (hop: Hop): Promise<RunningChild> =>
    place.group.start({
      name: `${label}-${hop}`,
      script: scripts[hop],
      env: envOf(hop, port, urls),
      logDir: place.logDir,
      healthUrl: `${urls[hop]}/health`,
      cwd: place.root,
      nodeArgs: nodeArgsOf(hop),
    });
  const started: RunningChild[] = [];
  try {
    const [auth, db] = await Promise.all([start('auth'), start('db')]);
    started.push(auth, db);
    const product = await start('product');
    return { urls, children: { product, auth, db } };
  } catch (error) {
    await Promise.all(started.map((child) => place.group.stop(child)));
    throw error;
  }
}

/** The bare node:http chain from bench/bare. */
export async function startBareChain(place: BenchPlace, label = 'bare'): Promise<Chain> {
  const scripts: Record<Hop, string> = {
    product: join(place.root, 'bench', 'bare', 'product.server.ts'),
    auth: join(place.root, 'bench', 'bare', 'auth.server.ts'),
    db: join(place.root, 'bench', 'bare', 'db.server.ts'),
  };
  const { urls, children } = await startThree(place, label, scripts, (hop, port, all) => ({
    PORT: String(port[hop]),
    HOST,
    AUTH_SERVICE_URL: all.auth,
    DB_SERVICE_URL: all.db,
  }));
  return {
    label,
    kind: 'bare',
    urls,
    children,
    authorization: 'Bearer bare-chain-token',
    stop: (graceMs) => Promise.all(HOPS.map((hop) => place.group.stop(children[hop], graceMs))).then(() => undefined),
  };
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

/** Signs one user up and logs in; returns the access token. */
export async function signupAndLogin(authUrl: string): Promise<string> {
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const password = `Bench-${randomBytes(6).toString('hex')}-pw!`;
  const signup = await postJson(`${authUrl}/signup`, { email, password });
  if (signup.status !== 201 && signup.status !== 409) {
    throw new Error(`auth POST /signup answered ${signup.status}: ${signup.text.slice(0, 300)}`);
  }
  const login = await postJson(`${authUrl}/login`, { email, password });
  const token = (login.body as { access_token?: unknown } | undefined)?.access_token;
  if (login.status !== 200 || typeof token !== 'string') {
    throw new Error(`auth POST /login answered ${login.status}: ${login.text.slice(0, 300)}`);
  }
  return token;
}

/** The real auth, db and product services, all instrumentation on, started with `settings`. */
export async function startInstrumentedChain(
  place: BenchPlace,
  label: string,
  scripts: Record<Hop, string>,
  settings: InstrumentedSettings,
  chaosToken: string,
  profileDirOf: (hop: Hop) => string = (hop) => join(settings.cpuProfileDir ?? '.', hop),
): Promise<Chain> {
  const { urls, children } = await startThree(
    place,
    label,
    scripts,
    (hop, port, all) => ({
      PORT: String(port[hop]),
      HOST,
      ARCHAICS_HOME: place.home,
      CHAOS_TOKEN: chaosToken,
      AUTH_SERVICE_URL: all.auth,
      DB_SERVICE_URL: all.db,
      OTEL_EXPORTER_OTLP_ENDPOINT: settings.otlpEndpoint,
      LOG_LEVEL: settings.logLevel,
      TRACE_SAMPLE_RATIO: settings.sampleRatio === undefined ? undefined : String(settings.sampleRatio),
      DB_PATH: ':memory:',
      AUTH_DB_PATH: ':memory:',
    }),
    (hop) => (settings.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDirOf(hop)}`] : []),
  );
  const stop = (graceMs?: number): Promise<void> =>
    Promise.all(HOPS.map((hop) => place.group.stop(children[hop], graceMs))).then(() => undefined);
  try {
    const token = await signupAndLogin(urls.auth);
    return { label, kind: 'instrumented', urls, children, authorization: `Bearer ${token}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One GET before the load, so a broken chain is reported instead of measured. */
export async function probe(url: string, authorization?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    headers: authorization ? { authorization } : {},
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, text: await response.text() };
}

/** CPU seconds per hop, of the load generator, of helpers, of the telemetry process and of the whole machine, and stdout bytes, at one instant. */
export interface ChainSnapshot {
  atS: number;
  cpuS: Record<Hop, number>;
  loadGenCpuS: number;
  /** Other processes of the bench that work during a run (the OTLP sink). */
  helperCpuS: number;
  /** The telemetry process (local span store) when one is given, else 0. */
  telemetryCpuS: number;
  systemBusyS: number;
  logBytes: number;
}

export function snapshot(chain: Chain, helpers: readonly RunningChild[] = [], telemetry?: RunningChild): ChainSnapshot {
  const cpuS = {} as Record<Hop, number>;
  let logBytes = 0;
  for (const hop of HOPS) {
    cpuS[hop] = processCpuSeconds(chain.children[hop].process.pid);
    logBytes += fileSize(chain.children[hop].stdoutPath);
  }
  const helperCpuS = helpers.reduce((sum, child) => sum + processCpuSeconds(child.process.pid), 0);
  return {
    atS: performance.now() / 1000,
    cpuS,
    loadGenCpuS: ownCpuSeconds(),
    helperCpuS,
    telemetryCpuS: telemetry ? processCpuSeconds(telemetry.process.pid) : 0,
    systemBusyS: systemBusySeconds(),
    logBytes,
  };
}
