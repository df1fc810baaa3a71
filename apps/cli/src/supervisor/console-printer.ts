import type { LogRecord } from './log-record.ts';

export interface ConsolePrinterOptions {
  /** `pretty`: one readable line per record; `json`: the stored JSON line as is. */
  readonly format: 'pretty' | 'json';
  /** Only WARN and ERROR. */
  readonly quiet: boolean;
  readonly color: boolean;
  /** Width of the service column. */
  readonly nameWidth: number;
  /** Start each pretty line with the time of day of the record's `timestamp` (UTC, ms). */
  readonly timestamps?: boolean;
  readonly write: (text: string) => void;
}

const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
const SERVICE_COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[32m', '\x1b[34m', '\x1b[33m', '\x1b[96m', '\x1b[95m', '\x1b[92m', '\x1b[94m'];
const LEVEL_COLORS: Readonly<Record<string, string>> = { DEBUG: DIM, WARN: '\x1b[33m', ERROR: '\x1b[31;1m' };

/** Shows log records on the console, one line each. */
export function createConsolePrinter(options: ConsolePrinterOptions): (record: LogRecord) => void {
  const serviceColors = new Map<string, string>();
  const colorOf = (service: string): string => {
    let color = serviceColors.get(service);
    if (color === undefined) {
      color = service === 'supervisor' ? DIM : (SERVICE_COLORS[serviceColors.size % SERVICE_COLORS.length] ?? '');
      serviceColors.set(service, color);
    }
    return color;
  };
  return (record) => {
    if (options.quiet && record.level !== 'WARN' && record.level !== 'ERROR') return;
    if (options.format === 'json') {
      options.write(`${record.raw}\n`);
      return;
    }
    const paint = (color: string | undefined, text: string): string => (options.color && color ? `${color}${text}${RESET}` : text);
    const time = options.timestamps ? `${paint(DIM, timeOfDay(record.fields.timestamp))} ` : '';
    options.write(
      `${time}${paint(colorOf(record.service), record.service.padEnd(options.nameWidth))} ${paint(LEVEL_COLORS[record.level], record.level.padEnd(5))} ${describe(record, paint)}\n`,
    );
  };
}

/** The readable part of a record: message, the error's message when it adds something, the short trace id. */
export function describe(record: LogRecord, paint: (color: string | undefined, text: string) => string = (_c, t) => t): string {
  const fields = record.fields;
  const message = typeof fields.message === 'string' ? fields.message : typeof fields.msg === 'string' ? fields.msg : record.raw;
  const parts = [message];
  const err = fields.err;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string' && err.message !== message) {
    parts.push(`(${err.message})`);
  }
  if (typeof fields.trace_id === 'string' && fields.trace_id !== '') parts.push(paint(DIM, `trace=${fields.trace_id.slice(0, 8)}`));
  return parts.join('  ');
}

/** `10:30:00.123` from an ISO-8601 timestamp; blanks of the same width when there is none. */
function timeOfDay(timestamp: unknown): string {
  const match = typeof timestamp === 'string' ? /T(\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)/.exec(timestamp) : null;
  return (match?.[1] ?? '').padEnd(12);
}
