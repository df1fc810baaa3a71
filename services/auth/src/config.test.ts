import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@archaics/runtime';
import { loadConfig } from './config.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'archaics-auth-home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const thrown = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig({ ARCHAICS_HOME: home, ...env });
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('no error');
};

describe(loadConfig.name, () => {
  it('has the documented defaults and a generated JWT key in the state folder', () => {
    const config = loadConfig({ ARCHAICS_HOME: home });
    expect(config).toMatchObject({
      service: 'auth-service',
      port: 8001,
      dbPath: join(home, 'data', 'auth.sqlite'),
      jwtTtlS: 3600,
      scryptN: 16_384,
      loginMaxFailuresPerEmail: 5,
      loginMaxFailuresPerClient: 50,
      loginWindowS: 900,
    });
    expect(existsSync(join(home, 'jwt-secret'))).toBe(true);
    expect(config.jwtSecret).toBe(readFileSync(join(home, 'jwt-secret'), 'utf8').trim());
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads its own variables', () => {
    const config = loadConfig({
      ARCHAICS_HOME: home,
      JWT_SECRET: 's'.repeat(32),
      JWT_TTL_S: '60',
      AUTH_DB_PATH: ':memory:',
      AUTH_SCRYPT_N: '1024',
      LOGIN_MAX_FAILURES_PER_EMAIL: '3',
      LOGIN_MAX_FAILURES_PER_CLIENT: '7',
      LOGIN_WINDOW_S: '30',
    });
    expect(config).toMatchObject({
      jwtSecret: 's'.repeat(32),
      jwtTtlS: 60,
      dbPath: ':memory:',
      scryptN: 1024,
      loginMaxFailuresPerEmail: 3,
      loginMaxFailuresPerClient: 7,
      loginWindowS: 30,
    });
    expect(existsSync(join(home, 'jwt-secret'))).toBe(false);
  });

  it.each([
    [{ JWT_SECRET: 'too-short' }, 'JWT_SECRET'],
    [{ AUTH_SCRYPT_N: '1000' }, 'AUTH_SCRYPT_N'],
    [{ AUTH_SCRYPT_N: 'lots' }, 'AUTH_SCRYPT_N'],
    [{ JWT_TTL_S: '0' }, 'JWT_TTL_S'],
    [{ LOGIN_MAX_FAILURES_PER_EMAIL: '0' }, 'LOGIN_MAX_FAILURES_PER_EMAIL'],
    [{ LOGIN_MAX_FAILURES_PER_CLIENT: '-1' }, 'LOGIN_MAX_FAILURES_PER_CLIENT'],
    [{ LOGIN_WINDOW_S: 'soon' }, 'LOGIN_WINDOW_S'],
  ])('refuses %j naming %s', (env, variable) => {
    const error = thrown(env);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.variable).toBe(variable);
    expect(error.message).not.toContain('too-short');
  });
});
