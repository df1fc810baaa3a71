/** One row of a usage section: a name or flags, and what it means (a `\n` continues it on the next line). */
export type UsageRow = readonly [term: string, description: string];

/** The parts of a command's usage, in the order they are printed. */
export interface UsageText {
  /** The command line(s), e.g. `archaics reset SERVICE [--reason TEXT]`. */
  readonly synopsis: string;
  /** What the command does, wrapped at about 90 columns. */
  readonly description: string;
  readonly arguments?: readonly UsageRow[];
  /** The command's own options; `-h, --help` follows them. */
  readonly options?: readonly UsageRow[];
  /** Paragraphs after the options (subcommands' details, what Ctrl-C does, ...). */
  readonly notes?: readonly string[];
  readonly examples?: readonly string[];
  /** After `exit code:`, wrapped at about 90 columns. */
  readonly exitCode?: string;
  /** Rows of ENVIRONMENT, or a command's own. */
  readonly environment?: readonly UsageRow[];
}

/** The variables several commands read, described once. */
export const ENVIRONMENT = {
  serviceUrls: [
    'AUTH_SERVICE_URL, DB_SERVICE_URL, PRODUCT_SERVICE_URL, PAYMENT_SERVICE_URL',
    'where the services are (default http://127.0.0.1:800N + offset)',
  ],
  platformUrls: ['ANOMALY_DETECTOR_URL, AI_OPERATOR_URL', 'where the detector and the operator are (default :8006 and :8005 + offset)'],
  portOffset: ['ARCHAICS_PORT_OFFSET', 'added to every canonical port, to run a second stack (default 0)'],
  home: ['ARCHAICS_HOME', 'state folder: supervisor.json, the chaos token, logs and journals\n(default .archaics/)'],
  chaosToken: ['CHAOS_TOKEN', 'the chaos token (default: ARCHAICS_HOME/chaos-token, which\n`archaics up` writes)'],
  prometheus: ['PROMETHEUS_URL', 'read the metrics from Prometheus instead of scraping each /metrics'],
  telemetryQuery: ['TELEMETRY_QUERY_URL', "the telemetry process's query API (default http://127.0.0.1:16686 + offset)"],
  telemetryTimeout: ['TELEMETRY_TIMEOUT_MS', 'deadline of each query to the telemetry backend (default 5000)'],
  jaeger: ['JAEGER_URL', "read the traces from Jaeger's query API instead"],
  loki: ['LOKI_URL', 'read the logs from Loki instead (LOKI_SERVICE_LABEL: its service label,\ndefault service)'],
} as const satisfies Record<string, UsageRow>;

const HELP: UsageRow = ['-h, --help', 'show this help'];
/** Terms longer than this put their description on the next line. */
const MAX_TERM = 24;

/** The usage text of a command, laid out as every command's is. */
export function usage(text: UsageText): string {
  const blocks = [text.synopsis, text.description];
  if (text.arguments) blocks.push(section('arguments', text.arguments));
  blocks.push(section('options', [...(text.options ?? []), HELP]));
  blocks.push(...(text.notes ?? []));
  if (text.examples) blocks.push(['examples:', ...text.examples.map((line) => `  ${line}`)].join('\n'));
  if (text.exitCode) blocks.push(`exit code: ${text.exitCode}`);
  if (text.environment) blocks.push(section('environment', text.environment));
  return `${blocks.join('\n\n')}\n`;
}

function section(title: string, rows: readonly UsageRow[]): string {
  // Options without a short form line up under the long flags of those with one.
  const terms = rows.map(([term]) => (title === 'options' && term.startsWith('--') ? `    ${term}` : term));
  const width = Math.max(...terms.filter((term) => term.length <= MAX_TERM).map((term) => term.length));
  const indent = ' '.repeat(width + 4);
  const lines = [`${title}:`];
  rows.forEach(([, description], i) => {
    const term = terms[i] ?? '';
    const [first = '', ...rest] = description.split('\n');
    if (term.length > MAX_TERM) lines.push(`  ${term}`, `${indent}${first}`);
    else lines.push(`  ${term.padEnd(width)}  ${first}`);
    for (const line of rest) lines.push(`${indent}${line}`);
  });
  return lines.join('\n');
}
