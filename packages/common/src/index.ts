export { ConfigError, envReader } from './config/env.ts';
export type { Env, EnvReader } from './config/env.ts';
export { ARCHAICS_VERSION, readBaseConfig, readUpstreamConfig } from './config/service-config.ts';
export type { BaseServiceConfig, UpstreamConfig } from './config/service-config.ts';
export { archaicsHome, stateDir, readOrCreateSecret, chaosTokenPath, resolveChaosToken } from './state/state-home.ts';
export { openSqlite } from './storage/sqlite.ts';
export type { SqliteOptions } from './storage/sqlite.ts';
export { createLogger, activeTraceId } from './logging/logger.ts';
export type { Logger, LoggerOptions } from './logging/logger.ts';
export { createTracing } from './tracing/tracing.ts';
export type { Tracing, TracingOptions } from './tracing/tracing.ts';
export { parseLegacyTraceId } from './tracing/trace-id.ts';
export { createMetrics, LATENCY_BUCKETS } from './metrics/metrics.ts';
export type { ServiceMetrics, UpstreamOutcome } from './metrics/metrics.ts';
export { ChaosEngine } from './chaos/chaos-engine.ts';
export type { ChaosEngineOptions, DrawnFault, FaultParams } from './chaos/chaos-engine.ts';
export { CpuBurner } from './chaos/cpu-burner.ts';
export { AppError, badRequest, notFound, unauthorized } from './errors/app-error.ts';
export { DependencyClient, UpstreamFailure, upstreamClient } from './http/dependency-client.ts';
export type {
  DependencyClientOptions,
  DependencyRequest,
  DependencyResponse,
  UpstreamFailureKind,
} from './http/dependency-client.ts';
export { upstreamFailureError } from './http/upstream-errors.ts';
export { AuthClient } from './http/auth.client.ts';
export type { AuthenticatedUser } from './http/auth.client.ts';
export { DbServiceClient, dbServiceBadData } from './http/db-service.client.ts';
export type { DbServiceClientOptions } from './http/db-service.client.ts';
export { authenticator } from './server/authenticate.ts';
export type { Authenticator } from './server/authenticate.ts';
export { createServer, renderError } from './server/create-server.ts';
export type { ServerOptions, ServiceContext } from './server/create-server.ts';
export { runService } from './server/run-service.ts';
export { bearerToken, checkBearer } from './server/auth-token.ts';
