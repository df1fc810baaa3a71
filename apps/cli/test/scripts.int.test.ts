import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS_SERVICES, type HealthResponse } from '@archaics/contracts';
import { call, startTestStack, type TestStack } from '../../../e2e/support/test-stack.ts';
import { serviceArgument } from '../src/commands/arguments.ts';
import { parseFault } from '../src/commands/inject.command.ts';
import { COMMANDS } from '../src/commands/registry.ts';
import { REPO_ROOT } from '../src/supervisor/stack.ts';
import { removeTempHomes, tempHome, waitFor } from './fixtures/fake-stack.ts';
import { runScript, spawnCli } from './fixtures/run-cli.ts';

// Below the ephemeral port range (32768+): every port of the stack, 8099 + offset included.
const OFFSET = 15_000;
const SHELL_SCRIPTS = ['scripts/chaos-help.sh', 'scripts/generate_errors.sh'];
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

afterAll(removeTempHomes);

describe('scripts', { timeout: 60_000 }, () => {
  it('are valid bash (bash -n), executable, and strict (set -euo pipefail)', () => {
    for (const script of SHELL_SCRIPTS) {
      const check = spawnSync('bash', ['-n', join(REPO_ROOT, script)], { encoding: 'utf8' });
      expect(check.status, `${script}: ${check.stderr}`).toBe(0);
      expect(statSync(join(REPO_ROOT, script)).mode & 0o111, script).not.toBe(0);
      expect(readFileSync(join(REPO_ROOT, script), 'utf8'), script).toMatch(/^set -euo pipefail$/m);
    }
    const ps1 = readFileSync(join(REPO_ROOT, 'scripts/generate_errors.ps1'), 'utf8');
    expect(ps1).toContain('finally');
    expect(ps1).toContain("reset --all --reason 'generate_errors.ps1 finished'");
    expect(ps1).toContain("[ValidateSet('classic', 'gray', 'partition')][string]$Scenario = 'classic'");
    for (const line of [
      'inject db latency --ms 400 --jitter 0.5',
      'inject product error --status 503 --route /cart/add',
      'inject product partition --target db',
      'inject product blackhole --target auth',
    ]) {
      expect(ps1, line).toContain(line);
      expect(readFileSync(join(REPO_ROOT, 'scripts/generate_errors.sh'), 'utf8'), line).toContain(line);
    }
  });
});

describe('chaos-help.sh', { timeout: 60_000 }, () => {
  it('prints the cheat-sheet from any folder: faults, CLI commands, the four walkthroughs', async () => {
    const result = await runScript('scripts/chaos-help.sh', [], {}, { cwd: tmpdir() });
    expect(result.code, result.stderr).toBe(0);
    for (const section of ['START', 'FAULTS', 'CLI', 'LOAD', 'WALKTHROUGHS', 'WATCH', 'ANOMALY DEMO'])
      expect(result.stdout).toMatch(new RegExp(`^${section}\\b`, 'm'));
    for (const type of ['timeout', 'error', 'cpu', 'crash', 'bad_data', 'latency', 'leak', 'partition', 'blackhole'])
      expect(result.stdout).toMatch(new RegExp(`^ +(?:type +)?${type} +\\S`, 'm'));
    for (const parameter of ['ms, jitter', 'status', 'route', 'target'])
      expect(result.stdout).toMatch(new RegExp(`^  ${parameter} +\\S`, 'm'));
    expect(result.stdout).toMatch(/^GRAY FAILURES AND BROKEN EDGES$/m);
    expect(result.stdout).toContain('inject-failure?type=partition&target=db-service');
    for (const scenario of ['gray', 'partition']) expect(result.stdout).toContain(`./scripts/generate_errors.sh --scenario ${scenario}`);
    for (const title of [
      '1. db timeout → product 504',
      '2. auth error → product 503',
      '3. db bad_data → degraded products',
      '4. intermittent db timeouts → mixed outcomes',
    ]) {
      expect(result.stdout).toContain(title);
      expect(README).toContain(`### ${title}`);
    }
  });

  it('shows only CLI injections the CLI accepts', async () => {
    const { stdout } = await runScript('scripts/chaos-help.sh', [], {});
    const injections = [...stdout.matchAll(/npx archaics inject (\S+) (\S+)((?: --?[a-z]+ \S+)*)/g)];
    expect(injections.length).toBeGreaterThanOrEqual(8);
    for (const [line, service = '', type = '', rest = ''] of injections) {
      const words = rest.trim() === '' ? [] : rest.trim().split(/ +/);
      const long: Record<string, string> = { i: 'intensity', p: 'probability', d: 'duration' };
      const values: Record<string, string> = {};
      for (let i = 0; i < words.length; i += 2) {
        const flag = (words[i] ?? '').replace(/^-+/, '');
        values[long[flag] ?? flag] = words[i + 1] ?? '';
      }
      expect(() => parseFault(serviceArgument(service), type, { json: false, ...values }), line).not.toThrow();
    }
  });

  it('stays consistent with README.md and the CLI', async () => {
    const { stdout } = await runScript('scripts/chaos-help.sh', [], {});
    // Every walkthrough command line is the README's, verbatim.
    const walkthroughs = stdout.slice(stdout.indexOf('  1. db timeout'), stdout.indexOf('\nWATCH'));
    const commands = walkthroughs
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('curl ') || line.startsWith('for ') || line === 'done');
    expect(commands.length).toBeGreaterThanOrEqual(11);
    for (const command of commands) expect(README, command).toContain(command);
    // Every `npx archaics X` it shows is a command of the CLI.
    const names = new Set(COMMANDS.map((c) => c.name));
    const used = [...stdout.matchAll(/npx archaics (\w+)/g)].map((m) => m[1] ?? '');
    expect(used.length).toBeGreaterThan(10);
    for (const name of used) expect(names.has(name), name).toBe(true);
  });

  it('shifts the ports with ARCHAICS_PORT_OFFSET and refuses arguments', async () => {
    const shifted = await runScript('scripts/chaos-help.sh', [], { ARCHAICS_PORT_OFFSET: '100' });
    expect(shifted.stdout).toContain('http://localhost:8103/products');
    expect(shifted.stdout).not.toContain('localhost:8003');
    const bad = await runScript('scripts/chaos-help.sh', ['--nope'], {});
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('unexpected argument "--nope"') });
  });
});

describe('generate_errors.sh', { timeout: 60_000 }, () => {
  it('shows its help and exits 2 on a bad argument or a URL off this machine', async () => {
    const [help, bad, scenario, remote] = await Promise.all([
      runScript('scripts/generate_errors.sh', ['--help'], {}),
      runScript('scripts/generate_errors.sh', ['--seconds', '9999'], {}),
      runScript('scripts/generate_errors.sh', ['--scenario', 'flood'], {}),
      runScript('scripts/generate_errors.sh', [], { PRODUCT_SERVICE_URL: 'http://example.com:8003' }),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: scripts/generate_errors.sh');
    for (const name of ['classic', 'gray', 'partition']) expect(help.stdout).toMatch(new RegExp(`^ +${name} +\\S`, 'm'));
    expect(scenario).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--scenario must be one of classic, gray, partition, got "flood"'),
    });
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--seconds must be a whole number 1..600, got "9999"') });
    expect(remote).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('PRODUCT_SERVICE_URL=http://example.com:8003 is not on this machine'),
    });
  });

  it('exits 1 naming the service when the stack is not running', async () => {
    const result = await runScript('scripts/generate_errors.sh', [], {
      ARCHAICS_HOME: tempHome('gen-errors-none'),
      ARCHAICS_PORT_OFFSET: String(OFFSET + 50),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `auth-service is not answering at http://127.0.0.1:${8001 + OFFSET + 50}/health; start the stack first: npm start`,
    );
  });

  describe('against the stack', () => {
    let stack: TestStack;
    let env: Record<string, string>;

    beforeAll(async () => {
      stack = await startTestStack({ portOffset: OFFSET });
      env = { ARCHAICS_HOME: stack.home, ARCHAICS_PORT_OFFSET: String(OFFSET) };
    });

    afterAll(async () => {
      await stack?.stop();
    });

    async function failures(): Promise<Array<string | null>> {
      return Promise.all(
        BUSINESS_SERVICES.map(
          async (service) => ((await call(`${stack.url(service)}/health`)).body as HealthResponse).failure?.type ?? null,
        ),
      );
    }

    it('injects db and auth faults, sends traffic, then resets every service', async () => {
      const result = await runScript('scripts/generate_errors.sh', ['--seconds', '3', '--fault-seconds', '20', '--workers', '2'], env, {
        cwd: tmpdir(),
        timeoutMs: 60_000,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('npx archaics logs --follow');
      expect(result.stdout).toContain('npx archaics status');
      expect(result.stdout).toMatch(/^db-service: timeout injected — intensity 1, probability 0\.4, for 20s/m);
      expect(result.stdout).toMatch(/^auth-service: error injected — intensity 1, probability 0\.3, for 20s/m);
      expect(result.stdout).toMatch(/^done: \d+ requests; status codes: 200×\d+/m);
      expect(result.stdout).toContain('halt-all: resetting every service — reason: generate_errors.sh finished (exit 0)');
      expect(await failures()).toEqual([null, null, null, null]);
      // The traffic went through product-service.
      const productLines = stack
        .logLines('product-service')
        .filter((l) => typeof l.message === 'string' && /^(GET|POST) \/(products|cart)/.test(l.message));
      expect(productLines.length).toBeGreaterThan(5);
    }, 60_000);

    /** Every active fault of every service, as `service type scope`. */
    async function allFaults(): Promise<string[]> {
      const lists = await Promise.all(
        BUSINESS_SERVICES.map(async (service) => {
          const health = (await call(`${stack.url(service)}/health`)).body as HealthResponse;
          return health.failures.map((f) => `${service} ${f.type} ${f.scope}`);
        }),
      );
      return lists.flat();
    }

    it('injects the faults of the gray and the partition scenarios, then resets them', async () => {
      const gray = await runScript(
        'scripts/generate_errors.sh',
        ['--scenario', 'gray', '--seconds', '2', '--fault-seconds', '20', '--workers', '2'],
        env,
        { timeoutMs: 60_000 },
      );
      expect(gray.code, gray.stderr).toBe(0);
      expect(gray.stdout).toMatch(/^db-service: latency injected — ms 400, jitter 0\.5, intensity 1, probability 1, for 20s/m);
      expect(gray.stdout).toMatch(
        /^product-service: error injected on route:\/cart\/add — status 503, intensity 1, probability 0\.3, for 20s/m,
      );
      expect(gray.stdout).toContain('(scenario gray)');
      // Slow but inside product's deadline: the products still come back.
      expect(gray.stdout).toMatch(/^done: \d+ requests; status codes: 200×\d+/m);
      expect(await allFaults()).toEqual([]);

      const partition = await runScript(
        'scripts/generate_errors.sh',
        ['--scenario', 'partition', '--seconds', '3', '--fault-seconds', '20', '--workers', '2'],
        env,
        { timeoutMs: 60_000 },
      );
      expect(partition.code, partition.stderr).toBe(0);
      expect(partition.stdout).toMatch(/^product-service: partition injected on edge:db-service — intensity 1, probability 0\.5, for 20s/m);
      expect(partition.stdout).toMatch(
        /^product-service: blackhole injected on edge:auth-service — intensity 1, probability 0\.2, for 20s/m,
      );
      // Half of product's calls to db are refused (502 upstream_error) and a fifth of its calls to auth
      // end at the deadline (503 auth_unavailable, which comes first): on a busy machine few requests
      // get past auth, so either answer shows the broken edges.
      expect(partition.stdout).toMatch(/^done: .* (502|503)×\d+/m);
      expect(partition.stdout).toContain('halt-all: resetting every service — reason: generate_errors.sh finished (exit 0)');
      expect(await allFaults()).toEqual([]);
    }, 120_000);

    it('resets every service when interrupted with Ctrl-C', async () => {
      const running = spawnCli(['--seconds', '60', '--fault-seconds', '120', '--workers', '2'], env, {
        command: ['bash', join(REPO_ROOT, 'scripts/generate_errors.sh')],
      });
      try {
        await waitFor('the traffic', () => (running.stdout().includes('sending traffic') ? true : undefined), 30_000);
        expect(await failures()).toEqual(['error', 'timeout', null, null]);
        running.child.kill('SIGINT');
        const result = await running.done;
        expect(result.code).toBe(130);
        expect(result.stdout).toContain('reason: generate_errors.sh finished (exit 130)');
        expect(await failures()).toEqual([null, null, null, null]);
      } finally {
        running.child.kill('SIGKILL');
      }
    }, 60_000);
  });
});
