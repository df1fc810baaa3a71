import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the UI is built from: a change to any of these makes `dist/` stale. */
const SOURCES = ['src/ui', 'src/shared', 'index.html', 'control.html', 'vite.config.ts', 'package.json'];
const STAMP = '.build-stamp';
const LOCK = 'dist.lock';
/** A lock older than this is left over from a build that died. */
const STALE_LOCK_MS = 5 * 60_000;

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/** True when `dist/` is missing, unfinished, or older than a UI source. */
export function uiIsStale(root: string): boolean {
  const stamp = join(root, 'dist', STAMP);
  if (!existsSync(stamp) || !existsSync(join(root, 'dist', 'index.html'))) return true;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.some((source) => newestMtime(join(root, source)) > built);
}

/** The command a user runs to build the UI by hand. */
export const BUILD_COMMAND = 'npm run build -w @archaics/dashboard';

/**
 * Builds the UI with Vite into a temporary folder, then swaps it in as `dist/`, so a server
 * never serves a half-written build. Two processes starting together (the dashboard and the
 * control page) build once: the second waits for the first's lock.
 */
export async function buildUi(root: string, log: (line: string) => void): Promise<void> {
  const lock = join(root, LOCK);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await sleep(500);
      if (!existsSync(lock) && !uiIsStale(root)) return;
    }
  }
  try {
    if (!uiIsStale(root)) return;
    const started = Date.now();
    log(`building the dashboard UI (vite build; by hand: ${BUILD_COMMAND})`);
    const out = join(root, `dist.tmp-${process.pid}`);
    rmSync(out, { recursive: true, force: true });
    const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [vite, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}: ${output.trim().slice(-2000)}`)),
      );
    });
    writeFileSync(join(out, STAMP), new Date().toISOString());
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    renameSync(out, join(root, 'dist'));
    log(`dashboard UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
