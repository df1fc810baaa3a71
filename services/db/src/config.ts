import { join } from 'node:path';
import { envReader, readBaseConfig, stateDir, type BaseServiceConfig, type Env } from '@archaics/runtime';

export interface DbConfig extends BaseServiceConfig {
  /** SQLite file, or `:memory:` (`DB_PATH`; default `<ARCHAICS_HOME>/data/db.sqlite`). */
  readonly dbPath: string;
}

/** Reads the db-service configuration once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): DbConfig {
  const base = readBaseConfig('db-service', env);
  const read = envReader(env);
  const dbPath = read.optionalString('DB_PATH') ?? join(stateDir(base.home, 'data'), 'db.sqlite');
  return Object.freeze({ ...base, dbPath });
}
