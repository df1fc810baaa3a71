import { join } from 'node:path';
import { ConfigError, envReader, readBaseConfig, resolveWebhookSecret, type BaseServiceConfig, type Env } from '@archaics/runtime';
import { readTelemetryConfig, type TelemetryConfig } from '@archaics/telemetry-query';
import { SERVICE_PORTS } from '@archaics/contracts';
import type { DetectorSettings } from './domain/detector.ts';

export interface DetectorConfig extends BaseServiceConfig, DetectorSettings {
  /** `SCRAPE_INTERVAL_S` (default 2). */
  readonly intervalMs: number;
  readonly telemetry: TelemetryConfig;
  /** `AI_OPERATOR_URL` (default the operator's canonical port + `ARCHAICS_PORT_OFFSET`). */
  readonly operatorUrl: string;
  readonly webhookSecret: string;
  readonly webhookMaxAttempts: number;
  readonly webhookBackoffMs: number;
  readonly webhookTimeoutMs: number;
  /** `<ARCHAICS_HOME>/models/anomaly-detector.json` unless `MODEL_PATH` says otherwise. */
  readonly modelPath: string;
}

/** Reads the detector's configuration once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): DetectorConfig {
  const base = readBaseConfig('anomaly-detector', env);
  const read = envReader(env);
  const offset = read.int('ARCHAICS_PORT_OFFSET', 0, { min: 0, max: 57_000 });
  const intervalS = read.number('SCRAPE_INTERVAL_S', 2, { min: 0.2, max: 3600 });
  const consecutive = read.int('CONSECUTIVE', 2, { min: 1, max: 100 });
  const threshold = read.number('THRESHOLD', 0.6, { min: 0.5, max: 1 });
  if (threshold >= 1) throw new ConfigError('THRESHOLD', 'must be below 1: no score reaches it');
  return Object.freeze({
    ...base,
    intervalMs: Math.round(intervalS * 1000),
    baselineSamples: read.int('BASELINE_SAMPLES', 30, { min: 5, max: 10_000 }),
    threshold,
    consecutive,
    clearIntervals: read.int('CLEAR_INTERVALS', 3, { min: 1, max: 1000 }),
    seed: read.int('DETECTOR_SEED', 0, { min: 0, max: 2 ** 31 - 1 }),
    telemetry: readTelemetryConfig(env),
    operatorUrl: read.url('AI_OPERATOR_URL', `http://127.0.0.1:${SERVICE_PORTS['ai-operator'] + offset}`),
    webhookSecret: resolveWebhookSecret(env, base.home),
    webhookMaxAttempts: read.int('WEBHOOK_MAX_ATTEMPTS', 6, { min: 1, max: 100 }),
    webhookBackoffMs: read.int('WEBHOOK_BACKOFF_MS', 500, { min: 1, max: 600_000 }),
    webhookTimeoutMs: read.int('WEBHOOK_TIMEOUT_MS', 3000, { min: 1, max: 120_000 }),
    modelPath: read.string('MODEL_PATH', join(base.home, 'models', 'anomaly-detector.json')),
  });
}
