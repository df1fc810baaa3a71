export { createTelemetryReaders, readTelemetryConfig, telemetryReadersFrom, TELEMETRY_QUERY_PORT } from './telemetry-readers.ts';
export type { TelemetryConfig, TelemetryReaders } from './telemetry-readers.ts';
export { TelemetryQueryError } from './http-query.ts';
export type { TelemetryFailureKind } from './http-query.ts';
export { CONTROL_ROUTE_PATTERN, downSample, isControlRoute } from './metrics/metrics-reader.ts';
export type {
  ChaosFault,
  LatencyQuantiles,
  MetricsReader,
  MetricsSample,
  ServiceSample,
  UpstreamSample,
} from './metrics/metrics-reader.ts';
export { ScrapeMetricsReader } from './metrics/scrape-metrics-reader.ts';
export type { ScrapeMetricsReaderOptions, ScrapeTarget } from './metrics/scrape-metrics-reader.ts';
export { PrometheusMetricsReader, prometheusQueries } from './metrics/prometheus-metrics-reader.ts';
export type { PrometheusMetricsReaderOptions, PrometheusQueries } from './metrics/prometheus-metrics-reader.ts';
export { counterDelta, histogramDelta, histogramQuantile, perSecond, ratio, sumBuckets } from './metrics/series-math.ts';
export type { Bucket } from './metrics/series-math.ts';
export { parsePrometheusText } from './metrics/prometheus-text.ts';
export type { PromSample } from './metrics/prometheus-text.ts';
export { DEFAULT_TRACE_QUERY_URL, JaegerTraceReader, normaliseTraceId } from './traces/jaeger-trace-reader.ts';
export type { JaegerTraceReaderOptions } from './traces/jaeger-trace-reader.ts';
export type { FindTracesQuery, TraceReader } from './traces/trace-reader.ts';
export type { JaegerKeyValue, JaegerLog, JaegerProcess, JaegerReference, JaegerSpan, JaegerTrace } from './traces/jaeger-types.ts';
export { criticalPath, errorSpans, isErrorSpan, parentSpanId, serviceOf, spanTree, tagValue, waterfallOf } from './traces/trace-helpers.ts';
export type { CriticalPathSegment, SpanNode, Waterfall, WaterfallSpan } from './traces/trace-helpers.ts';
export { LocalLogReader } from './logs/local-log-reader.ts';
export type { LocalLogReaderOptions } from './logs/local-log-reader.ts';
export { LokiLogReader } from './logs/loki-log-reader.ts';
export type { LokiLogReaderOptions } from './logs/loki-log-reader.ts';
export type { LogFilter, LogQuery, LogReader, LogRecord, TailOptions } from './logs/log-reader.ts';
