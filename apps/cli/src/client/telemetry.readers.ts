import {
  createTelemetryReaders,
  TelemetryQueryError,
  type LogReader,
  type MetricsReader,
  type TelemetryReaders,
  type TraceReader,
} from '@archaics/telemetry-query';
import { type Env } from '@archaics/runtime';
import { CommandError } from '../commands/command.ts';

/** A reader and the backend behind it, named for messages. */
export interface Backend<T> {
  readonly reader: T;
  /** e.g. `the telemetry process (logs API)`, `Loki`. */
  readonly label: string;
  readonly url: string;
  /** What to try when it does not answer. */
  readonly hint: string;
}

const LOCAL_HINT = 'is the stack running (`npm start`)?';

/** The readers the environment asks for (@archaics/telemetry-query's `createTelemetryReaders`), each with its backend's name. */
export interface CliTelemetry {
  readonly logs: Backend<LogReader>;
  readonly traces: Backend<TraceReader>;
  readonly metrics: Backend<MetricsReader>;
}

export function cliTelemetry(env: Env, readers: TelemetryReaders = createTelemetryReaders(env)): CliTelemetry {
  const { config } = readers;
  const logs: Backend<LogReader> =
    config.logs.kind === 'loki'
      ? { reader: readers.logs, label: 'Loki', url: config.logs.url, hint: 'check LOKI_URL' }
      : {
          reader: readers.logs,
          label: 'the telemetry process (logs API)',
          url: config.logs.url,
          hint: `${LOCAL_HINT} TELEMETRY_QUERY_URL or LOKI_URL point elsewhere.`,
        };
  const traces: Backend<TraceReader> =
    config.traces.kind === 'jaeger'
      ? { reader: readers.traces, label: 'Jaeger', url: config.traces.url, hint: 'check JAEGER_URL' }
      : {
          reader: readers.traces,
          label: 'the telemetry process (trace store)',
          url: config.traces.url,
          hint: `${LOCAL_HINT} TELEMETRY_QUERY_URL or JAEGER_URL point elsewhere.`,
        };
  const metrics: Backend<MetricsReader> =
    config.metrics.kind === 'prometheus'
      ? { reader: readers.metrics, label: 'Prometheus', url: config.metrics.url, hint: 'check PROMETHEUS_URL' }
      : {
          reader: readers.metrics,
          label: "the services' /metrics",
          url: config.metrics.targets.map((t) => t.url).join(', '),
          hint: LOCAL_HINT,
        };
  return { logs, traces, metrics };
}

/** A telemetry failure as a message naming the backend and its URL; other errors pass through. */
export function telemetryFailure(error: unknown, backend: Backend<unknown>): unknown {
  if (!(error instanceof TelemetryQueryError)) return error;
  if (error.kind === 'unreachable' || error.kind === 'timeout') {
    // The message is `<backend> <kind> at <url>: <detail>`; the URL holds no ': '.
    const detail = error.message.slice(error.message.indexOf(': ', error.message.indexOf(' at ')) + 2);
    return new CommandError(`${backend.label} is not answering at ${backend.url} (${detail}); ${backend.hint}`, { cause: error });
  }
  return new CommandError(`${backend.label} at ${backend.url} gave no usable answer: ${error.message}`, { cause: error });
}
