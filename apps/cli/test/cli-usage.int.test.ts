import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/registry.ts';
import { main } from '../src/main.ts';
import { removeTempHomes, tempHome } from './fixtures/fake-stack.ts';
import { runCli } from './fixtures/run-cli.ts';

afterAll(removeTempHomes);

// Nothing listens on these ports: every service, the supervisor and telemetry are unreachable.
const OFFSET = 24_500;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function emptyStack(): Record<string, string> {
  const home = tempHome('cli-usage');
  writeFileSync(join(home, 'chaos-token'), 'usage-test-token\n', { mode: 0o600 });
  return { ARCHAICS_HOME: home, ARCHAICS_PORT_OFFSET: String(OFFSET) };
}

// Many CLI processes at once: slow on a loaded machine.
const MANY = 90_000;

describe(main.name, () => {
  it(
    'shows the usage of every command with --help and exits 0',
    async () => {
      const env = emptyStack();
      const results = await Promise.all(
        COMMANDS.map(async (command) => ({ command, result: await runCli([command.name, '--help'], env) })),
      );
      for (const { command, result } of results) {
        expect(result.code, `${command.name} --help: ${result.stderr}`).toBe(0);
        expect(result.stdout, command.name).toContain(`archaics ${command.name}`);
      }
      const overview = await runCli(['help'], env);
      for (const name of ['status', 'inject', 'reset', 'load', 'logs', 'trace'])
        expect(overview.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    },
    MANY,
  );

  it(
    'documents what each command promises in its help',
    async () => {
      const env = emptyStack();
      const [reset, inject, logs, trace] = await Promise.all([
        runCli(['reset', '--help'], env),
        runCli(['inject', '--help'], env),
        runCli(['logs', '--help'], env),
        runCli(['trace', '--help'], env),
      ]);
      expect(reset.stdout).toContain('X-Archaics-Reason');
      expect(reset.stdout).toContain('halt-all');
      expect(inject.stdout).toMatch(/^ +bad_data +db only/m);
      for (const type of ['latency', 'leak', 'partition', 'blackhole']) expect(inject.stdout).toMatch(new RegExp(`^ +${type} +\\S`, 'm'));
      for (const option of ['--ms', '--jitter', '--status', '--route', '--target']) expect(inject.stdout).toContain(`${option} <`);
      expect(reset.stdout).toContain('archaics reset SERVICE [--route R | --target T | --scope S]');
      expect(logs.stdout).toContain('LOKI_URL');
      expect(trace.stdout).toContain('JAEGER_URL');
    },
    MANY,
  );

  it(
    'exits 2 with a message naming the bad argument',
    async () => {
      const env = emptyStack();
      const cases: Array<[string[], RegExp]> = [
        [['status', '--window', '0'], /--window must be a number 0\.2\.\.30, got "0"/],
        [['status', '--bogus'], /'--bogus'/],
        [['inject', 'db'], /needs a SERVICE and a fault TYPE/],
        [['inject', 'payments', 'error'], /unknown service "payments"; one of auth, db, product, payment/],
        [['inject', 'db', 'slow'], /unknown fault type "slow"; one of timeout, error, cpu, crash, bad_data/],
        [['inject', 'auth', 'bad_data'], /bad_data applies to db-service only/],
        [['inject', 'db', 'timeout', '--intensity', '11'], /--intensity must be an integer 1\.\.10, got "11"/],
        [['inject', 'db', 'timeout', '--probability', '1.5'], /--probability must be a number 0\.\.1/],
        [['inject', 'db', 'timeout', '--duration', 'soon'], /--duration must be a duration/],
        [['inject', 'db', 'latency', '--ms', '0'], /--ms must be an integer 1\.\.30000, got "0"/],
        [['inject', 'product', 'partition'], /partition needs --target/],
        [['inject', 'product', 'error', '--route', '/nope'], /--route "\/nope" is not a route of product-service/],
        [['reset', 'db', '--target', 'auth'], /--target: db-service calls no other service/],
        [['reset'], /which service\?/],
        [['reset', 'db', '--all'], /not both/],
        [['load'], /which scenario\? one of .*normal/],
        [['load', 'nosuch'], /no scenario "nosuch"/],
        [['load', 'normal', '--vus', '0'], /--vus must be an integer/],
        [['logs', '--level', 'LOUD'], /--level must be one of DEBUG, INFO, WARN, ERROR/],
        [['logs', '--since', 'yesterday'], /--since must be a duration/],
        [['logs', 'nosuch'], /unknown service "nosuch"/],
        [['logs', '--trace', 'xyz'], /--trace must be a trace id/],
        [['trace'], /needs a trace ID/],
        [['trace', 'not-a-trace'], /"not-a-trace" is not a trace id/],
      ];
      const results = await Promise.all(cases.map(async ([args, message]) => ({ args, message, result: await runCli(args, env) })));
      for (const { args, message, result } of results) {
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
        expect(result.stderr, args.join(' ')).toMatch(message);
        expect(result.stderr, args.join(' ')).toContain(`run \`archaics help ${args[0]}\``);
      }
    },
    MANY,
  );

  it(
    'exits 1 naming the service and its URL when nothing answers',
    async () => {
      const env = emptyStack();
      const url = (port: number): string => `http://127.0.0.1:${port + OFFSET}`;
      const [status, inject, reset, load, logs, trace] = await Promise.all([
        runCli(['status'], env),
        runCli(['inject', 'db', 'timeout'], env),
        runCli(['reset', 'auth'], env),
        runCli(['load', 'products', '--duration', '1s'], env),
        runCli(['logs'], env),
        runCli(['trace', TRACE_ID], env),
      ]);
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(/^ {2}auth-service +down/m);
      for (const [service, port] of [
        ['auth-service', 8001],
        ['db-service', 8002],
        ['product-service', 8003],
        ['payment-service', 8004],
      ] as const) {
        expect(status.stderr).toContain(`${service} is not answering at ${url(port)}`);
      }
      expect(inject).toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`db-service is not answering at ${url(8002)} (connection refused)`),
      });
      expect(reset).toMatchObject({ code: 1, stderr: expect.stringContaining(`auth-service is not answering at ${url(8001)}`) });
      expect(load.code).toBe(1);
      expect(
        [`auth-service is not answering at ${url(8001)}`, `product-service is not answering at ${url(8003)}`].some((text) =>
          load.stderr.includes(text),
        ),
        load.stderr,
      ).toBe(true);
      expect(logs).toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`the telemetry process (logs API) is not answering at ${url(16_686)}`),
      });
      expect(trace).toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`the telemetry process (trace store) is not answering at ${url(16_686)}`),
      });
    },
    MANY,
  );

  it('goes on past every unreachable service with reset --all and reports each', async () => {
    const result = await runCli(['reset', '--all', '--reason', 'drill'], emptyStack());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('halt-all: resetting every service — reason: drill');
    expect(result.stdout.match(/FAILED/g)).toHaveLength(4);
    expect(result.stdout).toContain('4 of 4 could not be reset');
  });

  it('exits 1 explaining where the chaos token comes from when there is none', async () => {
    const home = tempHome('cli-no-token');
    const result = await runCli(['inject', 'db', 'timeout'], { ARCHAICS_HOME: home, ARCHAICS_PORT_OFFSET: String(OFFSET) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `no chaos token: set CHAOS_TOKEN, or start the stack (\`npm start\` writes ${join(home, 'chaos-token')})`,
    );
  });
});
