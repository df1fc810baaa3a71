import { setTimeout as sleep } from 'node:timers/promises';
import {
  BUSINESS_SERVICES,
  isBusinessService,
  scopeLabel,
  type BusinessService,
  type FailureState,
  type HealthResponse,
} from '@archaics/contracts';
import type { MetricsReader } from '@archaics/telemetry-query';
import type { ServiceStatus, StackClient } from '@archaics/client';
import { readCliConfig, type CliConfig } from '../client/cli.config.ts';
import { cliStack, commandErrorOf } from '../client/cli-stack.ts';
import { cliTelemetry, telemetryFailure, type Backend } from '../client/telemetry.readers.ts';
import { painterFor, type Painter } from '../format/color.ts';
import { faultParameters, faultParameterWords, timeLeft } from '../format/fault.ts';
import { renderTable } from '../format/table.ts';
import { formatMillis, formatPercent, formatSeconds } from '../format/units.ts';
import { readSupervisorFile } from '../supervisor/supervisor-file.ts';
import { numberOption } from './arguments.ts';
import { defineCommand, noMorePositionals, type CommandContext, type CommandOptions, type ParsedArguments } from './command.ts';
import { ENVIRONMENT, usage } from './usage.ts';

const OPTIONS = {
  window: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies CommandOptions;

export const statusCommand = defineCommand({
  name: 'status',
  usage: usage({
    synopsis: 'archaics status [options]',
    description: `A table of every business service: health (up/down and uptime), the active fault with
its time left (from /health), requests per second, error ratio (5xx), p95 latency and
CPU (100% = one core) from the metrics reader (two scrapes of /metrics --window apart, or
Prometheus when PROMETHEUS_URL is set), and, when a supervisor runs for the state folder,
the state and restarts of each process. Below it, one line per active fault with its
scope (service, route:<template>, edge:<upstream>), its parameters and its time left.`,
    options: [
      ['--window <s>', 'seconds between the two /metrics scrapes (default 1; 0.2..30)'],
      ['--json', 'print one JSON object instead of the table'],
    ],
    exitCode: '0 when every service answers, 1 when one does not (named on stderr).',
    environment: [ENVIRONMENT.serviceUrls, ENVIRONMENT.portOffset, ENVIRONMENT.home, ENVIRONMENT.chaosToken, ENVIRONMENT.prometheus],
  }),
  options: OPTIONS,
  run,
});

/** One row of the report; `--json` prints these. */
export interface ServiceReport {
  readonly service: BusinessService;
  readonly url: string;
  readonly up: boolean;
  readonly error: string | null;
  readonly uptime_s: number | null;
  readonly version: string | null;
  /** The service-wide fault, or null. */
  readonly failure: FailureState | null;
  /** Every active fault: service-wide, per route and per edge. */
  readonly failures: readonly FailureState[];
  readonly rps: number | null;
  readonly error_ratio: number | null;
  readonly p95_ms: number | null;
  /** CPU cores in use over the window (1 = one core busy). */
  readonly cpu_cores: number | null;
  readonly supervisor: { readonly state: string; readonly restarts: number; readonly pid: number | null } | null;
}

interface SupervisorReport {
  readonly running: boolean;
  readonly control_url: string | null;
  readonly error: string | null;
}

async function run({ values, positionals }: ParsedArguments<typeof OPTIONS>, context: CommandContext): Promise<number> {
  const { stdout, stderr, env, cwd } = context;
  noMorePositionals(positionals, 0);
  const windowS = values.window === undefined ? 1 : numberOption('window', values.window, 0.2, 30);
  const config = readCliConfig(env, cwd);

  // A scrape gets 3 s here rather than the readers' 1 s: a busy laptop is no reason to show a service without traffic.
  const metrics = cliTelemetry({ SCRAPE_TIMEOUT_MS: '3000', ...env }).metrics;
  const [health, traffic, supervised] = await Promise.all([
    readHealth(cliStack(config, env)),
    readTraffic(metrics, windowS),
    readSupervisor(config, cliStack(config, env)),
  ]);
  const reports: ServiceReport[] = BUSINESS_SERVICES.map((service) => {
    const answer = health.get(service);
    const sample = traffic.get(service);
    const managed = supervised.services.find((s) => s.name === service);
    const up = answer !== undefined && !(answer instanceof Error);
    return {
      service,
      url: config.services[service],
      up,
      error: answer instanceof Error ? answer.message : null,
      uptime_s: up ? answer.uptime_s : null,
      version: up ? answer.version : null,
      failure: up ? answer.failure : null,
      // A service of the seed reports its one fault as `failure` only.
      failures: up ? (answer.failures ?? (answer.failure ? [answer.failure] : [])) : [],
      rps: sample?.rps ?? null,
      error_ratio: sample?.errorRatio ?? null,
      p95_ms: sample?.p95Ms ?? null,
      cpu_cores: sample?.cpuCores ?? null,
      supervisor: managed ? { state: managed.state, restarts: managed.restarts, pid: managed.pid } : null,
    };
  });

  // Processes of the stack that are not business services (the telemetry process, ...), as the supervisor sees them.
  const others = supervised.services
    .filter((s) => !isBusinessService(s.name))
    .map((s) => ({ name: s.name, url: s.url, state: s.state, restarts: s.restarts, pid: s.pid }));
  if (values.json) {
    stdout.write(
      `${JSON.stringify({ services: reports, other_processes: others, supervisor: supervised.report, window_s: windowS }, null, 2)}\n`,
    );
  } else {
    stdout.write(render(reports, others, supervised.report, painterFor(stdout, env)));
  }
  const down = reports.filter((r) => !r.up);
  for (const report of down) stderr.write(`archaics status: ${report.error ?? `${report.service} is not answering at ${report.url}`}\n`);
  return down.length === 0 ? 0 : 1;
}

async function readHealth(stack: StackClient): Promise<Map<BusinessService, HealthResponse | Error>> {
  const answers = await Promise.all(
    BUSINESS_SERVICES.map(async (service): Promise<[BusinessService, HealthResponse | Error]> => {
      try {
        return [service, await stack.services.health(service, { timeoutMs: 3000 })];
      } catch (error) {
        const failure = commandErrorOf(error);
        return [service, failure instanceof Error ? failure : new Error(String(failure))];
      }
    }),
  );
  return new Map(answers);
}

interface Traffic {
  readonly rps: number;
  readonly errorRatio: number;
  readonly p95Ms: number | null;
  readonly cpuCores: number | null;
}

/**
 * Rates from the metrics reader: direct scrapes need two samples `windowS` apart (a
 * service missing from either has none); Prometheus answers over its own window at once.
 */
async function readTraffic(metrics: Backend<MetricsReader>, windowS: number): Promise<Map<BusinessService, Traffic>> {
  let sample;
  try {
    sample = await metrics.reader.sample();
    if (sample.services.some((s) => s.up && s.windowSeconds === null)) {
      await sleep(windowS * 1000);
      sample = await metrics.reader.sample();
    }
  } catch (error) {
    throw telemetryFailure(error, metrics);
  }
  const traffic = new Map<BusinessService, Traffic>();
  for (const service of sample.services) {
    if (!service.up || service.windowSeconds === null) continue;
    traffic.set(service.service, {
      rps: service.requestRate,
      errorRatio: service.errorRatio,
      p95Ms: service.latency.p95 === null ? null : service.latency.p95 * 1000,
      cpuCores: service.cpuCores,
    });
  }
  return traffic;
}

/** The supervisor's view, when one runs for the state folder; never fails the command. */
async function readSupervisor(config: CliConfig, stack: StackClient): Promise<{ services: ServiceStatus[]; report: SupervisorReport }> {
  const file = readSupervisorFile(config.home);
  if (!file) return { services: [], report: { running: false, control_url: null, error: null } };
  try {
    return {
      services: await stack.supervisor.listServices({ timeoutMs: 2000 }),
      report: { running: true, control_url: file.control_url, error: null },
    };
  } catch (error) {
    return { services: [], report: { running: false, control_url: file.control_url, error: (error as Error).message } };
  }
}

interface OtherProcess {
  readonly name: string;
  readonly url: string;
  readonly state: string;
  readonly restarts: number;
}

function render(reports: readonly ServiceReport[], others: readonly OtherProcess[], supervisor: SupervisorReport, paint: Painter): string {
  const supervised = supervisor.running;
  const columns = [
    { header: 'service' },
    { header: 'health' },
    { header: 'uptime', align: 'right' as const },
    { header: 'fault' },
    { header: 'rps', align: 'right' as const },
    { header: 'errors', align: 'right' as const },
    { header: 'p95', align: 'right' as const },
    { header: 'cpu', align: 'right' as const },
    ...(supervised ? [{ header: 'process' }, { header: 'restarts', align: 'right' as const }] : []),
  ];
  const rows = reports.map((r) => [
    r.service,
    r.up ? paint('green', 'up') : paint('red', 'down'),
    r.uptime_s === null ? '-' : formatSeconds(r.uptime_s),
    r.up ? faultCell(r, paint) : '-',
    r.rps === null ? '-' : r.rps.toFixed(1),
    r.error_ratio === null ? '-' : r.error_ratio > 0 ? paint('red', formatPercent(r.error_ratio)) : formatPercent(r.error_ratio),
    r.p95_ms === null ? '-' : formatMillis(r.p95_ms),
    r.cpu_cores === null ? '-' : formatPercent(r.cpu_cores),
    ...(supervised ? [r.supervisor?.state ?? '-', r.supervisor === null ? '-' : String(r.supervisor.restarts)] : []),
  ]);
  const lines = [renderTable(columns, rows)];
  const faults = reports.flatMap((r) => r.failures.map((failure) => [r.service, failure] as const));
  if (faults.length > 0) {
    const columns = [{ header: 'service' }, { header: 'fault' }, { header: 'scope' }, { header: 'parameters' }, { header: 'time' }];
    const rows = faults.map(([service, f]) => [service, paint('yellow', f.type), scopeLabel(f), faultParameterWords(f), timeLeft(f)]);
    lines.push('\n', renderTable(columns, rows));
  }
  for (const other of others) {
    const state = other.state === 'running' ? other.state : paint('yellow', other.state);
    lines.push(
      `  ${other.name.padEnd('product-service'.length)}  ${state}, ${other.restarts} restart${other.restarts === 1 ? '' : 's'}  ${paint('dim', other.url)}\n`,
    );
  }
  if (supervisor.running) lines.push(`\n  supervisor  ${supervisor.control_url}\n`);
  else if (supervisor.error !== null)
    lines.push(`\n  supervisor  ${paint('yellow', `supervisor.json names ${supervisor.control_url}, but: ${supervisor.error}`)}\n`);
  else
    lines.push(
      `\n  supervisor  ${paint('dim', 'none for this state folder (services run some other way, or `npm start` is not running)')}\n`,
    );
  return lines.join('');
}

/** The table's fault cell: the one fault described, `none`, or how many (each is listed below the table). */
function faultCell(report: ServiceReport, paint: Painter): string {
  const { failures } = report;
  if (failures.length === 0) return 'none';
  const [only] = failures;
  if (failures.length === 1 && only !== undefined) {
    const scope = scopeLabel(only);
    return paint('yellow', scope === 'service' ? describeFailure(only) : `${only.type} on ${scope}, ${timeLeft(only)}`);
  }
  return paint('yellow', `${failures.length} faults (below)`);
}

/** `timeout ×2 p=0.4, 57s left` / `error p=1, until reset` / `latency ms=300 jitter=0.5 p=1, until reset`. */
export function describeFailure(failure: FailureState): string {
  const intensity = failure.intensity === 1 ? '' : ` ×${failure.intensity}`;
  const parameters = faultParameters(failure).map(([name, value]) => ` ${name}=${value}`);
  return `${failure.type}${intensity}${parameters.join('')} p=${failure.probability}, ${timeLeft(failure)}`;
}
