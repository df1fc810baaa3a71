/**
 * A reader of the Prometheus text exposition format (0.0.4, and the sample lines of
 * OpenMetrics): one {@link PromSample} per sample line, labels unescaped.
 *
 * Written here rather than taken from npm: the maintained-looking candidate,
 * `parse-prometheus-text-format` 1.1.1, folds every series of a histogram into one and
 * drops their labels (its issue #13 and PR #8, open since 2019-2020), which loses the
 * per-route and per-upstream histograms this project reads; `prometheus-query` is a
 * client of the HTTP API, not a text parser.
 */

/** One sample line: `name{labels} value [timestamp]`. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** NaN, +Inf and -Inf are kept as such. */
  readonly value: number;
  /** Milliseconds since the epoch, when the line carries one. */
  readonly timestampMs?: number;
}

/** Raised for a line that is not a valid sample, with its line number. */
export class PrometheusTextError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'PrometheusTextError';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parses a whole exposition; comments (`# HELP`, `# TYPE`, `# EOF`) and blank lines are skipped. */
export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    samples.push(parseSampleLine(line, i + 1));
  }
  return samples;
}

/** Parses one sample line; `lineNumber` only labels errors. */
export function parseSampleLine(line: string, lineNumber = 1): PromSample {
  const nameMatch = NAME.exec(line);
  if (!nameMatch) throw new PrometheusTextError(lineNumber, `no metric name in "${line}"`);
  const name = nameMatch[0];
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.trimStart();
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const labelMatch = LABEL_NAME.exec(rest);
      if (!labelMatch) throw new PrometheusTextError(lineNumber, `bad label name in "${line}"`);
      rest = rest.slice(labelMatch[0].length).trimStart();
      if (!rest.startsWith('="')) throw new PrometheusTextError(lineNumber, `expected ="…" after ${labelMatch[0]}`);
      rest = rest.slice(2);
      let value = '';
      let closed = false;
      let j = 0;
      for (; j < rest.length; j++) {
        const c = rest[j];
        if (c === '\\') {
          const next = rest[j + 1];
          value += next === 'n' ? '\n' : next === '\\' ? '\\' : next === '"' ? '"' : `\\${next ?? ''}`;
          j++;
        } else if (c === '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) throw new PrometheusTextError(lineNumber, `unterminated label value in "${line}"`);
      labels[labelMatch[0]] = value;
      rest = rest.slice(j + 1).trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) throw new PrometheusTextError(lineNumber, `expected , or } in "${line}"`);
    }
  }
  const fields = rest.trim().split(/\s+/);
  const value = parseValue(fields[0]);
  if (value === undefined || fields.length > 2) throw new PrometheusTextError(lineNumber, `bad value in "${line}"`);
  if (fields.length === 2) {
    const timestampMs = Number(fields[1]);
    if (!Number.isFinite(timestampMs)) throw new PrometheusTextError(lineNumber, `bad timestamp in "${line}"`);
    return { name, labels, value, timestampMs };
  }
  return { name, labels, value };
}

/** Like Go's strconv.ParseFloat, which Prometheus uses: NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(field: string | undefined): number | undefined {
  if (field === undefined || field === '') return undefined;
  switch (field.toLowerCase()) {
    case 'nan':
      return Number.NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
  }
  const value = Number(field);
  return Number.isNaN(value) || /^0[xob]/i.test(field.replace(/^[+-]/, '')) ? undefined : value;
}

/** The `le` bound of a bucket sample as a number (`+Inf` included); undefined when missing or bad. */
export function bucketBound(le: string | undefined): number | undefined {
  if (le === undefined) return undefined;
  return parseValue(le);
}
