import { ConfigError, type Env } from './env.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The headers every OTLP export request carries, as the OpenTelemetry SDKs read them:
 * `OTEL_EXPORTER_OTLP_HEADERS`, then `OTEL_EXPORTER_OTLP_TRACES_HEADERS` over it, each a
 * comma-separated list of `key=value` (values URL-encoded, e.g. `authorization=Bearer%20abc`).
 * A malformed list throws a ConfigError naming the variable (never the value: it may be a secret).
 */
export function readOtlpHeaders(env: Env): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (const variable of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    const raw = env[variable]?.trim();
    if (!raw) continue;
    for (const [index, entry] of raw.split(',').entries()) {
      if (entry.trim() === '') continue;
      const eq = entry.indexOf('=');
      const key = (eq < 0 ? entry : entry.slice(0, eq)).trim().toLowerCase();
      if (eq < 0 || !TOKEN.test(key)) throw new ConfigError(variable, `entry ${index + 1} is not key=value with a header name as key`);
      let value: string;
      try {
        value = decodeURIComponent(entry.slice(eq + 1).trim());
      } catch {
        throw new ConfigError(variable, `entry ${index + 1} (${key}) has a bad %-escape`);
      }
      if (/[\r\n\0]/.test(value)) throw new ConfigError(variable, `entry ${index + 1} (${key}) has a line break`);
      headers[key] = value;
    }
  }
  return Object.freeze(headers);
}
