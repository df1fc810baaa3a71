// The real telemetry process (services/telemetry) as the bench's local span store: started on
// free ports with its own temporary ARCHAICS_HOME and SQLite file, its counters read between
// runs from its /metrics (export requests, spans written and stored), and a check through its
// Jaeger query API that the chain's spans really arrived.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePrometheusText } from '@archaics/telemetry-query';
import { fileSize, type RunningChild } from './child-processes.ts';
import { HOST, type BenchPlace } from './chains.ts';
import { freePort } from './free-port.ts';

/** The services whose spans must be in the store after the runs (their OTEL service names). */
export const CHAIN_SERVICES = ['product-service', 'auth-service', 'db-service'] as const;

/** Counters of the store at one instant. */
export interface StoreCounters {
  /** `POST /v1/traces` answered 2xx so far. */
  exportRequests: number;
  /** `POST /v1/traces` answered with another status (refused exports). */
  refusedRequests: number;
  /** Spans written to the store so far (`telemetry_spans_written_total`: trimmed ones included). */
  spansWritten: number;
}

/** What the query API and the file say after the runs. */
export interface StoreCheck {
  /** `GET /api/services`. */
  services: string[];
  /** Chain services missing from `/api/services`. */
  missingServices: string[];
  /** `GET /api/traces?service=product-service&limit=1`: the newest trace, or null. */
  trace: { traceId: string; spans: number; services: string[] } | null;
  /** Spans stored now (`telemetry_spans_stored`; the store keeps at most `maxSpans`, oldest trimmed first). */
  spansStored: number;
  spansStoredByService: Record<string, number>;
  tracesStored: number;
  /** Spans written during the whole pair (warm-ups included), trimmed ones included. */
  spansWritten: number;
  exportRequests: number;
  refusedRequests: number;
  /** The SQLite file with its WAL. */
  fileBytes: number;
  maxSpans: number;
  /** Every check passed: the three services listed and a product trace found. */
  ok: boolean;
  problems: string[];
}

export interface TelemetryStore {
  readonly child: RunningChild;
  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly otlpUrl: string;
  readonly queryUrl: string;
  readonly dbPath: string;
  counters(): Promise<StoreCounters>;
  check(): Promise<StoreCheck>;
}

/** The process's default bound on stored spans (TELEMETRY_MAX_SPANS is left at its default). */
export const STORE_MAX_SPANS = 200_000;

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/** What the telemetry process's /metrics says of the store now. */
export interface StoreMetrics extends StoreCounters {
  spansStoredByService: Record<string, number>;
  tracesStored: number;
}

/**
 * Reads a /metrics page of the telemetry process (with the project's Prometheus text parser):
 * `http_requests_total` of `POST /v1/traces`, 2xx apart, and the store's own gauges and counter
 * (`telemetry_spans_written_total`, `telemetry_spans_stored{service}`, `telemetry_traces_stored`).
 */
export function storeMetrics(text: string): StoreMetrics {
  const read: StoreMetrics = { exportRequests: 0, refusedRequests: 0, spansWritten: 0, spansStoredByService: {}, tracesStored: 0 };
  for (const { name, labels, value } of parsePrometheusText(text)) {
    if (name === 'http_requests_total' && labels.route === '/v1/traces' && labels.method === 'POST') {
      if (/^2\d\d$/.test(labels.status ?? '')) read.exportRequests += value;
      else read.refusedRequests += value;
    } else if (name === 'telemetry_spans_written_total') read.spansWritten = value;
    else if (name === 'telemetry_traces_stored') read.tracesStored = value;
    else if (name === 'telemetry_spans_stored' && labels.service !== undefined) read.spansStoredByService[labels.service] = value;
  }
  return read;
}

/** Starts `services/telemetry/src/main.ts` under `dir` (its ARCHAICS_HOME) and waits for both ports. */
export async function startTelemetryStore(place: BenchPlace, dir: string, chaosToken: string): Promise<TelemetryStore> {
  const home = join(dir, 'home');
  const dbPath = join(home, 'data', 'telemetry.sqlite');
  mkdirSync(join(home, 'data'), { recursive: true });
  mkdirSync(join(home, 'logs'), { recursive: true });
  const otlpPort = await freePort(HOST);
  const queryPort = await freePort(HOST);
  const otlpUrl = `http://${HOST}:${otlpPort}`;
  const queryUrl = `http://${HOST}:${queryPort}`;
  const child = await place.group.start({
    name: 'telemetry',
    script: join(place.root, 'services', 'telemetry', 'src', 'main.ts'),
    env: {
      TELEMETRY_OTLP_PORT: String(otlpPort),
      TELEMETRY_QUERY_PORT: String(queryPort),
      HOST,
      ARCHAICS_HOME: home,
      TELEMETRY_DB_PATH: dbPath,
      LOG_LEVEL: 'info',
      CHAOS_TOKEN: chaosToken,
    },
    logDir: place.logDir,
    healthUrl: `${otlpUrl}/health`,
    cwd: place.root,
  });
  const health = await fetch(`${queryUrl}/health`, { signal: AbortSignal.timeout(5_000) });
  await health.arrayBuffer();
  if (!health.ok) {
    await place.group.stop(child);
    throw new Error(`telemetry query API ${queryUrl}/health answered ${health.status}`);
  }

  const readMetrics = async (): Promise<StoreMetrics> =>
    storeMetrics(await (await fetch(`${otlpUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).text());
  const counters = async (): Promise<StoreCounters> => {
    const { exportRequests, refusedRequests, spansWritten } = await readMetrics();
    return { exportRequests, refusedRequests, spansWritten };
  };

  const check = async (): Promise<StoreCheck> => {
    const problems: string[] = [];
    const servicesAnswer = await getJson(`${queryUrl}/api/services`);
    const listed = (servicesAnswer.body as { data?: unknown } | undefined)?.data;
    const services = Array.isArray(listed) ? listed.filter((s): s is string => typeof s === 'string') : [];
    if (servicesAnswer.status !== 200) problems.push(`GET /api/services answered ${servicesAnswer.status}`);
    const missingServices = CHAIN_SERVICES.filter((s) => !services.includes(s));
    if (missingServices.length > 0) problems.push(`GET /api/services does not list ${missingServices.join(', ')}`);

    const traceAnswer = await getJson(`${queryUrl}/api/traces?service=product-service&limit=1`);
    const traces = (traceAnswer.body as { data?: unknown } | undefined)?.data;
    let trace: StoreCheck['trace'] = null;
    if (traceAnswer.status === 200 && Array.isArray(traces) && traces.length > 0) {
      const first = traces[0] as {
        traceID?: string;
        spans?: Array<{ processID?: string }>;
        processes?: Record<string, { serviceName?: string }>;
      };
      const names = new Set<string>();
      for (const span of first.spans ?? []) {
        const name = first.processes?.[span.processID ?? '']?.serviceName;
        if (name) names.add(name);
      }
      trace = { traceId: first.traceID ?? '', spans: first.spans?.length ?? 0, services: [...names].sort() };
    } else {
      problems.push(`GET /api/traces?service=product-service&limit=1 found no trace (HTTP ${traceAnswer.status})`);
    }

    const now = await readMetrics();
    const spansStoredByService = Object.fromEntries(Object.entries(now.spansStoredByService).sort(([a], [b]) => a.localeCompare(b)));
    if (now.refusedRequests > 0) problems.push(`${now.refusedRequests} export request(s) were refused by the store`);
    return {
      services,
      missingServices,
      trace,
      spansStored: Object.values(spansStoredByService).reduce((sum, n) => sum + n, 0),
      spansStoredByService,
      tracesStored: now.tracesStored,
      spansWritten: now.spansWritten,
      exportRequests: now.exportRequests,
      refusedRequests: now.refusedRequests,
      fileBytes: fileSize(dbPath) + fileSize(`${dbPath}-wal`),
      maxSpans: STORE_MAX_SPANS,
      ok: missingServices.length === 0 && trace !== null,
      problems,
    };
  };

  return {
    child,
    otlpUrl,
    queryUrl,
    dbPath,
    counters,
    check,
  };
}
