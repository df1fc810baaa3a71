import { normaliseTraceId, waterfallOf } from '@archaics/telemetry-query';
import { cliTelemetry, telemetryFailure } from '../client/telemetry.readers.ts';
import { painterFor } from '../format/color.ts';
import { renderWaterfall, waterfallSummary } from '../format/waterfall.ts';
import { intOption } from './arguments.ts';
import {
  CommandError,
  defineCommand,
  noMorePositionals,
  UsageError,
  type CommandContext,
  type CommandOptions,
  type ParsedArguments,
} from './command.ts';
import { ENVIRONMENT, usage } from './usage.ts';

const OPTIONS = {
  width: { type: 'string', short: 'w' },
  json: { type: 'boolean', default: false },
} as const satisfies CommandOptions;

export const traceCommand = defineCommand({
  name: 'trace',
  usage: usage({
    synopsis: 'archaics trace ID [options]',
    description: `Shows the spans of one trace as a waterfall: one line per span, indented under its
parent, with its service, operation, start offset and duration, a bar scaled to the
whole trace, and failed spans marked ✗ with their HTTP status. Read from the local
telemetry process (TELEMETRY_QUERY_URL, default http://127.0.0.1:16686 + offset), or
Jaeger when JAEGER_URL is set.`,
    arguments: [
      [
        'ID',
        'the trace id: 32 hex digits or a UUID, e.g. the X-Trace-ID header\nof a response (`curl -i`), or the trace_id of a log line\n(`archaics logs --json`)',
      ],
    ],
    options: [
      ['-w, --width <n>', 'characters of the bar (default: fits the terminal, 20..80)'],
      ['--json', 'print the spans as JSON instead'],
    ],
    examples: [
      'archaics trace $(curl -s -o /dev/null -D - http://localhost:8003/products \\',
      `  -H "Authorization: Bearer $TOKEN" | sed -n 's/^x-trace-id: *//Ip' | tr -d '\\r')`,
    ],
    environment: [ENVIRONMENT.telemetryQuery, ENVIRONMENT.portOffset, ENVIRONMENT.jaeger, ENVIRONMENT.telemetryTimeout],
  }),
  options: OPTIONS,
  run,
});

async function run({ values, positionals }: ParsedArguments<typeof OPTIONS>, context: CommandContext): Promise<number> {
  const { stdout, env } = context;
  const idText = positionals[0];
  if (idText === undefined) throw new UsageError('needs a trace ID (32 hex digits, e.g. the X-Trace-ID header of a response)');
  noMorePositionals(positionals, 1);
  let traceId: string;
  try {
    traceId = normaliseTraceId(idText);
  } catch {
    throw new UsageError(`"${idText}" is not a trace id (32 hex digits or a UUID)`);
  }
  const barWidth =
    values.width === undefined
      ? defaultBarWidth(stdout.isTTY ? (stdout as { columns?: number }).columns : undefined)
      : intOption('width', values.width, 10, 400);

  const backend = cliTelemetry(env).traces;
  let trace;
  try {
    trace = await backend.reader.getTrace(traceId);
  } catch (error) {
    throw telemetryFailure(error, backend);
  }
  if (trace === null || trace.spans.length === 0) {
    throw new CommandError(
      `no trace ${traceId} in ${backend.label} at ${backend.url}; spans arrive a few seconds after the request, ` +
        'and only from services that export them (OTEL_EXPORTER_OTLP_ENDPOINT)',
    );
  }
  const summary = waterfallSummary(waterfallOf(trace));
  stdout.write(
    values.json ? `${JSON.stringify(summary, null, 2)}\n` : renderWaterfall(summary, { barWidth, paint: painterFor(stdout, env) }),
  );
  return 0;
}

/** The bar takes what the other columns (about 90 characters) leave of the terminal. */
function defaultBarWidth(columns: number | undefined): number {
  if (columns === undefined) return 40;
  return Math.max(20, Math.min(80, columns - 90));
}
