/** Raised when an environment variable has a value the process cannot run with. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Typed readers over an environment; each names the variable when its value is bad. */
export interface EnvReader {
  string(name: string, fallback: string): string;
  optionalString(name: string): string | undefined;
  int(name: string, fallback: number, range?: { min?: number; max?: number }): number;
  number(name: string, fallback: number, range?: { min?: number; max?: number }): number;
  bool(name: string, fallback: boolean): boolean;
  url(name: string, fallback: string): string;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
}

/** Creates an {@link EnvReader}; `env` defaults to `process.env`, the only place it is read. */
export function envReader(env: Env = process.env): EnvReader {
  const raw = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const checkRange = (name: string, value: number, range?: { min?: number; max?: number }): number => {
    if (range?.min !== undefined && value < range.min) throw new ConfigError(name, `must be >= ${range.min}, got ${value}`);
    if (range?.max !== undefined && value > range.max) throw new ConfigError(name, `must be <= ${range.max}, got ${value}`);
    return value;
  };
  return {
    string: (name, fallback) => raw(name) ?? fallback,
    optionalString: (name) => raw(name),
    int(name, fallback, range) {
      const value = raw(name);
      if (value === undefined) return fallback;
      if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `must be an integer, got "${value}"`);
      return checkRange(name, Number(value), range);
    },
    number(name, fallback, range) {
      const value = raw(name);
      if (value === undefined) return fallback;
      const parsed = Number(value);
      if (!Number.isFinite(parsed)) throw new ConfigError(name, `must be a number, got "${value}"`);
      return checkRange(name, parsed, range);
    },
    bool(name, fallback) {
      const value = raw(name)?.toLowerCase();
      if (value === undefined) return fallback;
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      throw new ConfigError(name, `must be a boolean (1/0, true/false), got "${value}"`);
    },
    url(name, fallback) {
      const value = raw(name) ?? fallback;
      try {
        const parsed = new URL(value);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
      } catch {
        throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
      }
      return value.replace(/\/+$/, '');
    },
    oneOf(name, allowed, fallback) {
      const value = raw(name);
      if (value === undefined) return fallback;
      if (!(allowed as readonly string[]).includes(value)) {
        throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
      }
      return value as (typeof allowed)[number];
    },
  };
}
