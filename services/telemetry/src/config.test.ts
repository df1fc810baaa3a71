import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@archaics/runtime';
import { loadConfig } from './config.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'archaics-telemetry-home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe(loadConfig.name, () => {
  it('defaults to the standard ports, the state folder and the documented bounds', () => {
    const config = loadConfig({ ARCHAICS_HOME: home });
    expect(config).toMatchObject({
      service: 'telemetry',
      host: '127.0.0.1',
      otlpPort: 4318,
      port: 4318,
      queryPort: 16_686,
      dbPath: join(home, 'data', 'telemetry.sqlite'),
      logsDir: join(home, 'logs'),
      retentionS: 86_400,
      maxSpans: 200_000,
      maxBodyBytes: 8 * 1024 * 1024,
      maxStreams: 16,
      heartbeatMs: 15_000,
    });
    expect(existsSync(join(home, 'data'))).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes PORT (what the supervisor sets) for the OTLP side unless TELEMETRY_OTLP_PORT is given', () => {
    expect(loadConfig({ ARCHAICS_HOME: home, PORT: '5318' }).otlpPort).toBe(5318);
    expect(loadConfig({ ARCHAICS_HOME: home, PORT: '5318', TELEMETRY_OTLP_PORT: '6318' }).otlpPort).toBe(6318);
    expect(loadConfig({ ARCHAICS_HOME: home, TELEMETRY_DB_PATH: ':memory:', TELEMETRY_LOGS_DIR: '/var/log/x' })).toMatchObject({
      dbPath: ':memory:',
      logsDir: '/var/log/x',
    });
  });

  it('names a bad variable', () => {
    for (const [name, value] of [
      ['TELEMETRY_QUERY_PORT', 'sixteen'],
      ['TELEMETRY_MAX_SPANS', '-1'],
      ['TELEMETRY_RETENTION_S', '0'],
      ['TELEMETRY_MAX_BODY_BYTES', '12'],
      ['TELEMETRY_OTLP_PORT', '70000'],
    ] as const) {
      expect(() => loadConfig({ ARCHAICS_HOME: home, [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ARCHAICS_HOME: home, [name]: value })).toThrow(new RegExp(name));
    }
  });
});
