import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import { SERVICE_PORTS, SERVICE_URL_ENV } from '@archaics/contracts';
import { TELEMETRY_QUERY_PORT } from '@archaics/telemetry-query';
import type { Env } from '@archaics/runtime';

/** The repository root: services are started from here (their `--import tsx` resolves here). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** One process of the stack, as data: later issues append telemetry, detector, operator, dashboard. */
export interface ProcessSpec {
  readonly name: string;
  /** Folder of the process, relative to the repository root (or absolute). */
  readonly dir: string;
  /** Entry module, relative to `dir`; run with `node --import tsx`. */
  readonly entry: string;
  /** Canonical port; the port offset is added to it. */
  readonly port: number;
  /** Extra environment for this process only (wins over everything else). */
  readonly env: Readonly<Record<string, string>>;
  /** Path answering 200 when the process is ready; default `/health`. */
  readonly healthPath?: string;
  /** Variable through which the other processes find this one (e.g. `AUTH_SERVICE_URL`). */
  readonly urlEnv?: string;
  /** More ports of this process: variable name → canonical port (offset applied, checked, set for this process). */
  readonly extraPorts?: Readonly<Record<string, number>>;
  /** More URLs of this process for the others: variable name → canonical port (unless the user set the variable). */
  readonly extraUrls?: Readonly<Record<string, number>>;
}

export const DEFAULT_STACK: readonly ProcessSpec[] = Object.freeze([
  // First, so that the services' first spans have somewhere to go.
  {
    name: 'telemetry',
    dir: 'services/telemetry',
    entry: 'src/main.ts',
    port: SERVICE_PORTS.telemetry,
    env: {},
    urlEnv: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    extraPorts: { TELEMETRY_QUERY_PORT: TELEMETRY_QUERY_PORT },
    extraUrls: { TELEMETRY_QUERY_URL: TELEMETRY_QUERY_PORT },
  },
  {
    name: 'auth-service',
    dir: 'services/auth',
    entry: 'src/main.ts',
    port: SERVICE_PORTS['auth-service'],
    env: {},
    urlEnv: SERVICE_URL_ENV['auth-service'],
  },
  {
    name: 'db-service',
    dir: 'services/db',
    entry: 'src/main.ts',
    port: SERVICE_PORTS['db-service'],
    env: {},
    urlEnv: SERVICE_URL_ENV['db-service'],
  },
  {
    name: 'product-service',
    dir: 'services/product',
    entry: 'src/main.ts',
    port: SERVICE_PORTS['product-service'],
    env: {},
    urlEnv: SERVICE_URL_ENV['product-service'],
  },
  {
    name: 'payment-service',
    dir: 'services/payment',
    entry: 'src/main.ts',
    port: SERVICE_PORTS['payment-service'],
    env: {},
    urlEnv: SERVICE_URL_ENV['payment-service'],
  },
  {
    name: 'ai-operator',
    dir: 'services/ai-operator',
    entry: 'src/main.ts',
    port: SERVICE_PORTS['ai-operator'],
    env: {},
    urlEnv: SERVICE_URL_ENV['ai-operator'],
  },
  {
    name: 'anomaly-detector',
    dir: 'services/anomaly-detector',
    entry: 'src/main.ts',
    port: SERVICE_PORTS['anomaly-detector'],
    env: {},
    urlEnv: SERVICE_URL_ENV['anomaly-detector'],
  },
  // Last: it reads every other process; it builds its UI in the background on first start.
  { name: 'dashboard', dir: 'apps/dashboard', entry: 'src/server/main.ts', port: SERVICE_PORTS.dashboard, env: {} },
]);

/** Canonical port of the supervisor's control interface (before the offset). */
export const DEFAULT_CONTROL_PORT = 8099;

/** A spec with its port offset applied. */
export interface ResolvedProcess {
  readonly spec: ProcessSpec;
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly healthUrl: string;
  /** Absolute path of the entry module. */
  readonly entryPath: string;
  /** The spec's extra ports with the offset applied. */
  readonly extraPorts: ReadonlyArray<{ readonly env: string; readonly port: number }>;
}

export function resolveStack(specs: readonly ProcessSpec[], portOffset: number, repoRoot: string = REPO_ROOT): ResolvedProcess[] {
  const seenNames = new Set<string>();
  const seenPorts = new Set<number>();
  return specs.map((spec) => {
    const port = spec.port + portOffset;
    if (seenNames.has(spec.name)) throw new Error(`stack: service "${spec.name}" is listed twice`);
    if (seenPorts.has(port)) throw new Error(`stack: port ${port} is used by two services`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`stack: port of ${spec.name} is ${port} (${spec.port} + offset ${portOffset}), outside 1..65535`);
    }
    seenNames.add(spec.name);
    seenPorts.add(port);
    const url = `http://127.0.0.1:${port}`;
    const dir = isAbsolute(spec.dir) ? spec.dir : resolve(repoRoot, spec.dir);
    const extraPorts = Object.entries(spec.extraPorts ?? {}).map(([env, canonical]) => ({ env, port: canonical + portOffset }));
    for (const extra of extraPorts) {
      if (seenPorts.has(extra.port)) throw new Error(`stack: port ${extra.port} is used by two services`);
      seenPorts.add(extra.port);
    }
    return {
      spec,
      name: spec.name,
      port,
      url,
      healthUrl: `${url}${spec.healthPath ?? '/health'}`,
      entryPath: resolve(dir, spec.entry),
      extraPorts,
    };
  });
}

export interface ChildEnvInput {
  readonly baseEnv: Env;
  readonly home: string;
  readonly chaosToken: string;
  readonly stack: readonly ResolvedProcess[];
}

/**
 * The environment of one child: the parent's, then the stack's wiring (service URLs only
 * when the user has not set them), then what is fixed per process, then the spec's own.
 */
export function childEnv(process: ResolvedProcess, input: ChildEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.baseEnv)) if (value !== undefined) env[key] = value;
  for (const other of input.stack) {
    const name = other.spec.urlEnv;
    if (name && !input.baseEnv[name]?.trim()) env[name] = other.url;
    for (const [variable, canonical] of Object.entries(other.spec.extraUrls ?? {})) {
      if (!input.baseEnv[variable]?.trim()) env[variable] = `http://127.0.0.1:${canonical + (other.port - other.spec.port)}`;
    }
  }
  Object.assign(env, {
    PORT: String(process.port),
    HOST: '127.0.0.1',
    ARCHAICS_HOME: input.home,
    CHAOS_TOKEN: input.chaosToken,
    ARCHAICS_SUPERVISED: '1',
    // So that a process's own defaults (e.g. the dashboard's) match the shifted ports too.
    ARCHAICS_PORT_OFFSET: String(process.port - process.spec.port),
  });
  for (const extra of process.extraPorts) env[extra.env] = String(extra.port);
  Object.assign(env, process.spec.env);
  return env;
}

/** Reads a stack definition (a JSON array of {@link ProcessSpec}); used by `up --stack`. */
export function loadStackFile(path: string): ProcessSpec[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`stack file ${path}: ${(error as Error).message}`);
  }
  if (!Array.isArray(value) || value.length === 0) throw new Error(`stack file ${path}: expected a non-empty JSON array`);
  return value.map((item: unknown, index) => {
    const where = `stack file ${path}, entry ${index}`;
    if (typeof item !== 'object' || item === null) throw new Error(`${where}: expected an object`);
    const spec = item as Record<string, unknown>;
    for (const key of ['name', 'dir', 'entry'] as const) {
      if (typeof spec[key] !== 'string' || spec[key] === '') throw new Error(`${where}: "${key}" must be a non-empty string`);
    }
    if (!Number.isInteger(spec.port)) throw new Error(`${where}: "port" must be an integer`);
    const env = spec.env ?? {};
    if (typeof env !== 'object' || env === null || Object.values(env).some((v) => typeof v !== 'string')) {
      throw new Error(`${where}: "env" must be an object of strings`);
    }
    for (const key of ['healthPath', 'urlEnv'] as const) {
      if (spec[key] !== undefined && typeof spec[key] !== 'string') throw new Error(`${where}: "${key}" must be a string`);
    }
    return {
      name: spec.name as string,
      dir: spec.dir as string,
      entry: spec.entry as string,
      port: spec.port as number,
      env: env as Record<string, string>,
      ...(spec.healthPath === undefined ? {} : { healthPath: spec.healthPath as string }),
      ...(spec.urlEnv === undefined ? {} : { urlEnv: spec.urlEnv as string }),
    };
  });
}
