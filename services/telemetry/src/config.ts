import { join } from 'node:path';
import { envReader, readBaseConfig, stateDir, type BaseServiceConfig, type Env } from '@archaics/runtime';

export const DEFAULT_OTLP_PORT = 4318;
export const DEFAULT_QUERY_PORT = 16_686;

export interface TelemetryConfig extends BaseServiceConfig {
  /** OTLP/HTTP receiver port (`TELEMETRY_OTLP_PORT`, else `PORT`, default 4318); `port` holds the same value. */
  readonly otlpPort: number;
  /** Jaeger-compatible query API and logs API port (`TELEMETRY_QUERY_PORT`, default 16686). */
  readonly queryPort: number;
  /** SQLite file of the spans, or `:memory:` (`TELEMETRY_DB_PATH`; default `<home>/data/telemetry.sqlite`). */
  readonly dbPath: string;
  /** Spans older than this are deleted (`TELEMETRY_RETENTION_S`, default 86400). */
  readonly retentionS: number;
  /** At most this many spans are kept; the first written go first (`TELEMETRY_MAX_SPANS`, default 200000, at most 5000000). */
  readonly maxSpans: number;
  /** Seconds between two retention sweeps (`TELEMETRY_RETENTION_SWEEP_S`, default 60). */
  readonly retentionSweepS: number;
  /** Largest OTLP body, compressed or not (`TELEMETRY_MAX_BODY_BYTES`, default 8 MiB); more is a 413. */
  readonly maxBodyBytes: number;
  /** Where the supervisor keeps `<service>.log` (`TELEMETRY_LOGS_DIR`; default `<home>/logs`). */
  readonly logsDir: string;
  /** Concurrent `/api/logs/stream` clients (`TELEMETRY_MAX_STREAMS`, default 16). */
  readonly maxStreams: number;
  /** Interval of the `: ping` comment on log streams (`TELEMETRY_STREAM_HEARTBEAT_MS`, default 15000). */
  readonly heartbeatMs: number;
  /** How often followed log files are polled for new lines (`TELEMETRY_LOG_POLL_MS`, default 250). */
  readonly logPollMs: number;
}

/**
 * Reads the telemetry configuration once; a bad value throws a ConfigError naming the variable.
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is read by the base config but never used here: the
 * telemetry process does not export its own spans (it would feed itself).
 */
export function loadConfig(env: Env = process.env): TelemetryConfig {
  const base = readBaseConfig('telemetry', env);
  const read = envReader(env);
  const otlpPort = read.int('TELEMETRY_OTLP_PORT', base.port, { min: 0, max: 65_535 });
  const queryPort = read.int('TELEMETRY_QUERY_PORT', DEFAULT_QUERY_PORT, { min: 0, max: 65_535 });
  const dbPath = read.optionalString('TELEMETRY_DB_PATH') ?? join(stateDir(base.home, 'data'), 'telemetry.sqlite');
  const logsDir = read.optionalString('TELEMETRY_LOGS_DIR') ?? join(base.home, 'logs');
  return Object.freeze({
    ...base,
    port: otlpPort,
    otlpPort,
    queryPort,
    dbPath,
    retentionS: read.int('TELEMETRY_RETENTION_S', 86_400, { min: 1, max: 365 * 86_400 }),
    // The trace index is kept in memory (~100 bytes a stored span): 5 million spans is ~0.5 GB of it.
    maxSpans: read.int('TELEMETRY_MAX_SPANS', 200_000, { min: 10, max: 5_000_000 }),
    retentionSweepS: read.int('TELEMETRY_RETENTION_SWEEP_S', 60, { min: 1, max: 86_400 }),
    maxBodyBytes: read.int('TELEMETRY_MAX_BODY_BYTES', 8 * 1024 * 1024, { min: 1024, max: 256 * 1024 * 1024 }),
    logsDir,
    maxStreams: read.int('TELEMETRY_MAX_STREAMS', 16, { min: 1, max: 1000 }),
    heartbeatMs: read.int('TELEMETRY_STREAM_HEARTBEAT_MS', 15_000, { min: 10, max: 600_000 }),
    logPollMs: read.int('TELEMETRY_LOG_POLL_MS', 250, { min: 10, max: 1000 }),
  });
}
