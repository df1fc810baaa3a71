export { buildApp } from './server/app.ts';
export { UI_PAGES } from './server/routes/ui.route.ts';
export type { DashboardDeps } from './server/app.ts';
export { loadConfig, CONTROL_PORT, DASHBOARD_ROOT } from './server/config.ts';
export type { DashboardConfig, DashboardMode } from './server/config.ts';
export { serviceStatuses, DEGRADED_WHEN } from './server/domain/service-status.ts';
export { bundleSize, BUNDLE_LIMIT_BYTES } from './server/bundle-size.ts';
export type {
  AiopsResponse,
  ChaosResult,
  LoadResponse,
  LoadRunView,
  LogLineView,
  MetricsResponse,
  OverviewResponse,
  ServiceStatus,
  ServiceView,
  StatusResponse,
  TraceDetail,
  TraceSummary,
  WaterfallRow,
} from './shared/api-types.ts';
