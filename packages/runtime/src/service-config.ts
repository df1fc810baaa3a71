import { SERVICE_PORTS, SERVICE_URL_ENV, type BusinessService, type ServiceName } from '@archaics/contracts';
import { archaicsHome, resolveChaosToken } from './state-home.ts';
import { envReader, type Env } from './env.ts';
import { readOtlpHeaders } from './otlp-headers.ts';

/** What every service reads from its environment. */
export interface BaseServiceConfig {
  readonly service: string;
  readonly version: string;
  readonly host: string;
  readonly port: number;
  /** The state folder (`ARCHAICS_HOME`). */
  readonly home: string;
  readonly logLevel: string;
  readonly otlpEndpoint: string | undefined;
  readonly otlpProtocol: 'http/protobuf' | 'http/json';
  /** `OTEL_EXPORTER_OTLP_HEADERS` (+ `…_TRACES_HEADERS`): sent with every export request. */
  readonly otlpHeaders: Readonly<Record<string, string>>;
  readonly sampleRatio: number;
  /** null when `CHAOS_OPEN=1` lifts the check. */
  readonly chaosToken: string | null;
}

export const ARCHAICS_VERSION = '0.1.0';

/** Reads the base configuration of a service; a bad value throws a ConfigError naming it. */
export function readBaseConfig(service: ServiceName, env: Env = process.env): BaseServiceConfig {
  const read = envReader(env);
  const home = archaicsHome(env);
  const chaosOpen = read.bool('CHAOS_OPEN', false);
  return Object.freeze({
    service,
    version: ARCHAICS_VERSION,
    host: read.string('HOST', '127.0.0.1'),
    port: read.int('PORT', SERVICE_PORTS[service], { min: 0, max: 65_535 }),
    home,
    logLevel: read.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    otlpEndpoint: read.optionalString('OTEL_EXPORTER_OTLP_ENDPOINT'),
    otlpProtocol: read.oneOf('OTEL_EXPORTER_OTLP_PROTOCOL', ['http/protobuf', 'http/json'] as const, 'http/protobuf'),
    otlpHeaders: readOtlpHeaders(env),
    sampleRatio: read.number('TRACE_SAMPLE_RATIO', 1, { min: 0, max: 1 }),
    chaosToken: chaosOpen ? null : resolveChaosToken(env, home),
  });
}

/** Where a dependency is and how long a call to it may take. */
export interface UpstreamConfig {
  readonly url: string;
  readonly timeoutMs: number;
}

/** Reads `<NAME>_SERVICE_URL` and `<NAME>_TIMEOUT_MS` (default 1000) for a business service. */
export function readUpstreamConfig(upstream: BusinessService, env: Env = process.env): UpstreamConfig {
  const read = envReader(env);
  const urlVar = SERVICE_URL_ENV[upstream];
  const timeoutVar = urlVar.replace('_SERVICE_URL', '_TIMEOUT_MS');
  return Object.freeze({
    url: read.url(urlVar, `http://127.0.0.1:${SERVICE_PORTS[upstream]}`),
    timeoutMs: read.int(timeoutVar, 1000, { min: 1, max: 120_000 }),
  });
}
