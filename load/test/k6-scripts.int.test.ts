import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS_DIR, loadScenario, runScenario, scenarioNames } from '../src/index.ts';
import { startFakeStack, type FakeStack } from './support/fake-stack.ts';

// The k6 scripts run under Node with fake `k6` and `k6/http` modules (test/support/fake-k6): they must load
// as ES modules importing only k6 modules, build k6 options from the shared definitions, and send the
// same requests as the built-in runner.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const K6_DIR = join(ROOT, 'load/k6');
const FAKE_K6 = join(ROOT, 'load/test/support/fake-k6');

interface K6Request {
  method: string;
  url: string;
  body: Record<string, unknown> | null;
  headers: Record<string, string>;
  tags: { name?: string };
}
interface HarnessResult {
  script: string;
  error?: string;
  options?: { scenarios: Record<string, unknown>; thresholds: Record<string, string[]> };
  setupRequests?: K6Request[];
  iterations?: K6Request[][];
  checks?: Array<{ name: string; ok: boolean }>;
}

async function runHarness(scripts: string[], env: Record<string, string> = {}): Promise<HarnessResult[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', join(FAKE_K6, 'register.mjs'), join(FAKE_K6, 'harness.mjs'), ...scripts],
    {
      cwd: ROOT,
      env: { ...process.env, K6_ENV: JSON.stringify(env) },
    },
  );
  return JSON.parse(stdout) as HarnessResult[];
}

const scriptOf = (name: string): string => join(K6_DIR, `${name}.js`);
const rawDefinition = (name: string): { load: unknown; thresholds: unknown } =>
  JSON.parse(readFileSync(join(SCENARIOS_DIR, `${name}.json`), 'utf8'));

let results: HarnessResult[];
let stack: FakeStack;

beforeAll(async () => {
  results = await runHarness(scenarioNames().map(scriptOf));
  stack = await startFakeStack();
});
afterAll(async () => {
  await stack.stop();
});

describe('k6 scripts', () => {
  it('exist for every shared scenario and nothing else', () => {
    expect(
      readdirSync(K6_DIR)
        .filter((f) => f.endsWith('.js'))
        .map((f) => f.replace(/\.js$/, ''))
        .sort(),
    ).toEqual(scenarioNames());
  });

  it('differ only in their scenario name', () => {
    const [first, ...others] = scenarioNames().map((name) => readFileSync(scriptOf(name), 'utf8').replaceAll(name, 'NAME'));
    for (const other of others) expect(other).toBe(first);
  });

  it('import only k6 modules', () => {
    for (const name of scenarioNames()) {
      const source = readFileSync(scriptOf(name), 'utf8');
      const imports = [...source.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
      expect(imports, name).toEqual(['k6/http', 'k6']);
      expect(source, name).not.toMatch(/\brequire\s*\(|\bimport\s*\(/);
    }
  });

  it('load as ES modules with only k6 modules resolvable', () => {
    for (const result of results) expect(result.error, result.script).toBeUndefined();
  });

  it('carry the stages, VUs and thresholds of the shared definitions', () => {
    for (const [i, name] of scenarioNames().entries()) {
      const { options } = results[i] as HarnessResult;
      const raw = rawDefinition(name);
      expect(options?.scenarios, name).toEqual({ [name]: raw.load });
      expect(options?.thresholds, name).toEqual(raw.thresholds);
    }
  });

  it('refuse targets off this machine unless ALLOW_REMOTE=1', async () => {
    const remote = { PRODUCT_SERVICE_URL: 'http://product-service.archaics.svc:8003' };
    const [refused] = await runHarness([scriptOf('normal')], remote);
    expect(refused?.error).toContain('is not on this machine');
    const [allowed] = await runHarness([scriptOf('normal')], { ...remote, ALLOW_REMOTE: '1' });
    expect(allowed?.error).toBeUndefined();
    expect(allowed?.iterations?.[0]?.[2]?.url).toBe('http://product-service.archaics.svc:8003/products');
  });

  it('send the same requests as the built-in runner', async () => {
    for (const [i, name] of scenarioNames().entries()) {
      const k6 = results[i] as HarnessResult;
      const definition = loadScenario(name);
      // Two iterations on one VU, no think time: the built-in runner's view of the same journey.
      const summary = await runScenario(
        { ...definition, journey: { ...definition.journey, thinkTime: { min: 0, max: 0 } } },
        {
          env: stack.env(),
          overrides: { executor: 'constant-arrival-rate', rate: 2, duration: '1s', vus: 1 },
        },
      );
      expect(summary.iterations.completed, name).toBe(2);
      const shape = (method: string, path: string, body: unknown, authorized: boolean): string =>
        `${method} ${path} ${body === null || body === undefined ? '-' : Object.keys(body).sort().join(',')} ${authorized ? 'bearer' : 'anonymous'}`;
      const builtIn = stack.server.requests.map((r) => shape(r.method, r.path, r.body, r.headers.authorization !== undefined));
      const fromK6 = [...(k6.setupRequests ?? []), ...(k6.iterations ?? []).flat()].map((r) =>
        shape(r.method, new URL(r.url).pathname, r.body, r.headers.Authorization !== undefined),
      );
      expect(builtIn, name).toEqual(fromK6);
      expect(Object.keys(summary.checks.byName).sort(), name).toEqual([...new Set(k6.checks?.map((c) => c.name))].sort());
      stack.server.requests.length = 0;
    }
  }, 60_000);
});
