import { join } from 'node:path';
import { ConfigError, envReader, readBaseConfig, readOrCreateSecret, stateDir, type BaseServiceConfig, type Env } from '@archaics/runtime';

export interface AuthConfig extends BaseServiceConfig {
  /** SQLite file of the users, or `:memory:` (`AUTH_DB_PATH`; default `<ARCHAICS_HOME>/data/auth.sqlite`). */
  readonly dbPath: string;
  /** HS256 key (`JWT_SECRET`, at least 32 characters; otherwise the state folder's `jwt-secret`). */
  readonly jwtSecret: string;
  /** Lifetime of an access token in seconds (`JWT_TTL_S`). */
  readonly jwtTtlS: number;
  /** scrypt cost N, a power of two (`AUTH_SCRYPT_N`). */
  readonly scryptN: number;
  readonly loginMaxFailuresPerEmail: number;
  readonly loginMaxFailuresPerClient: number;
  /** The window the failure limits count over, in seconds (`LOGIN_WINDOW_S`). */
  readonly loginWindowS: number;
}

export const MIN_JWT_SECRET_LENGTH = 32;

/** Reads the auth-service configuration once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): AuthConfig {
  const base = readBaseConfig('auth-service', env);
  const read = envReader(env);
  const configuredSecret = read.optionalString('JWT_SECRET');
  if (configuredSecret !== undefined && configuredSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new ConfigError('JWT_SECRET', `must be at least ${MIN_JWT_SECRET_LENGTH} characters, got ${configuredSecret.length}`);
  }
  const scryptN = read.int('AUTH_SCRYPT_N', 16_384, { min: 2, max: 1_048_576 });
  if ((scryptN & (scryptN - 1)) !== 0) throw new ConfigError('AUTH_SCRYPT_N', `must be a power of two, got ${scryptN}`);
  return Object.freeze({
    ...base,
    dbPath: read.optionalString('AUTH_DB_PATH') ?? join(stateDir(base.home, 'data'), 'auth.sqlite'),
    jwtSecret: configuredSecret ?? readOrCreateSecret(base.home, 'jwt-secret'),
    jwtTtlS: read.int('JWT_TTL_S', 3600, { min: 1, max: 30 * 86_400 }),
    scryptN,
    loginMaxFailuresPerEmail: read.int('LOGIN_MAX_FAILURES_PER_EMAIL', 5, { min: 1, max: 1_000_000 }),
    loginMaxFailuresPerClient: read.int('LOGIN_MAX_FAILURES_PER_CLIENT', 50, { min: 1, max: 1_000_000 }),
    loginWindowS: read.int('LOGIN_WINDOW_S', 900, { min: 1, max: 86_400 }),
  });
}
