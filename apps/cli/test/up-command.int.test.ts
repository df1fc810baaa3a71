import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { upCommand } from '../src/commands/up.command.ts';
import { createControlClient } from '../src/supervisor/control.client.ts';
import { REPO_ROOT } from '../src/supervisor/stack.ts';
import { fakeStack, isAlive, removeTempHomes, tempHome, waitFor } from './fixtures/fake-stack.ts';

afterAll(removeTempHomes);

const BIN = join(REPO_ROOT, 'apps/cli/bin/archaics.mjs');

interface RunningCli {
  readonly child: ChildProcess;
  readonly home: string;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runUp(label: string, offset: number, args: readonly string[] = [], serviceEnv: Record<string, string> = {}): RunningCli {
  const home = tempHome(`cli-${label}`);
  const stackFile = join(home, 'stack.json');
  writeFileSync(stackFile, JSON.stringify(fakeStack(['auth-service', 'db-service'], serviceEnv)));
  const env: Record<string, string | undefined> = {
    ...process.env,
    ARCHAICS_HOME: home,
    ARCHAICS_PORT_OFFSET: String(offset),
    NO_COLOR: '1',
  };
  delete env.CHAOS_TOKEN;
  delete env.SUPERVISOR_PORT;
  const child = spawn(process.execPath, [BIN, 'up', '--stack', stackFile, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, home, stdout: () => out, stderr: () => err, exited };
}

async function childPids(home: string): Promise<number[]> {
  const services = await createControlClient({ home, env: {} }).listServices();
  return services.map((s) => s.pid).filter((pid): pid is number => pid !== null);
}

describe(`archaics ${upCommand.name}`, () => {
  it('prints the summary once healthy, and on SIGTERM stops every service and exits 0', async () => {
    const cli = runUp('sigterm', 23_600);
    try {
      await waitFor('the summary', () => (cli.stdout().includes('archaics is up') ? true : undefined), 20_000);
      const out = cli.stdout();
      expect(out).toMatch(/archaics is up: 2 services healthy in [\d.]+ m?s/);
      expect(out).toContain('auth-service    http://127.0.0.1:31601');
      expect(out).toContain('db-service      http://127.0.0.1:31602');
      expect(out).toContain(`chaos token     ${join(cli.home, 'chaos-token')}`);
      expect(out).toContain('control         http://127.0.0.1:31699');
      expect(out).toContain(`-H "Authorization: Bearer $(cat ${join(cli.home, 'chaos-token')})"`);
      expect(out).toMatch(/^auth-service\s+INFO\s+listening on 127\.0\.0\.1:31601$/m);
      const pids = await childPids(cli.home);
      expect(pids).toHaveLength(2);

      cli.child.kill('SIGTERM');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      expect(pids.filter(isAlive)).toEqual([]);
      expect(existsSync(join(cli.home, 'supervisor.json'))).toBe(false);
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('prints only the raw JSON lines with --json', async () => {
    const cli = runUp('json', 23_700, ['--json']);
    try {
      await waitFor('the summary', () => (cli.stderr().includes('archaics is up') ? true : undefined), 20_000);
      cli.child.kill('SIGINT');
      expect((await cli.exited).code).toBe(0);
      const lines = cli
        .stdout()
        .split('\n')
        .filter((line) => line !== '');
      expect(lines.length).toBeGreaterThan(5);
      for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('kills every service at once on a second Ctrl-C', async () => {
    const cli = runUp('twice', 24_000, [], { FAKE_IGNORE_SIGTERM: '1' });
    let pids: number[] = [];
    try {
      await waitFor('the summary', () => (cli.stdout().includes('archaics is up') ? true : undefined), 20_000);
      pids = await childPids(cli.home);
      cli.child.kill('SIGINT');
      await waitFor('the graceful stop to begin', () => (cli.stdout().includes('SIGTERM: ignored') ? true : undefined));
      const secondAt = Date.now();
      cli.child.kill('SIGINT');
      expect((await cli.exited).code).toBe(130);
      expect(Date.now() - secondAt).toBeLessThan(4_000); // well before the 5 s stop timeout
      await waitFor('the children to be gone', () => (pids.some(isAlive) ? undefined : true), 5_000);
      expect(cli.stdout()).toContain('press Ctrl-C again');
    } finally {
      cli.child.kill('SIGKILL');
      for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  });

  it('leaves no orphan: children stop by themselves when the supervisor is killed', async () => {
    const cli = runUp('orphan', 23_800);
    let pids: number[] = [];
    try {
      await waitFor('the summary', () => (cli.stdout().includes('archaics is up') ? true : undefined), 20_000);
      pids = await childPids(cli.home);
      expect(pids).toHaveLength(2);
      cli.child.kill('SIGKILL');
      await cli.exited;
      await waitFor('the orphans to stop', () => (pids.some(isAlive) ? undefined : true), 15_000);
    } finally {
      cli.child.kill('SIGKILL');
      for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  });

  it('exits 1 with a clear message when a port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(31901, '127.0.0.1', resolve));
    try {
      const cli = runUp('port', 23_900);
      expect((await cli.exited).code).toBe(1);
      expect(cli.stderr()).toContain('port 31901 (auth-service) is already in use');
      expect(cli.stderr()).toContain('ARCHAICS_PORT_OFFSET');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
