export { buildApp } from './app.ts';
export type { TelemetryApp, TelemetryAppDeps } from './app.ts';
export { loadConfig, DEFAULT_OTLP_PORT, DEFAULT_QUERY_PORT } from './config.ts';
export type { TelemetryConfig } from './config.ts';
export { decodeExportRequest } from './domain/otlp-proto.ts';
