/**
 * The JSON the dashboard server gives its UI, as the types of the routes' response schemas
 * (schemas/*.schema.ts; the contracts' for incidents, scores, health and faults). Types only:
 * the UI bundle imports nothing at run time from the server or the packages. Nothing here
 * ever carries the chaos token.
 */
import type { BusinessService, FailureState, Incident, LogLine, ServiceScore } from '@archaics/contracts';

export type { StatusResponse } from './schemas/ui.schema.ts';
export type {
  ServiceStatus,
  ServiceView,
  OverviewResponse,
  ServicePoint,
  MetricsPoint,
  MetricsResponse,
} from './schemas/overview.schema.ts';
export type { ChaosResult, FaultCatalog, HaltResponse, PresetResponse, PresetList } from './schemas/chaos.schema.ts';
export type { LoadProgress, LoadRunView, LoadSummaryView, LoadResponse, LoadStopResponse } from './schemas/load.schema.ts';
export type {
  TraceSummary,
  WaterfallRow,
  TraceDetail,
  TraceSearchResponse,
  TraceServicesResponse,
  TraceOperationsResponse,
} from './schemas/traces.schema.ts';
export type { LogsResponse } from './schemas/logs.schema.ts';
export type {
  DriverView,
  AnomalyView,
  IncidentSummary,
  ScoresPoint,
  OperatorHealthView,
  AiopsResponse,
  ApproveAnswer,
} from './schemas/aiops.schema.ts';
export type { RunListing, ScorecardSummary, ScorecardFile, ScorecardView, ExperimentsResponse } from './schemas/experiments.schema.ts';

/** One log line as the Logs view shows it (the contract's `LogLine`). */
export type LogLineView = LogLine;

export type { BusinessService, FailureState, Incident, ServiceScore };
