import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS_SERVICES, call, startTestStack, type TestStack } from '../../../e2e/support/test-stack.ts';
import { REPO_ROOT } from './definition/files.ts';
import type { Journal } from './run/journal.ts';

// The stack here has no detector and no operator: nothing heals a fault but the experiment's own rollbacks.
const PORT_OFFSET = 500;
const CLI = join(REPO_ROOT, 'apps', 'cli', 'bin', 'archaics.mjs');

let stack: TestStack;
let dir: string;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ARCHAICS_HOME: stack.home, ARCHAICS_PORT_OFFSET: String(PORT_OFFSET), NO_COLOR: '1' };
  for (const name of [
    'AUTH_SERVICE_URL',
    'DB_SERVICE_URL',
    'PRODUCT_SERVICE_URL',
    'PAYMENT_SERVICE_URL',
    'ANOMALY_DETECTOR_URL',
    'AI_OPERATOR_URL',
    'CHAOS_TOKEN',
    'CHAOS_OPEN',
    'PROMETHEUS_URL',
  ])
    delete env[name];
  return env;
}

/** `archaics experiment run FILE` as a real child process; `onLine` sees each stderr line (and may interrupt it). */
function runCli(file: string, onLine?: (line: string, child: ReturnType<typeof spawn>) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'experiment', 'run', file], {
      env: cliEnv(),
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine?.(line, child);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not finish in 120 s:\n${stderr}`));
    }, 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function write(name: string, text: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, text);
  return path;
}

/** Each business service's active faults in every scope, as /health's `failures` lists them. */
async function failures(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const service of BUSINESS_SERVICES) out[service] = (await call(`${stack.url(service)}/health`)).body.failures;
  return out;
}

const NO_FAULTS = Object.fromEntries(BUSINESS_SERVICES.map((s) => [s, []]));

function journalOf(stdout: string): Journal {
  const path = /journal (\S+journal\.json)/.exec(stdout)?.[1];
  if (!path) throw new Error(`no journal path in:\n${stdout}`);
  return JSON.parse(readFileSync(path, 'utf8')) as Journal;
}

function journalsIn(home: string): string[] {
  const root = join(home, 'experiments');
  return existsSync(root) ? readdirSync(root) : [];
}

const base = (name: string, body: string): string => `name: ${name}
title: ${name}
budget: 8s
hypothesis:
  window: 4s
  probes:
    - { name: products answer 200, type: http, service: product, path: /products, auth: user, status: 200, max_ms: 3000 }
    - { name: product errors ≤ 5 %, type: metric, service: product, metric: error_ratio, max: 0.05 }
${body}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'archaics-experiments-'));
  stack = await startTestStack({ portOffset: PORT_OFFSET });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('archaics experiment run', () => {
  it('refuses a malformed file naming the field and line, exit 2, and runs nothing', async () => {
    const before = journalsIn(stack.home).length;
    const file = write(
      'malformed',
      base(
        'malformed',
        `method:\n  load: { scenario: browse-nope, vus: 2 }\n  duration: 6s\n  steps:\n    - at: 1s\n      inject: { service: db, type: eror }\n`,
      ),
    );
    const result = await runCli(file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/malformed\.yaml:14:\d+: method\.steps\[0\]\.inject\.type: must be one of timeout, error/);
    expect(result.stderr).toContain('nothing was run');
    expect(journalsIn(stack.home).length).toBe(before);
    expect(await failures()).toEqual(NO_FAULTS);
  }, 60_000);

  it('exits 0 when the hypothesis holds, and its rollbacks clear a fault still active on success', async () => {
    // A light CPU burn on auth leaves products fast and error-free: the hypothesis holds; the fault outlives the method.
    const file = write(
      'holds',
      base(
        'holds',
        `method:\n  load: { scenario: normal, vus: 2 }\n  warmup: 3s\n  duration: 8s\n  steps:\n    - at: 1s\n      inject: { service: auth, type: cpu, intensity: 1, duration: 600 }\nrollbacks:\n  - reset: auth\n`,
      ),
    );
    const result = await runCli(file);
    expect(result.code, result.stderr).toBe(0);
    const journal = journalOf(result.stdout);
    expect(journal.status).toBe('held');
    expect(journal.events.some((e) => e.kind === 'inject' && e.service === 'auth-service')).toBe(true);
    expect(journal.rollbacks.find((r) => r.action === 'reset auth-service')).toMatchObject({ ok: true, detail: 'cleared cpu' });
    expect(journal.final?.clear).toBe(true);
    expect(await failures()).toEqual(NO_FAULTS);
    const report = readFileSync(join(stack.home, 'experiments', journal.run_id, 'report.html'), 'utf8');
    expect(report).toContain('<svg');
    expect(report).toContain('injection: auth-service cpu');
  }, 120_000);

  it('exits 1 when the hypothesis deviates past the budget, and still rolls back', async () => {
    const file = write(
      'deviates',
      base(
        'deviates',
        `method:\n  load: { scenario: normal, vus: 2 }\n  warmup: 3s\n  duration: 4s\n  steps:\n    - at: 1s\n      inject: { service: product, type: error, probability: 1 }\nrollbacks:\n  - reset: product\n`,
      ),
    );
    const result = await runCli(file);
    expect(result.code, result.stderr).toBe(1);
    const journal = journalOf(result.stdout);
    expect(journal.status).toBe('deviated');
    expect(journal.hypothesis.after?.held).toBe(false);
    expect(journal.rollbacks.find((r) => r.action === 'reset product-service')).toMatchObject({ ok: true, detail: 'cleared error' });
    expect(await failures()).toEqual(NO_FAULTS);
  }, 120_000);

  it('aborts on a stop condition with exit 2, and rolls back (also what was not declared)', async () => {
    const file = write(
      'stops',
      base(
        'stops',
        `method:\n  load: { scenario: normal, vus: 2 }\n  warmup: 3s\n  duration: 30s\n  steps:\n    - at: 1s\n      inject: { service: product, type: error, probability: 1 }\n    - at: 1s\n      inject: { service: auth, type: timeout, intensity: 1, probability: 0.2 }\nstop_conditions:\n  - probe: { name: product not failing, type: metric, service: product, metric: error_ratio, max: 0.5 }\n    samples: 2\nrollbacks:\n  - reset: product\n`,
      ),
    );
    const started = Date.now();
    const result = await runCli(file);
    expect(result.code, result.stderr).toBe(2);
    const journal = journalOf(result.stdout);
    expect(journal.status).toBe('aborted');
    expect(journal.reason).toContain('stop condition "product not failing"');
    expect(Date.now() - started).toBeLessThan(60_000);
    // auth was not in the declared rollbacks: the safety reset clears it.
    expect(journal.rollbacks.map((r) => r.action)).toEqual(['reset product-service', 'reset auth-service']);
    expect(journal.rollbacks.every((r) => r.ok)).toBe(true);
    expect(await failures()).toEqual(NO_FAULTS);
  }, 120_000);

  it('on SIGINT (Ctrl-C) of the child process runs the rollbacks, writes the journal and exits 2', async () => {
    const file = write(
      'interrupted',
      base(
        'interrupted',
        `method:\n  load: { scenario: normal, vus: 2 }\n  warmup: 3s\n  duration: 60s\n  steps:\n    - at: 1s\n      inject: { service: db, type: timeout, intensity: 1, probability: 0.5 }\n    - at: 1s\n      inject: { service: payment, type: error, probability: 1 }\nrollbacks:\n  - reset: [db, payment]\n`,
      ),
    );
    let signalled = false;
    const result = await runCli(file, (line, child) => {
      if (!signalled && line.includes('inject') && line.includes('payment-service')) {
        signalled = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    expect(signalled).toBe(true);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('running the rollbacks');
    const journal = journalOf(result.stdout);
    expect(journal.status).toBe('aborted');
    expect(journal.reason).toContain('interrupted');
    expect(journal.rollbacks.filter((r) => r.ok).map((r) => r.action)).toEqual(['reset db-service', 'reset payment-service']);
    expect(await failures()).toEqual(NO_FAULTS);
  }, 120_000);

  it("holds with a latency fault on db inside product's deadline: product still answers 200, only slower", async () => {
    const file = write(
      'gray',
      base(
        'gray',
        `method:\n  load: { scenario: normal, vus: 2 }\n  warmup: 3s\n  duration: 8s\n  steps:\n    - at: 1s\n      inject: { service: db, type: latency, ms: 300, jitter: 0.2, duration: 60 }\nrollbacks:\n  - reset: db\n`,
      ),
    );
    let dbAnswer: Promise<Awaited<ReturnType<typeof call>>> | undefined;
    const result = await runCli(file, (line) => {
      if (dbAnswer === undefined && line.includes('inject') && line.includes('db-service latency'))
        dbAnswer = call(`${stack.url('db-service')}/products`);
    });
    expect(result.code, result.stderr).toBe(0);
    const journal = journalOf(result.stdout);
    expect(journal.status).toBe('held');
    expect(journal.hypothesis.during.evaluations).toBeGreaterThan(0);
    expect(journal.hypothesis.during.held).toBe(journal.hypothesis.during.evaluations);
    expect(journal.events.find((e) => e.kind === 'inject')).toMatchObject({ service: 'db-service', scope: 'service' });
    expect(journal.events.find((e) => e.kind === 'inject')?.detail).toContain('db-service latency (300 ms, jitter 0.2)');
    expect(journal.score?.fault).toMatchObject({ type: 'latency', scope: 'service' });
    // The delay is real: each db request waits 300 ms × (1 ± 0.2), so at least 240 ms.
    const answer = await dbAnswer;
    expect(answer?.status).toBe(200);
    expect(answer?.ms).toBeGreaterThanOrEqual(200);
    expect(journal.rollbacks.find((r) => r.action === 'reset db-service')).toMatchObject({ ok: true, detail: 'cleared latency' });
    expect(await failures()).toEqual(NO_FAULTS);
  }, 120_000);

  it("a scoped reset step clears only that scope, leaving the other fault in place; the rollbacks clear only the run's scopes", async () => {
    const file = write(
      'scoped',
      base(
        'scoped',
        `method:\n  load: none\n  duration: 6s\n  steps:\n    - at: 1s\n      inject: { service: product, type: error, status: 503, route: /cart/add }\n    - at: 1s\n      inject: { service: product, type: latency, ms: 50, target: db }\n    - at: 3s\n      reset: product\n      target: db\n`,
      ),
    );
    let afterReset: Promise<unknown> | undefined;
    const result = await runCli(file, (line) => {
      if (afterReset === undefined && line.includes('reset') && line.includes('product-service edge:db-service'))
        afterReset = call(`${stack.url('product-service')}/health`).then((health) => health.body.failures);
    });
    expect(result.code, result.stderr).toBe(0);
    expect(await afterReset).toEqual([expect.objectContaining({ type: 'error', scope: 'route:/cart/add', status: 503 })]);
    const journal = journalOf(result.stdout);
    expect(journal.events.filter((e) => e.kind === 'inject').map((e) => e.scope)).toEqual(['route:/cart/add', 'edge:db-service']);
    expect(journal.events.find((e) => e.kind === 'reset')).toMatchObject({ service: 'product-service', scope: 'edge:db-service' });
    expect(journal.events.find((e) => e.kind === 'reset')?.detail).toContain('cleared latency at edge:db-service');
    expect(journal.score?.injections).toEqual([
      { service: 'product-service', type: 'error', scope: 'route:/cart/add' },
      { service: 'product-service', type: 'latency', scope: 'edge:db-service' },
    ]);
    // Nothing declared: the safety resets clear the two scopes the run injected, one by one.
    expect(journal.rollbacks).toEqual([
      expect.objectContaining({ action: 'reset product-service route:/cart/add', ok: true, detail: 'cleared error at route:/cart/add' }),
      expect.objectContaining({ action: 'reset product-service edge:db-service', ok: true, detail: 'cleared nothing' }),
    ]);
    expect(await failures()).toEqual(NO_FAULTS);
  }, 120_000);
});
