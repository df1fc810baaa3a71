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

/** Where the generated chaos token lives. */
export function chaosTokenPath(home: string): string {
  return join(home, 'chaos-token');
}

/** The chaos token: `CHAOS_TOKEN` when set, otherwise the state folder's (made on first use). */
export function resolveChaosToken(env: Env = process.env, home: string = archaicsHome(env)): string {
  const fromEnv = env.CHAOS_TOKEN?.trim();
  return fromEnv ? fromEnv : readOrCreateSecret(home, 'chaos-token');
}
