import { BUSINESS_SERVICES, SERVICE_PORTS, SERVICE_URL_ENV, type BusinessService } from '@archaics/contracts';
import { envReader, type Env } from '@archaics/runtime';
import { readSupervisorConfig } from '../supervisor/supervisor.config.ts';

/** Where the CLI's commands find the stack, read once from the environment (telemetry: `readTelemetryConfig` of @archaics/telemetry-query). */
export interface CliConfig {
  /** Absolute state folder (`ARCHAICS_HOME`, default `.archaics/`). */
  readonly home: string;
  readonly portOffset: number;
  /** Base URL of each business service: the seed's variable, else 127.0.0.1 on the canonical port + offset (as `up`). */
  readonly services: Readonly<Record<BusinessService, string>>;
}

export function readCliConfig(env: Env, cwd: string): CliConfig {
  const { home, portOffset } = readSupervisorConfig(env, cwd);
  const read = envReader(env);
  const services = Object.fromEntries(
    BUSINESS_SERVICES.map((service) => [
      service,
      read.url(SERVICE_URL_ENV[service], `http://127.0.0.1:${SERVICE_PORTS[service] + portOffset}`),
    ]),
  ) as Record<BusinessService, string>;
  return Object.freeze({ home, portOffset, services: Object.freeze(services) });
}
