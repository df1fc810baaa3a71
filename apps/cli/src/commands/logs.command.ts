import { LOG_LEVELS, PLATFORM_SERVICES, type LogLevel, type LogLine } from '@archaics/contracts';
import { normaliseTraceId } from '@archaics/telemetry-query';
import { cliTelemetry, telemetryFailure } from '../client/telemetry.readers.ts';
import { painterFor } from '../format/color.ts';
import { parseSeconds } from '../format/units.ts';
import { createConsolePrinter } from '../supervisor/console-printer.ts';
import type { LogRecord } from '../supervisor/log-record.ts';
import { intOption, serviceArgument } from './arguments.ts';
import { defineCommand, noMorePositionals, UsageError, type CommandContext, type CommandOptions, type ParsedArguments } from './command.ts';
import { ENVIRONMENT, usage } from './usage.ts';

const DEFAULT_LIMIT = 100;
const OTHER_PROCESSES: readonly string[] = ['supervisor', ...PLATFORM_SERVICES];
const DEFAULT_FOLLOW_LIMIT = 10;

const OPTIONS = {
  trace: { type: 'string', short: 't' },
  level: { type: 'string', short: 'l' },
  since: { type: 'string', short: 's' },
  limit: { type: 'string', short: 'n' },
  grep: { type: 'string', short: 'g' },
  follow: { type: 'boolean', short: 'f', default: false },
  json: { type: 'boolean', default: false },
} as const satisfies CommandOptions;

export const logsCommand = defineCommand({
  name: 'logs',
  usage: usage({
    synopsis: 'archaics logs [SERVICE] [options]',
    description: `Shows the services' log lines, oldest first, one readable line each (as the \`npm start\`
console does), read through the log reader: the local telemetry process's /api/logs
(TELEMETRY_QUERY_URL, default http://127.0.0.1:16686 + offset), or Loki when LOKI_URL is set.`,
    arguments: [
      [
        'SERVICE',
        `auth, db, product, payment (or auth-service, ...), or another
process: ${OTHER_PROCESSES.slice(0, 3).join(', ')},
${OTHER_PROCESSES.slice(3).join(', ')}; default every one`,
      ],
    ],
    options: [
      ['-t, --trace <id>', 'only the lines of one trace (32 hex digits or a UUID), e.g. the\nX-Trace-ID header of a response'],
      ['-l, --level <level>', `only this level: ${LOG_LEVELS.join(', ')}`],
      ['-s, --since <when>', 'how far back: 30s, 10m, 2h, 1d, or an ISO-8601 time (default 1h)'],
      ['-n, --limit <n>', `at most n lines, the newest (default ${DEFAULT_LIMIT}; ${DEFAULT_FOLLOW_LIMIT} before --follow)`],
      ['-g, --grep <text>', 'only lines containing the text (case-insensitive)'],
      ['-f, --follow', 'then print new lines as they are written, until Ctrl-C'],
      ['--json', 'print the JSON lines instead'],
    ],
    examples: [
      'archaics logs db --level WARN --since 10m',
      'archaics logs --trace 4bf92f3577b34da6a3ce929d0e0e4736',
      'archaics logs --follow',
    ],
    environment: [ENVIRONMENT.telemetryQuery, ENVIRONMENT.portOffset, ENVIRONMENT.loki, ENVIRONMENT.telemetryTimeout],
  }),
  options: OPTIONS,
  run,
});

async function run({ values, positionals }: ParsedArguments<typeof OPTIONS>, context: CommandContext): Promise<number> {
  const { stdout, stderr, env } = context;
  noMorePositionals(positionals, 1);
  const service = positionals[0] === undefined ? undefined : serviceArgument(positionals[0], OTHER_PROCESSES);
  const level = values.level === undefined ? undefined : levelOption(values.level);
  const traceId = values.trace === undefined ? undefined : traceOption(values.trace);
  const since = values.since === undefined ? undefined : sinceOption(values.since);
  const limit =
    values.limit === undefined ? (values.follow ? DEFAULT_FOLLOW_LIMIT : DEFAULT_LIMIT) : intOption('limit', values.limit, 0, 10_000);
  const filter = {
    ...(service === undefined ? {} : { service }),
    ...(level === undefined ? {} : { level }),
    ...(traceId === undefined ? {} : { traceId }),
    ...(values.grep === undefined || values.grep === '' ? {} : { text: values.grep }),
  };

  const backend = cliTelemetry(env).logs;
  const printer = createConsolePrinter({
    format: values.json ? 'json' : 'pretty',
    quiet: false,
    color: Boolean(stdout.isTTY) && !env.NO_COLOR,
    nameWidth: 'product-service'.length,
    timestamps: true,
    write: (text) => stdout.write(text),
  });
  const print = (line: LogLine): void => printer(toRecord(line));

  // Follow: subscribe first and hold new lines back until the past ones are printed, so none falls in between.
  const controller = new AbortController();
  let held: LogLine[] | undefined = [];
  let tail: Promise<void> | undefined;
  let onSignal: (() => void) | undefined;
  if (values.follow) {
    onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let lastError = '';
    tail = backend.reader.tail(filter, (line) => (held ? held.push(line) : print(line)), controller.signal, {
      onError: (error) => {
        const message = (telemetryFailure(error, backend) as Error).message;
        if (message !== lastError) stderr.write(`${painterFor(stderr, env)('yellow', `archaics logs: ${message} — retrying`)}\n`);
        lastError = message;
      },
    });
  }
  try {
    const past = limit === 0 ? [] : await backend.reader.query({ ...filter, ...(since === undefined ? {} : { since }), limit });
    const oldestFirst = [...past].reverse();
    for (const line of oldestFirst) print(line);
    if (!values.follow) {
      if (past.length === 0 && !values.json)
        stderr.write(`archaics logs: no lines match (${describeFilter(filter, values.since)}) in ${backend.label} at ${backend.url}\n`);
      return 0;
    }
    const printed = new Set(oldestFirst.map((line) => JSON.stringify(line)));
    const pending = held ?? [];
    held = undefined;
    for (const line of pending) if (!printed.has(JSON.stringify(line))) print(line);
    if (!values.json) stderr.write(`${painterFor(stderr, env)('dim', `following ${backend.label} at ${backend.url} — Ctrl-C to stop`)}\n`);
    await tail;
    return 0;
  } catch (error) {
    throw telemetryFailure(error, backend);
  } finally {
    controller.abort();
    await tail?.catch(() => undefined);
    if (onSignal) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

function toRecord(line: LogLine): LogRecord {
  return { service: line.service, level: line.level, raw: JSON.stringify(line), fields: line };
}

function levelOption(text: string): LogLevel {
  const level = text.trim().toUpperCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new UsageError(`--level must be one of ${LOG_LEVELS.join(', ')}, got "${text}"`);
}

function traceOption(text: string): string {
  try {
    return normaliseTraceId(text);
  } catch {
    throw new UsageError(`--trace must be a trace id (32 hex digits or a UUID), got "${text}"`);
  }
}

/** ms since the epoch from `10m` (that long ago) or an ISO-8601 time. */
function sinceOption(text: string, now = Date.now()): number {
  const seconds = parseSeconds(text);
  if (seconds !== undefined && seconds > 0) return now - seconds * 1000;
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    const at = Date.parse(text);
    if (Number.isFinite(at)) return at;
  }
  throw new UsageError(`--since must be a duration (30s, 10m, 2h, 1d) or an ISO-8601 time, got "${text}"`);
}

function describeFilter(filter: { service?: string; level?: string; traceId?: string; text?: string }, since: string | undefined): string {
  const parts = [
    filter.service ?? 'every service',
    ...(filter.level ? [`level ${filter.level}`] : []),
    ...(filter.traceId ? [`trace ${filter.traceId}`] : []),
    ...(filter.text ? [`text "${filter.text}"`] : []),
    since === undefined ? 'the last hour' : `since ${since}`,
  ];
  return parts.join(', ');
}
