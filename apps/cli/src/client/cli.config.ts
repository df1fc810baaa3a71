import { readFileSync } from 'node:fs';
import { BUSINESS_SERVICES, SERVICE_PORTS, SERVICE_URL_ENV, type BusinessService } from '@archaics/contracts';
import { chaosTokenPath, envReader, type Env } from '@archaics/runtime';
import { readSupervisorConfig } from '../supervisor/supervisor.config.ts';
import { CommandError } from '../commands/command.ts';

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
    BUSINESS_SERVICES.map((service) => [service, read.url(SERVICE_URL_ENV[service], `http://127.0.0.1:${SERVICE_PORTS[service] + portOffset}`)]),
  ) as Record<BusinessService, string>;
  return Object.freeze({ home, portOffset, services: Object.freeze(services) });
}

/** The chaos token and where it came from; never creates one (a new token would not match the running services'). */
export interface ChaosToken {
  /** Undefined when `CHAOS_OPEN=1` and no token is known: the request goes without one. */
  readonly value: string | undefined;
  readonly source: string;
}

export function readChaosToken(env: Env, home: string): ChaosToken {
  const fromEnv = env.CHAOS_TOKEN?.trim();
  if (fromEnv) return { value: fromEnv, source: 'CHAOS_TOKEN' };
  const path = chaosTokenPath(home);
  try {
    const value = readFileSync(path, 'utf8').trim();
    if (value) return { value, source: path };
  } catch {
    // no file: see below
  }
  if (envReader(env).bool('CHAOS_OPEN', false)) return { value: undefined, source: 'none (CHAOS_OPEN=1)' };
  throw new CommandError(`no chaos token: set CHAOS_TOKEN, or start the stack (\`npm start\` writes ${path}); ARCHAICS_HOME chooses the state folder`);
}
