import { archaicsHome, envReader, type Env } from '@archaics/runtime';
import { DEFAULT_LOG_MAX_BYTES } from './log-sink.ts';
import { DEFAULT_CONTROL_PORT } from './stack.ts';

/** What `archaics up` reads from the environment, parsed once. */
export interface SupervisorConfig {
  /** Absolute state folder. */
  readonly home: string;
  readonly portOffset: number;
  readonly controlPort: number;
  readonly logMaxBytes: number;
}

export function readSupervisorConfig(env: Env = process.env, cwd: string = process.cwd()): SupervisorConfig {
  const read = envReader(env);
  // 57000 keeps every canonical port (the highest is 8099) below 65536.
  const portOffset = read.int('ARCHAICS_PORT_OFFSET', 0, { min: 0, max: 57_000 });
  const controlPort = read.int('SUPERVISOR_PORT', DEFAULT_CONTROL_PORT + portOffset, { min: 1, max: 65_535 });
  return Object.freeze({
    home: archaicsHome(env, cwd),
    portOffset,
    controlPort,
    logMaxBytes: read.int('LOG_MAX_BYTES', DEFAULT_LOG_MAX_BYTES, { min: 1024 }),
  });
}
