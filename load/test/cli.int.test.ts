import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runLoadCli, type CliIo, type Summary } from '../src/index.ts';
import { startFakeStack, type FakeStack } from './support/fake-stack.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let stack: FakeStack;
let dir: string;

/** A definition file the CLI reads like a shared one: product GET /products, no session, no think time. */
function scenarioFile(name: string, load: object, thresholds: object = {}): string {
  const path = join(dir, `${name}.json`);
  const journey = { name: 'one', session: 'none', steps: [{ target: 'product', method: 'GET', path: '/products', expect: 200 }] };
  writeFileSync(path, JSON.stringify({ name, journey, load, thresholds }));
  return path;
}

async function cli(argv: string[], env: Record<string, string> = stack.env()): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    cwd: dir,
  };
  const code = await runLoadCli(argv, io);
  return { code, stdout, stderr };
}

interface Spawned {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  kill: (signal: NodeJS.Signals) => void;
  /** Signals the whole process group, as a terminal does on Ctrl-C. */
  killGroup: (signal: NodeJS.Signals) => void;
}

function spawnCommand(command: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { done, kill: (signal) => child.kill(signal), killGroup: (signal) => process.kill(-(child.pid ?? 0), signal) };
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  stack = await startFakeStack();
  dir = mkdtempSync(join(tmpdir(), 'archaics-load-'));
});
afterEach(() => {
  stack.delayMs = 0;
  stack.status = 200;
  stack.server.requests.length = 0;
});
afterAll(async () => {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe(runLoadCli.name, () => {
  it('exits 0 when every threshold holds, and prints the summary', async () => {
    const file = scenarioFile('fine', { executor: 'constant-vus', vus: 2, duration: '1s' }, { http_req_failed: ['rate<0.01'] });
    const { code, stdout } = await cli(['run', file, '--quiet']);
    expect(code).toBe(0);
    expect(stdout).toContain('thresholds: all passed');
    expect(stdout).toContain('latency ms (HDR histogram)');
  });

  it('exits 99 when a threshold is breached, and --json prints the summary as JSON', async () => {
    stack.status = 503;
    const file = scenarioFile(
      'failing',
      { executor: 'constant-vus', vus: 2, duration: '1s' },
      { http_req_failed: ['rate<0.01'], http_req_duration: ['p(95)<60000'] },
    );
    const { code, stdout } = await cli(['run', file, '--quiet', '--json']);
    expect(code).toBe(99);
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.passed).toBe(false);
    expect(summary.thresholds.map((t) => [t.metric, t.ok])).toEqual([
      ['http_req_failed', false],
      ['http_req_duration', true],
    ]);
    expect(summary.errors.byStatus['503']).toBe(summary.requests.total);
    expect(summary.errors.byEndpoint[0]).toMatchObject({ target: 'product', endpoint: 'GET /products', outcome: '503' });
    expect(summary.checks.byName['GET /products is 200']?.failed).toBe(summary.requests.total);
  });

  it('applies overrides from the command line', async () => {
    const file = scenarioFile('overridden', { executor: 'constant-vus', vus: 2, duration: '1m' });
    const { code, stdout } = await cli(['run', file, '--quiet', '--json', '--rate', '50', '--duration', '1s', '--vus', '5']);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.executor).toBe('constant-arrival-rate');
    expect(summary.iterations.scheduled).toBe(50);
  });

  it('answers 2 to a wrong command line and 104 to a wrong scenario or target', async () => {
    expect((await cli(['run'])).code).toBe(2);
    expect((await cli(['run', 'normal', '--vus', 'many'])).code).toBe(2);
    expect((await cli(['run', 'normal', '--executor', 'shared-iterations'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['run', 'no-such-scenario'])).code).toBe(104);
    expect((await cli(['run', 'normal', '--duration', 'forever'])).code).toBe(104);
    const remote = await cli(['run', 'normal', '--quiet'], { ...stack.env(), PRODUCT_SERVICE_URL: 'http://shop.example.com:8003' });
    expect(remote.code).toBe(104);
    expect(remote.stderr).toContain('--allow-remote');
    expect(stack.server.requests).toHaveLength(0);
  });

  it('lists the shared scenarios', async () => {
    const { code, stdout } = await cli(['list']);
    expect(code).toBe(0);
    expect(
      stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ')[0]),
    ).toEqual(['endurance', 'normal', 'products', 'spike', 'stress']);
  });
});

describe('the gray fault set', () => {
  it('inject-failures --set gray injects a db latency inside the deadline and a 503 on product /cart/add; reset-failures clears that route only', async () => {
    const injected = await cli(['inject-failures', 'normal', '--set', 'gray']);
    expect(injected.code, injected.stderr).toBe(0);
    expect(injected.stderr).toContain('injected db latency 300ms ±0.2 (probability 1, intensity 1, 75s)');
    expect(injected.stderr).toContain('injected product error 503 on /cart/add (probability 0.2, intensity 1, 75s)');
    const reset = await cli(['reset-failures', '--set', 'gray']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toContain('reset product route:/cart/add: ok');
    expect(stack.chaosCalls()).toEqual([
      'POST /inject-failure?type=latency&intensity=1&probability=1&ms=300&jitter=0.2&duration=75',
      'POST /inject-failure?type=error&intensity=1&probability=0.2&status=503&route=%2Fcart%2Fadd&duration=75',
      'POST /reset',
      'POST /reset?route=%2Fcart%2Fadd',
    ]);
  });

  it('refuses an unknown set, and --set without --with-failures', async () => {
    const unknown = await cli(['inject-failures', 'normal', '--set', 'grey']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--set must be one of seed, gray (got "grey")');
    const alone = await cli(['run', 'normal', '--set', 'gray']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--set goes with --with-failures');
    expect(stack.chaosCalls()).toEqual([]);
  });
});

describe('main.ts', () => {
  it('stops on Ctrl-C, prints the summary, resets the faults it injected and exits 105', async () => {
    stack.delayMs = 2_000;
    const file = scenarioFile('long', { executor: 'constant-vus', vus: 2, duration: '1m' });
    const run = spawnCommand(
      process.execPath,
      ['--import', 'tsx', 'load/src/main.ts', 'run', file, '--with-failures', '--json', '--quiet'],
      stack.env(),
    );
    await until(() => stack.server.requestsTo('GET', '/products').length >= 2);
    run.kill('SIGINT');
    const { code, stdout } = await run.done;
    expect(code).toBe(105);
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.interrupted).toBe(true);
    expect(summary.iterations.interrupted).toBe(2);
    expect(summary.faults?.injected.map((f) => `${f.target} ${f.type} ${f.probability} ${f.durationS}`)).toEqual([
      'db timeout 0.3 105',
      'product error 0.2 105',
    ]);
    expect(summary.faults?.reset).toEqual([
      { target: 'db', ok: true },
      { target: 'product', ok: true },
    ]);
    const calls = stack.chaosCalls();
    expect(calls.slice(0, 2)).toEqual([
      'POST /inject-failure?type=timeout&intensity=1&probability=0.3&duration=105',
      'POST /inject-failure?type=error&intensity=1&probability=0.2&duration=105',
    ]);
    expect(calls.slice(2)).toEqual(['POST /reset', 'POST /reset']);
    expect(stack.server.requestsTo('POST', '/reset').every((r) => r.headers.authorization === 'Bearer test-chaos-token')).toBe(true);
  }, 30_000);
});

describe('run-test.sh', () => {
  it('runs k6 when it is on PATH, with the faults injected before and reset after, and passes its exit code on', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'archaics-fake-k6-'));
    const argsFile = join(bin, 'args');
    writeFileSync(join(bin, 'k6'), `#!/bin/sh\necho "$@" > "${argsFile}"\nexit 99\n`);
    chmodSync(join(bin, 'k6'), 0o755);
    try {
      const run = spawnCommand('load/run-test.sh', ['normal', '--with-failures'], {
        ...stack.env(),
        PATH: `${bin}:${process.env.PATH ?? ''}`,
      });
      const { code } = await run.done;
      expect(code).toBe(99);
      expect(readFileSync(argsFile, 'utf8').trim()).toBe(`run -e ALLOW_REMOTE=0 ${join(ROOT, 'load/k6/normal.js')}`);
      expect(stack.chaosCalls()).toEqual([
        'POST /inject-failure?type=timeout&intensity=1&probability=0.3&duration=75',
        'POST /inject-failure?type=error&intensity=1&probability=0.2&duration=75',
        'POST /reset',
        'POST /reset',
      ]);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }, 30_000);

  it('with --with-failures=gray, injects the gray set around the k6 run and resets what it injected', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'archaics-fake-k6-'));
    writeFileSync(join(bin, 'k6'), `#!/bin/sh\nexit 0\n`);
    chmodSync(join(bin, 'k6'), 0o755);
    try {
      const run = spawnCommand('load/run-test.sh', ['normal', '--with-failures=gray'], {
        ...stack.env(),
        PATH: `${bin}:${process.env.PATH ?? ''}`,
      });
      const { code, stderr } = await run.done;
      expect(code, stderr).toBe(0);
      expect(stack.chaosCalls()).toEqual([
        'POST /inject-failure?type=latency&intensity=1&probability=1&ms=300&jitter=0.2&duration=75',
        'POST /inject-failure?type=error&intensity=1&probability=0.2&status=503&route=%2Fcart%2Fadd&duration=75',
        'POST /reset',
        'POST /reset?route=%2Fcart%2Fadd',
      ]);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }, 30_000);

  it('passes the gray set on to the built-in runner, and refuses an unknown set', async () => {
    const run = spawnCommand('load/run-test.sh', ['products', '--with-failures=gray', '--duration', '1s', '--json', '--quiet'], {
      ...stack.env(),
      ARCHAICS_LOAD_ENGINE: 'builtin',
    });
    const { code, stdout, stderr } = await run.done;
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.faults?.injected.map((f) => `${f.target} ${f.type}`)).toEqual(['db latency', 'product error']);
    expect(summary.faults?.reset).toEqual([
      { target: 'db', ok: true },
      { target: 'product', scope: 'route:/cart/add', ok: true },
    ]);
    const refused = await spawnCommand('load/run-test.sh', ['normal', '--with-failures=grey'], stack.env()).done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('unknown fault set grey');
  }, 30_000);

  it('resets the faults when the k6 run is stopped with Ctrl-C', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'archaics-fake-k6-'));
    const startedFile = join(bin, 'started');
    writeFileSync(join(bin, 'k6'), `#!/bin/sh\necho started > "${startedFile}"\nsleep 30\n`);
    chmodSync(join(bin, 'k6'), 0o755);
    try {
      const run = spawnCommand('load/run-test.sh', ['spike', '--with-failures'], {
        ...stack.env(),
        PATH: `${bin}:${process.env.PATH ?? ''}`,
      });
      await until(() => existsSync(startedFile));
      run.killGroup('SIGINT');
      const { code } = await run.done;
      expect(code).toBe(130);
      expect(stack.chaosCalls().map((call) => call.split('?')[0])).toEqual([
        'POST /inject-failure',
        'POST /inject-failure',
        'POST /reset',
        'POST /reset',
      ]);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }, 30_000);

  it('uses the built-in runner without k6, passing its options on', async () => {
    const run = spawnCommand('load/run-test.sh', ['products', '--duration', '1s', '--json', '--quiet'], {
      ...stack.env(),
      ARCHAICS_LOAD_ENGINE: 'builtin',
    });
    const { code, stdout } = await run.done;
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.scenario).toBe('products');
    expect(summary.iterations.scheduled).toBe(50);
    expect(summary.requests.failed).toBe(0);
    expect(stack.server.requestsTo('POST', '/login')).toHaveLength(1);
  }, 30_000);

  it('refuses an unknown scenario', async () => {
    const { code, stderr } = await spawnCommand('load/run-test.sh', ['nope'], stack.env()).done;
    expect(code).toBe(2);
    expect(stderr).toContain('scenarios: endurance normal products spike stress');
  });
});
