import { relative, resolve, sep } from 'node:path';
import { chaosTokenPath, readChaosToken, resolveChaosToken } from '@archaics/runtime';
import { TELEMETRY_QUERY_PORT } from '@archaics/telemetry-query';
import { SERVICE_PORTS } from '@archaics/contracts';
import { createConsolePrinter, describe } from '../supervisor/console-printer.ts';
import { formatMs } from '../supervisor/managed-process.ts';
import { DEFAULT_STACK, loadStackFile, type ProcessSpec } from '../supervisor/stack.ts';
import { readSupervisorConfig } from '../supervisor/supervisor.config.ts';
import {
  AlreadyRunningError,
  MissingEntryError,
  PortInUseError,
  StartupError,
  startSupervisor,
  type Supervisor,
} from '../supervisor/supervisor.ts';
import { defineCommand, noMorePositionals, UsageError, type CommandContext, type CommandOptions, type ParsedArguments } from './command.ts';
import { ENVIRONMENT, usage } from './usage.ts';

const OPTIONS = {
  quiet: { type: 'boolean', short: 'q', default: false },
  json: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  stack: { type: 'string' },
} as const satisfies CommandOptions;

export const upCommand = defineCommand({
  name: 'up',
  usage: usage({
    synopsis: 'archaics up [options]',
    description: `Starts every service of the stack as its own process, restarts them when they exit,
keeps their logs in <state folder>/logs, and stops them all on Ctrl-C.`,
    options: [
      ['-q, --quiet', 'show only WARN and ERROR lines'],
      ['--json', 'print the raw JSON log lines (the summary goes to stderr)'],
      ['--timeout <s>', 'how long to wait for every /health to answer 200 (default 30)'],
      [
        '--stack <file>',
        'a JSON list of process specs {name, dir, entry, port, env} instead\nof the built-in stack (dir relative to the repository root)',
      ],
    ],
    environment: [
      ENVIRONMENT.home,
      ENVIRONMENT.portOffset,
      ['SUPERVISOR_PORT', 'control interface port (default 8099 + offset)'],
      ['CHAOS_TOKEN', 'the chaos token (default: generated into the state folder)'],
      ['LOG_MAX_BYTES', 'log file size before rotation (default 10 MiB, 3 kept)'],
    ],
  }),
  options: OPTIONS,
  run,
});

async function run({ values, positionals }: ParsedArguments<typeof OPTIONS>, context: CommandContext): Promise<number> {
  const startedAt = Date.now();
  noMorePositionals(positionals, 0);
  const { stdout, stderr, env, cwd } = context;
  const timeoutS = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0)
    throw new UsageError(`--timeout must be a positive number of seconds, got "${values.timeout}"`);
  const services: readonly ProcessSpec[] = values.stack ? loadStackFile(resolve(cwd, values.stack)) : DEFAULT_STACK;

  const config = readSupervisorConfig(env, cwd);
  const chaosToken = resolveChaosToken(env, config.home);
  const tokenFromEnv = readChaosToken(env, config.home)?.source === 'CHAOS_TOKEN';
  const info = values.json ? stderr : stdout;
  const printer = createConsolePrinter({
    format: values.json ? 'json' : 'pretty',
    quiet: values.quiet,
    color: Boolean(stdout.isTTY) && !env.NO_COLOR,
    nameWidth: Math.max('supervisor'.length, ...services.map((s) => s.name.length)),
    write: (text) => stdout.write(text),
  });

  let supervisor: Supervisor;
  try {
    supervisor = await startSupervisor({
      home: config.home,
      services,
      chaosToken,
      portOffset: config.portOffset,
      controlPort: config.controlPort,
      logMaxBytes: config.logMaxBytes,
      env,
      onRecord: printer,
    });
  } catch (error) {
    if (error instanceof PortInUseError) {
      stderr.write(
        `archaics up: ${error.message}.\n` +
          `  Is another stack running? Stop it, or run a second one with ARCHAICS_PORT_OFFSET (e.g. ARCHAICS_PORT_OFFSET=100).\n`,
      );
      return 1;
    }
    if (error instanceof MissingEntryError) {
      stderr.write(`archaics up: ${error.message}.\n`);
      return 1;
    }
    if (error instanceof AlreadyRunningError) {
      stderr.write(`archaics up: ${error.message}.\n  Stop it first, or use another ARCHAICS_HOME.\n`);
      return 1;
    }
    throw error;
  }
  const detach = guardProcess(supervisor, info);

  try {
    await supervisor.waitHealthy(timeoutS * 1000);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    if (error.unhealthy.length === 0) {
      await supervisor.stopped;
      detach();
      return 0;
    }
    stderr.write(`\narchaics up: ${error.message}\n`);
    for (const service of error.unhealthy) {
      const exit = service.lastExit ? `, last exit ${service.lastExit.signal ?? `code ${service.lastExit.code}`}` : '';
      stderr.write(
        `\n  ${service.name} (${service.state}${exit}) — last lines of ${relativeTo(cwd, supervisor.logsDir)}${sep}${service.name}.log:\n`,
      );
      if (service.recent.length === 0) stderr.write('    (it printed nothing)\n');
      for (const record of service.recent) stderr.write(`    ${record.level.padEnd(5)} ${describe(record)}\n`);
    }
    stderr.write('\n');
    await supervisor.stop();
    detach();
    return 1;
  }

  info.write(
    summary(supervisor, {
      cwd,
      tookMs: Date.now() - startedAt,
      tokenSource: tokenFromEnv ? null : chaosTokenPath(config.home),
    }),
  );
  await supervisor.stopped;
  detach();
  return 0;
}

/**
 * First Ctrl-C (or SIGTERM): graceful stop. Second: SIGKILL at once. An exception in the
 * supervisor, or any exit, kills the children first so none is left behind.
 */
function guardProcess(supervisor: Supervisor, info: CommandContext['stdout']): () => void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      info.write(`\n${signal}: stopping every service (press Ctrl-C again to kill them at once)\n`);
      void supervisor.stop();
      return;
    }
    info.write(`\n${signal}: killing every service\n`);
    supervisor.killAll();
    process.exit(130);
  };
  const onFatal = (error: unknown): void => {
    process.stderr.write(`archaics up: fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    supervisor.killAll();
    process.exit(1);
  };
  const onExit = (): void => supervisor.killAll();
  const signalNames: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const name of signalNames) process.on(name, onSignal);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  process.on('exit', onExit);
  return () => {
    for (const name of signalNames) process.off(name, onSignal);
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
    process.off('exit', onExit);
  };
}

/** What the summary says beside a process's URL. */
const SERVICE_NOTES: Readonly<Record<string, string>> = {
  telemetry: 'OTLP/HTTP in: POST /v1/traces',
  'anomaly-detector': 'learns a baseline for the first minute; GET /anomalies',
  'ai-operator': 'heals what the detector reports; GET /incidents',
  dashboard: 'open it in a browser; /control is the phone page',
};

interface SummaryInput {
  readonly cwd: string;
  readonly tookMs: number;
  /** Path of the token file, or null when the token came from CHAOS_TOKEN. */
  readonly tokenSource: string | null;
}

/** The telemetry query side (Jaeger's API and the logs API), when the stack runs it. */
function queryUrls(supervisor: Supervisor): Array<[string, string]> {
  const telemetry = supervisor.status().find((s) => s.name === 'telemetry');
  if (!telemetry) return [];
  const offset = Number(new URL(telemetry.url).port) - SERVICE_PORTS.telemetry;
  const base = `http://127.0.0.1:${TELEMETRY_QUERY_PORT + offset}`;
  return [
    ['traces', `${base}/api/traces?service=product-service  (Jaeger's query API)`],
    ['logs API', `${base}/api/logs?service=db-service&level=WARN  (/api/logs/stream to follow)`],
  ];
}

function summary(supervisor: Supervisor, input: SummaryInput): string {
  const services = supervisor.status();
  const width = Math.max(14, ...services.map((s) => s.name.length)) + 2;
  const row = (label: string, value: string): string => `  ${label.padEnd(width)}${value}`;
  const tokenExpr = input.tokenSource === null ? '$CHAOS_TOKEN' : `$(cat ${shellQuote(relativeTo(input.cwd, input.tokenSource))})`;
  const auth = `-H "Authorization: Bearer ${tokenExpr}"`;
  const pick = (name: string): string => (services.find((s) => s.name === name) ?? services[0])?.url ?? '';
  const healthUrl = pick('product-service');
  const faultUrl = pick('db-service');
  return [
    '',
    `archaics is up: ${services.length} services healthy in ${formatMs(input.tookMs)}`,
    '',
    row('service', 'url'),
    ...services.map((s) => row(s.name, SERVICE_NOTES[s.name] ? `${s.url}  (${SERVICE_NOTES[s.name]})` : s.url)),
    ...queryUrls(supervisor).map(([label, url]) => row(label, url)),
    '',
    row('chaos token', input.tokenSource === null ? 'from CHAOS_TOKEN' : relativeTo(input.cwd, input.tokenSource)),
    row('logs', `${relativeTo(input.cwd, supervisor.logsDir)}${sep}`),
    row('control', `${supervisor.controlUrl}  (GET /services, POST /services/{name}/restart; same token)`),
    '',
    '  try:',
    `    curl ${healthUrl}/health`,
    `    curl -X POST "${faultUrl}/inject-failure?type=timeout&intensity=2&duration=60" ${auth}`,
    `    curl -X POST ${faultUrl}/reset ${auth}`,
    '',
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

function relativeTo(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
