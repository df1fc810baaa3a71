export { buildApp } from './app.ts';
export type { OperatorDeps } from './app.ts';
export { loadConfig, LLM_PROVIDERS } from './config.ts';
export type { OperatorConfig, LlmConfig, LlmProviderName, ExecutorKind } from './config.ts';
export { rankCauses, THRESHOLDS } from './domain/ranking.ts';
export { summarise } from './domain/evidence.ts';
export type { Evidence, ServiceView, HealthProbe } from './domain/evidence.ts';
