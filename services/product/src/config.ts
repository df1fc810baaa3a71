import { readBaseConfig, readUpstreamConfig, type BaseServiceConfig, type Env, type UpstreamConfig } from '@archaics/runtime';

export interface ProductConfig extends BaseServiceConfig {
  /** auth-service (`AUTH_SERVICE_URL`, `AUTH_TIMEOUT_MS`). */
  readonly auth: UpstreamConfig;
  /** db-service (`DB_SERVICE_URL`, `DB_TIMEOUT_MS`). */
  readonly db: UpstreamConfig;
}

/** Reads the product-service configuration once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): ProductConfig {
  return Object.freeze({
    ...readBaseConfig('product-service', env),
    auth: readUpstreamConfig('auth-service', env),
    db: readUpstreamConfig('db-service', env),
  });
}
