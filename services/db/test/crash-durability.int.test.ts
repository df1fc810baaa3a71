import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../..');
const MAIN = 'services/db/src/main.ts';
const TOKEN = 'int-test-chaos-token';

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** Starts the real db-service on a free port and resolves once it listens. */
function start(home: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO,
    env: {
      ...process.env,
      ARCHAICS_HOME: home,
      PORT: '0',
      HOST: '127.0.0.1',
      CHAOS_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
      DB_PATH: undefined,
      CHAOS_OPEN: undefined,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((ready, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`db-service did not start:\n${output}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        ready({ child, url: match[1]!, exited });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => fail(new Error(`db-service exited with ${code}:\n${output}`)));
  });
}

let home: string | undefined;
let running: Running | undefined;
afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  running = undefined;
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('db-service process', () => {
  it('keeps an acknowledged cart write through a crash fault and a restart', async () => {
    home = mkdtempSync(join(tmpdir(), 'archaics-db-int-'));
    running = await start(home);
    const write = await fetch(`${running.url}/cart/add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'durable-user', product_id: 'p2', quantity: 7 }),
    });
    expect(write.status).toBe(200);

    const inject = await fetch(`${running.url}/inject-failure?type=crash&probability=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(inject.status).toBe(200);
    expect(await running.exited).toBe(1);

    running = await start(home);
    const cart = await fetch(`${running.url}/cart/durable-user`);
    expect(await cart.json()).toEqual({ user_id: 'durable-user', items: [{ product_id: 'p2', quantity: 7 }] });
  });
});
