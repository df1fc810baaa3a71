import type { BusinessService } from '@archaics/contracts';
import { getText } from '../http-query.ts';
import {
  activeChaos,
  downSample,
  isControlRoute,
  type ChaosReading,
  UPSTREAM_OK_OUTCOMES,
  type MetricsReader,
  type MetricsSample,
  type ServiceSample,
  type UpstreamSample,
} from './metrics-reader.ts';
import { bucketBound, parsePrometheusText, type PromSample } from './prometheus-text.ts';
import { counterDelta, histogramDelta, histogramQuantile, perSecond, ratio, sumBuckets, type Bucket } from './series-math.ts';

/** A service whose `/metrics` is scraped. */
export interface ScrapeTarget {
  readonly service: BusinessService;
  /** Base URL of the service; `/metrics` is appended. */
  readonly url: string;
}

/** Options of {@link ScrapeMetricsReader}. */
export interface ScrapeMetricsReaderOptions {
  readonly targets: readonly ScrapeTarget[];
  /** Deadline of one scrape, body included (default 1000 ms). */
  readonly timeoutMs?: number;
  /** Clock in ms (tests pin it; default `Date.now`). */
  readonly now?: () => number;
}

const COUNTERS = new Set(['http_requests_total', 'upstream_requests_total', 'process_cpu_seconds_total']);
const HISTOGRAMS = new Set(['http_request_duration_seconds', 'upstream_request_duration_seconds']);

interface CounterSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface HistogramSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly buckets: Bucket[];
}

/** What one scrape left behind for the next one to diff against. */
interface Snapshot {
  readonly timeMs: number;
  readonly startTime: number | undefined;
  readonly counters: ReadonlyMap<string, CounterSeries & { readonly name: string }>;
  readonly histograms: ReadonlyMap<string, HistogramSeries>;
  readonly gauges: ReadonlyMap<string, number>;
  readonly chaos: readonly ChaosReading[];
  readonly upstreamNames: readonly string[];
}

/**
 * The local metrics reader: scrapes every service's `/metrics` directly (each with a
 * deadline), keeps the previous scrape per series and turns counter and bucket increases
 * into rates and quantiles over the window between two samples. A restarted service
 * (counters went down, or `process_start_time_seconds` changed) is handled like PromQL's
 * `rate()`: the new values are the increase since the reset, never a negative rate.
 *
 * Samples are taken one at a time: concurrent calls queue.
 */
export class ScrapeMetricsReader implements MetricsReader {
  private readonly previous = new Map<BusinessService, Snapshot>();
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ScrapeMetricsReaderOptions) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** The targets, in sample order. */
  get targets(): readonly ScrapeTarget[] {
    return this.options.targets;
  }

  sample(): Promise<MetricsSample> {
    const next = this.queue.then(() => this.takeSample());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async takeSample(): Promise<MetricsSample> {
    const services = await Promise.all(this.options.targets.map((target) => this.sampleTarget(target)));
    return { timestamp: this.now(), source: 'scrape', services };
  }

  private async sampleTarget(target: ScrapeTarget): Promise<ServiceSample> {
    const url = `${target.url.replace(/\/+$/, '')}/metrics`;
    let snapshot: Snapshot;
    try {
      const answer = await getText('metrics', url, {
        timeoutMs: this.timeoutMs,
        headers: { accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1' },
      });
      if (answer.status !== 200) return downSample(target.service, `HTTP ${answer.status} from ${url}`);
      snapshot = takeSnapshot(parsePrometheusText(answer.text), this.now());
    } catch (error) {
      return downSample(target.service, error instanceof Error ? error.message : String(error));
    }
    const previous = this.previous.get(target.service);
    this.previous.set(target.service, snapshot);
    return describeWindow(target.service, previous, snapshot);
  }
}

const seriesKey = (name: string, labels: Readonly<Record<string, string>>): string =>
  `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;

function takeSnapshot(samples: readonly PromSample[], timeMs: number): Snapshot {
  const counters = new Map<string, CounterSeries & { name: string }>();
  const histograms = new Map<string, HistogramSeries>();
  const gauges = new Map<string, number>();
  const chaos: ChaosReading[] = [];
  const upstreamNames = new Set<string>();
  let startTime: number | undefined;
  for (const sample of samples) {
    if (COUNTERS.has(sample.name)) {
      counters.set(seriesKey(sample.name, sample.labels), { name: sample.name, labels: sample.labels, value: sample.value });
      if (sample.name === 'upstream_requests_total' && sample.labels.upstream) upstreamNames.add(sample.labels.upstream);
    } else if (sample.name.endsWith('_bucket') && HISTOGRAMS.has(sample.name.slice(0, -'_bucket'.length))) {
      const name = sample.name.slice(0, -'_bucket'.length);
      const { le, ...labels } = sample.labels;
      const bound = bucketBound(le);
      if (bound === undefined) continue;
      const key = seriesKey(name, labels);
      const series = histograms.get(key) ?? { name, labels, buckets: [] };
      series.buckets.push({ le: bound, count: sample.value });
      histograms.set(key, series);
      if (name === 'upstream_request_duration_seconds' && labels.upstream) upstreamNames.add(labels.upstream);
    } else if (sample.name === 'process_start_time_seconds') {
      startTime = sample.value;
    } else if (sample.name === 'chaos_failure_active') {
      chaos.push({ type: sample.labels.type, scope: sample.labels.scope, value: sample.value });
    } else if (
      sample.name === 'process_resident_memory_bytes' ||
      sample.name === 'nodejs_eventloop_lag_seconds' ||
      sample.name === 'nodejs_eventloop_lag_p99_seconds'
    ) {
      gauges.set(sample.name, sample.value);
    }
  }
  return { timeMs, startTime, counters, histograms, gauges, chaos, upstreamNames: [...upstreamNames].sort() };
}

function describeWindow(service: BusinessService, previous: Snapshot | undefined, current: Snapshot): ServiceSample {
  const gauge = (name: string): number | null => {
    const value = current.gauges.get(name);
    return value === undefined || !Number.isFinite(value) ? null : value;
  };
  const base: Omit<ServiceSample, 'windowSeconds' | 'requestRate' | 'errorRatio' | 'latency' | 'cpuCores' | 'upstreams' | 'restarted'> = {
    service,
    up: true,
    residentMemoryBytes: gauge('process_resident_memory_bytes'),
    eventLoopLagSeconds: gauge('nodejs_eventloop_lag_seconds'),
    eventLoopLagP99Seconds: gauge('nodejs_eventloop_lag_p99_seconds'),
    ...activeChaos(current.chaos),
  };
  const seconds = previous === undefined ? 0 : (current.timeMs - previous.timeMs) / 1000;
  if (previous === undefined || !(seconds > 0)) {
    return {
      ...base,
      restarted: false,
      windowSeconds: null,
      requestRate: 0,
      errorRatio: 0,
      latency: { p50: null, p95: null, p99: null },
      cpuCores: null,
      upstreams: current.upstreamNames.map((upstream) => ({ upstream, callRate: 0, errorRatio: 0, p95Seconds: null })),
    };
  }
  // A changed start time means the process restarted: every series starts over from zero.
  const restarted = previous.startTime !== undefined && current.startTime !== undefined && previous.startTime !== current.startTime;
  const before = restarted ? undefined : previous;

  let requests = 0;
  let errors = 0;
  let cpuSeconds: number | null = null;
  const calls = new Map<string, { total: number; failed: number }>();
  for (const [key, series] of current.counters) {
    const delta = counterDelta(before?.counters.get(key)?.value, series.value);
    if (series.name === 'http_requests_total') {
      if (isControlRoute(series.labels.route)) continue;
      requests += delta;
      if (series.labels.status?.startsWith('5')) errors += delta;
    } else if (series.name === 'upstream_requests_total') {
      const upstream = series.labels.upstream ?? 'unknown';
      const entry = calls.get(upstream) ?? { total: 0, failed: 0 };
      entry.total += delta;
      if (!UPSTREAM_OK_OUTCOMES.includes(series.labels.outcome ?? '')) entry.failed += delta;
      calls.set(upstream, entry);
    } else if (series.name === 'process_cpu_seconds_total') {
      cpuSeconds = (cpuSeconds ?? 0) + delta;
    }
  }

  const latencyDeltas: Bucket[][] = [];
  const upstreamDeltas = new Map<string, Bucket[][]>();
  for (const [key, series] of current.histograms) {
    const delta = histogramDelta(before?.histograms.get(key)?.buckets, series.buckets);
    if (series.name === 'http_request_duration_seconds') {
      if (!isControlRoute(series.labels.route)) latencyDeltas.push(delta);
    } else {
      const upstream = series.labels.upstream ?? 'unknown';
      upstreamDeltas.set(upstream, [...(upstreamDeltas.get(upstream) ?? []), delta]);
    }
  }
  const latencyBuckets = sumBuckets(latencyDeltas);
  const upstreams: UpstreamSample[] = current.upstreamNames.map((upstream) => {
    const entry = calls.get(upstream) ?? { total: 0, failed: 0 };
    return {
      upstream,
      callRate: perSecond(entry.total, seconds),
      errorRatio: ratio(entry.failed, entry.total),
      p95Seconds: histogramQuantile(0.95, sumBuckets(upstreamDeltas.get(upstream) ?? [])),
    };
  });
  return {
    ...base,
    restarted,
    windowSeconds: seconds,
    requestRate: perSecond(requests, seconds),
    errorRatio: ratio(errors, requests),
    latency: {
      p50: histogramQuantile(0.5, latencyBuckets),
      p95: histogramQuantile(0.95, latencyBuckets),
      p99: histogramQuantile(0.99, latencyBuckets),
    },
    cpuCores: cpuSeconds === null ? null : perSecond(cpuSeconds, seconds),
    upstreams,
  };
}
