import { setTimeout as sleep } from 'node:timers/promises';
import { backendEndpoint, getJson, isRecord, snippet, TelemetryQueryError, type BackendEndpoint } from '../http-query.ts';
import {
  DEFAULT_LOG_LIMIT,
  epochMs,
  toLogLine,
  type LogFilter,
  type LogQuery,
  type LogReader,
  type LogRecord,
  type TailOptions,
} from './log-reader.ts';

/** Options of {@link LokiLogReader}. */
export interface LokiLogReaderOptions {
  /** Stream label holding the service name (default `service`). */
  readonly serviceLabel?: string;
  /** Deadline of each request (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Pause between two polls of a tail (default 1000 ms). */
  readonly pollMs?: number;
  /** How far back each tail poll looks again, to catch lines ingested late (default 5000 ms). */
  readonly overlapMs?: number;
  /** Most lines one tail poll reads (default 1000). */
  readonly batchSize?: number;
  /** Extra headers, e.g. `{ 'X-Scope-OrgID': 'tenant' }` for a multi-tenant Loki. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
}

/** One log entry with Loki's nanosecond timestamp. */
interface Entry {
  readonly ns: bigint;
  readonly raw: string;
  readonly line: LogRecord;
}

const NS_PER_MS = 1_000_000n;

/**
 * The real-stack log reader: LogQL over Loki's `/loki/api/v1/query_range`, e.g.
 * `{service="product-service"} |~ "(?i)timeout" | json | level="ERROR" | trace_id="…"`,
 * `direction=backward`. A tail polls `query_range` forward from a cursor (every
 * `pollMs`, looking `overlapMs` back and skipping lines already seen) rather than holding
 * Loki's `/loki/api/v1/tail` websocket: no websocket dependency, and it passes gateways
 * and proxies that do not upgrade connections. A line ingested more than `overlapMs` late
 * is missed by a tail (a query finds it).
 */
export class LokiLogReader implements LogReader {
  private readonly endpoint: BackendEndpoint;
  private readonly serviceLabel: string;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly overlapNs: bigint;
  private readonly batchSize: number;
  private readonly now: () => number;

  constructor(baseUrl: string, options: LokiLogReaderOptions = {}) {
    this.endpoint = backendEndpoint(baseUrl, options.headers);
    this.serviceLabel = options.serviceLabel ?? 'service';
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(this.serviceLabel)) throw new Error(`not a Loki label name: "${this.serviceLabel}"`);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.pollMs = options.pollMs ?? 1000;
    this.overlapNs = BigInt(Math.round(options.overlapMs ?? 5000)) * NS_PER_MS;
    this.batchSize = options.batchSize ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** The base URL asked (without credentials). */
  get url(): string {
    return this.endpoint.baseUrl;
  }

  /** The LogQL of a filter. */
  logql(filter: LogFilter): string {
    const selector =
      filter.service === undefined ? `{${this.serviceLabel}=~".+"}` : `{${this.serviceLabel}=${JSON.stringify(filter.service)}}`;
    const parts = [selector];
    if (filter.text !== undefined && filter.text !== '') parts.push(`|~ ${JSON.stringify(`(?i)${escapeRegex(filter.text)}`)}`);
    if (filter.level !== undefined || filter.traceId !== undefined) parts.push('| json');
    if (filter.level !== undefined) parts.push(`| level=${JSON.stringify(filter.level)}`);
    if (filter.traceId !== undefined) parts.push(`| trace_id=${JSON.stringify(filter.traceId)}`);
    return parts.join(' ');
  }

  async query(query: LogQuery = {}): Promise<LogRecord[]> {
    const endMs = query.until === undefined ? this.now() : epochMs(query.until);
    const startMs = query.since === undefined ? endMs - 3_600_000 : epochMs(query.since);
    const limit = query.limit ?? DEFAULT_LOG_LIMIT;
    const entries = await this.range(
      query,
      BigInt(Math.floor(startMs)) * NS_PER_MS,
      BigInt(Math.ceil(endMs)) * NS_PER_MS + 1n,
      'backward',
      limit,
    );
    return entries
      .sort((a, b) => (a.ns === b.ns ? 0 : a.ns > b.ns ? -1 : 1))
      .slice(0, limit)
      .map((e) => e.line);
  }

  async tail(filter: LogFilter, onLine: (line: LogRecord) => void, signal: AbortSignal, options: TailOptions = {}): Promise<void> {
    const since = BigInt(Math.floor(this.now())) * NS_PER_MS;
    let newest = since;
    // While catching up through full batches, read on from the last line instead of looking back.
    let floor: bigint | undefined;
    const seen = new Map<string, bigint>();
    while (!signal.aborted) {
      let full = false;
      try {
        const start = [since, newest - this.overlapNs, floor ?? since].reduce((a, b) => (b > a ? b : a));
        const end = BigInt(Math.ceil(this.now())) * NS_PER_MS + 1n;
        const entries = (await this.range(filter, start, end, 'forward', this.batchSize, signal)).sort((a, b) =>
          a.ns === b.ns ? 0 : a.ns < b.ns ? -1 : 1,
        );
        let fresh = 0;
        for (const entry of entries) {
          const key = `${entry.ns}\u0000${entry.raw}`;
          if (seen.has(key)) continue;
          seen.set(key, entry.ns);
          fresh++;
          if (entry.ns > newest) newest = entry.ns;
          onLine(entry.line);
        }
        full = entries.length >= this.batchSize && entries.length > 0;
        // A full batch of lines already seen (more lines at one instant than a batch holds): step past it.
        floor = full ? entries[entries.length - 1]!.ns + (fresh === 0 ? 1n : 0n) : undefined;
        for (const [key, ns] of seen) if (ns < newest - this.overlapNs && (floor === undefined || ns < floor)) seen.delete(key);
      } catch (error) {
        if (signal.aborted) break;
        if (!(error instanceof TelemetryQueryError)) throw error;
        options.onError?.(error);
      }
      if (!full) await sleep(this.pollMs, undefined, { signal }).catch(() => undefined);
    }
  }

  private async range(
    filter: LogFilter,
    startNs: bigint,
    endNs: bigint,
    direction: 'forward' | 'backward',
    limit: number,
    signal?: AbortSignal,
  ): Promise<Entry[]> {
    const params = new URLSearchParams({
      query: this.logql(filter),
      start: startNs.toString(),
      end: endNs.toString(),
      limit: String(limit),
      direction,
    });
    const url = `${this.endpoint.baseUrl}/loki/api/v1/query_range?${params}`;
    const { status, body } = await getJson('loki', url, { timeoutMs: this.timeoutMs, headers: this.endpoint.headers, signal });
    if (
      !isRecord(body) ||
      body.status !== 'success' ||
      !isRecord(body.data) ||
      body.data.resultType !== 'streams' ||
      !Array.isArray(body.data.result)
    ) {
      throw new TelemetryQueryError('loki', url, 'bad_response', `expected streams, got ${snippet(JSON.stringify(body))}`, status);
    }
    const entries: Entry[] = [];
    for (const stream of body.data.result) {
      if (!isRecord(stream) || !Array.isArray(stream.values)) continue;
      const labels = isRecord(stream.stream) ? stream.stream : {};
      const label = (name: string): string | undefined => (typeof labels[name] === 'string' ? labels[name] : undefined);
      for (const value of stream.values) {
        if (!Array.isArray(value) || typeof value[0] !== 'string' || typeof value[1] !== 'string' || !/^\d+$/.test(value[0])) continue;
        const ns = BigInt(value[0]);
        const line = toLogLine(value[1], {
          service: label(this.serviceLabel) ?? label('service_name') ?? label('app'),
          level: label('level') ?? label('detected_level'),
          timestamp: new Date(Number(ns / NS_PER_MS)).toISOString(),
        });
        entries.push({ ns, raw: value[1], line });
      }
    }
    return entries;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
