import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Env } from './env.ts';

/** The state folder: `ARCHAICS_HOME`, default `.archaics/` in the working directory (SPEC §8). */
export function archaicsHome(env: Env = process.env, cwd: string = process.cwd()): string {
  const configured = env.ARCHAICS_HOME?.trim();
  return resolve(cwd, configured ? configured : '.archaics');
}

/** Creates (if needed) and returns a sub-folder of the state folder. */
export function stateDir(home: string, ...parts: string[]): string {
  const dir = join(home, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Reads a secret file of the state folder, creating it (mode 0600) with a random
 * value when it does not exist yet. Concurrent first starts agree on one value:
 * the file is created exclusively and a loser reads the winner's.
 */
export function readOrCreateSecret(home: string, fileName: string, bytes = 32): string {
  mkdirSync(home, { recursive: true });
  const path = join(home, fileName);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = randomBytes(bytes).toString('base64url');
  try {
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw error;
  }
}

const CHAOS_TOKEN_FILE = 'chaos-token';

/** Where the generated chaos token lives. */
export function chaosTokenPath(home: string): string {
  return join(home, CHAOS_TOKEN_FILE);
}

/** The chaos token and where it came from: `CHAOS_TOKEN`, or the path of the state folder's file. */
export interface ChaosToken {
  readonly value: string;
  readonly source: string;
}

/**
 * The one reader of the chaos token (SPEC §2): `CHAOS_TOKEN` when set, else the state
 * folder's `chaos-token` file; null when there is neither. Never creates the file: a client
 * that made a new token would not match the running services' (see {@link resolveChaosToken}).
 */
export function readChaosToken(env: Env = process.env, home: string = archaicsHome(env)): ChaosToken | null {
  const fromEnv = env.CHAOS_TOKEN?.trim();
  if (fromEnv) return { value: fromEnv, source: 'CHAOS_TOKEN' };
  const path = chaosTokenPath(home);
  let value: string;
  try {
    value = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return value ? { value, source: path } : null;
}

/** The chaos token of the stack's own processes: {@link readChaosToken}, or a new one made in the state folder (mode 0600). */
export function resolveChaosToken(env: Env = process.env, home: string = archaicsHome(env)): string {
  return readChaosToken(env, home)?.value ?? readOrCreateSecret(home, CHAOS_TOKEN_FILE);
}

/** `<home>/supervisor.json`: how the CLI, dashboard and operator find a running supervisor. */
export interface SupervisorFile {
  readonly pid: number;
  readonly control_url: string;
  readonly started_at: string;
  readonly services: ReadonlyArray<{ readonly name: string; readonly url: string }>;
}

/** Where the local supervisor says where its control interface listens. */
export function supervisorFilePath(home: string): string {
  return join(home, 'supervisor.json');
}

/** The supervisor file's content, or null when there is none or it does not parse. */
export function readSupervisorFile(home: string): SupervisorFile | null {
  let text: string;
  try {
    text = readFileSync(supervisorFilePath(home), 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<SupervisorFile>;
    if (typeof value.pid !== 'number' || typeof value.control_url !== 'string' || !Array.isArray(value.services)) return null;
    return value as SupervisorFile;
  } catch {
    return null;
  }
}
