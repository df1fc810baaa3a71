export { createLogger, activeTraceId } from './logging/logger.ts';
export type { Logger, LoggerOptions } from './logging/logger.ts';
export { createTracing } from './tracing/tracing.ts';
export type { Tracing, TracingOptions } from './tracing/tracing.ts';
export { OtlpHttpSpanProcessor } from './tracing/otlp-http-span-processor.ts';
export type { OtlpExportStats, OtlpHttpSpanProcessorOptions } from './tracing/otlp-http-span-processor.ts';
export { encodeTraceRequestJson, encodeTraceRequestProto } from './tracing/otlp-encoder.ts';
export { createMetrics, LATENCY_BUCKETS, registerTotalsCounter } from './metrics/metrics.ts';
export type { ServiceMetrics, UpstreamOutcome } from './metrics/metrics.ts';
export { ChaosEngine } from './chaos/chaos-engine.ts';
export type { ChaosEngineOptions, DrawnFault, FaultParams, ParsedFault, ResetParams, ResetResult } from './chaos/chaos-engine.ts';
export { MemoryLeak } from './chaos/memory-leak.ts';
export { CpuBurner } from './chaos/cpu-burner.ts';
export { AppError, badRequest, notFound, unauthorized } from './errors/app-error.ts';
export { DependencyClient, UpstreamFailure, upstreamClient } from './http/dependency-client.ts';
export type { DependencyClientOptions, DependencyRequest, DependencyResponse, UpstreamFailureKind } from './http/dependency-client.ts';
export { upstreamFailureError } from './http/upstream-errors.ts';
export {
  BadRequestError,
  ForbiddenError,
  InjectedError,
  injectedError,
  InternalError,
  InvalidJsonError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UriTooLongError,
} from './errors/error-codes.ts';
export { renderError } from './errors/render-error.ts';
export type { RenderedError } from './errors/render-error.ts';
export { createServer, serverOptionsOf } from './create-server.ts';
export type { ServerOptions } from './create-server.ts';
export type { ServiceContext } from './server-context.ts';
export { runService } from './run-service.ts';
export { bearerToken, checkBearer } from './auth-token.ts';
