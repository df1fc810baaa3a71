import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveChaosToken } from '@archaics/runtime';
import { TELEMETRY_QUERY_PORT } from '@archaics/telemetry-query';
import { call, newUser, startTestStack, type TestStack } from '../../../e2e/support/test-stack.ts';
import { logsCommand } from '../src/commands/logs.command.ts';
import { traceCommand } from '../src/commands/trace.command.ts';
import { DEFAULT_STACK } from '../src/supervisor/stack.ts';
import { removeTempHomes, tempHome, waitFor } from './fixtures/fake-stack.ts';
import { runCli, spawnCli, type RunningCli } from './fixtures/run-cli.ts';

// Below the ephemeral port range (32768+) for every port of the stack, 16686 + offset included.
const OFFSET = 14_000;
const OTLP_PORT = 4318 + OFFSET;
const STACK_RUNS_TELEMETRY = DEFAULT_STACK.some((spec) => spec.name === 'telemetry');
// A telemetry process of the test's own listens where the CLI is told with TELEMETRY_QUERY_URL; the stack's where the CLI looks by default.
const QUERY_URL = `http://127.0.0.1:${STACK_RUNS_TELEMETRY ? TELEMETRY_QUERY_PORT + OFFSET : 30_986}`;

let stack: TestStack;
let telemetry: RunningCli | undefined;
let env: Record<string, string>;
let jwt: string;

/** The stack with a telemetry process: its own when `archaics up` does not run one yet. */
beforeAll(async () => {
  const home = tempHome('cli-telemetry');
  mkdirSync(join(home, 'logs'), { recursive: true });
  if (!STACK_RUNS_TELEMETRY) {
    telemetry = spawnCli(
      [],
      {
        ARCHAICS_HOME: home,
        CHAOS_TOKEN: resolveChaosToken({}, home),
        TELEMETRY_OTLP_PORT: String(OTLP_PORT),
        TELEMETRY_QUERY_PORT: new URL(QUERY_URL).port,
        TELEMETRY_LOG_POLL_MS: '50',
      },
      { command: [process.execPath, '--import', 'tsx', 'services/telemetry/src/main.ts'] },
    );
    await waitFor(
      'the telemetry process',
      async () => ((await call(`${QUERY_URL}/health`, { timeoutMs: 500 }).catch(() => undefined))?.status === 200 ? true : undefined),
      30_000,
    );
  }
  stack = await startTestStack({
    portOffset: OFFSET,
    home,
    ...(STACK_RUNS_TELEMETRY ? {} : { env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${OTLP_PORT}` } }),
  });
  env = { ARCHAICS_HOME: home, ARCHAICS_PORT_OFFSET: String(OFFSET), ...(STACK_RUNS_TELEMETRY ? {} : { TELEMETRY_QUERY_URL: QUERY_URL }) };
  jwt = (await newUser(stack)).jwt;
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  telemetry?.child.kill('SIGTERM');
  await telemetry?.done;
  removeTempHomes();
});

const newTraceId = (): string => randomBytes(16).toString('hex');

/** GET product /products under a trace id of our choosing. */
async function productsRequest(traceId: string): Promise<number> {
  return (await call(`${stack.url('product-service')}/products`, { token: jwt, headers: { 'x-trace-id': traceId } })).status;
}

/** Waits until the trace store has spans of `services.length` services for the trace. */
async function waitForSpans(traceId: string, services: number): Promise<void> {
  await waitFor(
    `spans of trace ${traceId}`,
    async () => {
      const answer = await call(`${QUERY_URL}/api/traces/${traceId}`, { timeoutMs: 1000 }).catch(() => undefined);
      const trace = (answer?.body as { data?: Array<{ processes: Record<string, unknown>; spans: unknown[] }> } | undefined)?.data?.[0];
      return trace && Object.keys(trace.processes).length >= services && trace.spans.length >= 2 * services - 1 ? true : undefined;
    },
    20_000,
  );
}

/** Waits until the logs API has lines of the trace from `services` services. */
async function waitForLogLines(traceId: string, services: number): Promise<void> {
  await waitFor(
    `log lines of trace ${traceId}`,
    async () => {
      const answer = await call(`${QUERY_URL}/api/logs?trace_id=${traceId}`, { timeoutMs: 1000 }).catch(() => undefined);
      const lines = (answer?.body as { data?: Array<{ service: string }> } | undefined)?.data ?? [];
      return new Set(lines.map((l) => l.service)).size >= services ? true : undefined;
    },
    15_000,
  );
}

describe(`archaics ${logsCommand.name}`, { timeout: 60_000 }, () => {
  it('finds the lines of one request across services with --trace, oldest first', async () => {
    const traceId = newTraceId();
    expect(await productsRequest(traceId)).toBe(200);
    await waitForLogLines(traceId, 3);
    const result = await runCli(['logs', '--trace', traceId], env);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    for (const service of ['auth-service', 'db-service', 'product-service']) {
      expect(
        lines.some((line) => new RegExp(`^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} +${service} +INFO +`).test(line)),
        service,
      ).toBe(true);
    }
    expect(lines.every((line) => line.endsWith(`trace=${traceId.slice(0, 8)}`))).toBe(true);
    expect(result.stdout).toMatch(/product-service +INFO +GET \/products 200 /);
    const times = lines.map((line) => line.slice(0, 12));
    expect(times).toEqual([...times].sort());

    const json = await runCli(['logs', '--trace', traceId, '--json'], env);
    const parsed = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { trace_id: string });
    expect(parsed.length).toBe(lines.length);
    expect(parsed.every((line) => line.trace_id === traceId)).toBe(true);
  });

  it('filters by service, level and time', async () => {
    await call(`${stack.url('db-service')}/inject-failure?type=bad_data&duration=5`, { method: 'POST', token: stack.token });
    await call(`${stack.url('db-service')}/reset`, { method: 'POST', token: stack.token });
    const result = await waitFor(
      'the chaos lines',
      async () => {
        const run = await runCli(['logs', 'db', '--level', 'WARN', '--since', '5m', '--limit', '20'], env);
        return run.stdout.includes('Chaos cleared') ? run : undefined;
      },
      15_000,
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(
      lines.every((line) => / db-service +WARN +/.test(line)),
      result.stdout,
    ).toBe(true);
    expect(result.stdout).toMatch(/Chaos injected: bad_data/);
  });

  it('follows new lines until Ctrl-C', async () => {
    const follow = spawnCli(['logs', 'db', '--follow', '--limit', '0'], env);
    try {
      await waitFor('the stream', () => (follow.stderr().includes('following the telemetry process') ? true : undefined), 15_000);
      const traceId = newTraceId();
      await waitFor(
        'the new line',
        async () => {
          await call(`${stack.url('db-service')}/products`, { headers: { 'x-trace-id': traceId } });
          return follow.stdout().includes(`trace=${traceId.slice(0, 8)}`) ? true : undefined;
        },
        15_000,
      );
      expect(follow.stdout()).toMatch(new RegExp(`db-service +INFO +GET /products 200 .*trace=${traceId.slice(0, 8)}`));
      follow.child.kill('SIGINT');
      expect((await follow.done).code).toBe(0);
    } finally {
      follow.child.kill('SIGKILL');
    }
  });

  it('says so when no line matches', async () => {
    const result = await runCli(['logs', '--trace', newTraceId()], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no lines match \(every service, trace [0-9a-f]{32}, the last hour\)/);
  });
});

describe(`archaics ${traceCommand.name}`, { timeout: 60_000 }, () => {
  it('renders the spans of a request as a waterfall', async () => {
    const traceId = newTraceId();
    expect(await productsRequest(traceId)).toBe(200);
    await waitForSpans(traceId, 3);
    const result = await runCli(['trace', traceId, '--width', '40'], env);
    expect(result.code, result.stderr).toBe(0);
    const [header, , columns, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(
      new RegExp(`^trace ${traceId}  [\\d.]+ m?s, \\d+ spans, 3 services \\(auth-service, db-service, product-service\\), no errors$`),
    );
    expect(columns).toMatch(/^ {2}service +operation +start +duration +0 +[\d.]+ m?s +status$/);
    // The root starts the trace; a child may end a little after it (each process has its own clock).
    expect(rows[0]).toMatch(/^ {2}product-service +GET \/products +0\.00 ms +[\d.]+ m?s +\|█{20,40} *\| +200$/);
    // Children are indented under their parent, with a bar inside the trace's.
    expect(rows.some((row) => /^ {2}product-service +[├└]─ GET auth-service/.test(row))).toBe(true);
    expect(rows.some((row) => /^ {2}auth-service +[│ ] +└─ GET \/validate/.test(row))).toBe(true);
    expect(rows.some((row) => /^ {2}db-service +[│ ] +└─ GET \/products/.test(row))).toBe(true);
    for (const row of rows) expect(row).toMatch(/\|[ █]{40}\|/);
  });

  it('marks the failed spans of a request that hit a fault', async () => {
    await call(`${stack.url('db-service')}/inject-failure?type=error&probability=1&duration=20`, { method: 'POST', token: stack.token });
    const traceId = newTraceId();
    try {
      expect(await productsRequest(traceId)).toBe(502);
    } finally {
      await call(`${stack.url('db-service')}/reset`, { method: 'POST', token: stack.token });
    }
    await waitForSpans(traceId, 3);
    const result = await runCli(['trace', traceId], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\d+ errors?$/m);
    expect(result.stdout).toMatch(/^ {2}product-service +GET \/products ✗ .* 502/m);
    expect(result.stdout).toMatch(/^ {2}db-service +.*└─ GET \/products ✗ .* 500/m);

    const json = JSON.parse((await runCli(['trace', traceId, '--json'], env)).stdout) as {
      spans: Array<{ service: string; depth: number; error: boolean; parent_span_id: string | null }>;
    };
    expect(json.spans[0]).toMatchObject({ service: 'product-service', depth: 0, error: true, parent_span_id: null });
    expect(json.spans.filter((s) => s.error).length).toBeGreaterThanOrEqual(2);
  });

  it('exits 1 when the trace store does not know the trace', async () => {
    const traceId = newTraceId();
    const result = await runCli(['trace', traceId], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no trace ${traceId} in the telemetry process (trace store) at ${QUERY_URL}`);
  });
});
