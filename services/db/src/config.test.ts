import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@archaics/runtime';
import { loadConfig } from './config.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'archaics-db-home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe(loadConfig.name, () => {
  it('defaults to db.sqlite in the data folder of the state folder and to port 8002', () => {
    const config = loadConfig({ ARCHAICS_HOME: home });
    expect(config.dbPath).toBe(join(home, 'data', 'db.sqlite'));
    expect(existsSync(join(home, 'data'))).toBe(true);
    expect(config.port).toBe(8002);
    expect(config.service).toBe('db-service');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes DB_PATH, :memory: included', () => {
    expect(loadConfig({ ARCHAICS_HOME: home, DB_PATH: ':memory:' }).dbPath).toBe(':memory:');
  });

  it('names a bad variable', () => {
    expect(() => loadConfig({ ARCHAICS_HOME: home, PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ ARCHAICS_HOME: home, PORT: 'eighty' })).toThrow(/PORT/);
  });
});
