export {
  BUSINESS_SERVICES,
  PLATFORM_SERVICES,
  SERVICE_PORTS,
  SERVICE_URL_ENV,
  DEPENDENCY_GRAPH,
  dependenciesOf,
  dependentsOf,
  isBusinessService,
  resolveServiceName,
} from './services.ts';
export type { BusinessService, PlatformService, ServiceName, GraphNode } from './services.ts';
export {
  FAULT_TYPES,
  FAULT_LIMITS,
  faultTypesFor,
  FailureState,
  HealthResponse,
  InjectQuery,
  InjectResponse,
  ResetResponse,
  ErrorResponse,
  upstreamErrors,
} from './chaos.ts';
export type { FaultType } from './chaos.ts';
export { LOG_LEVELS, LogLine } from './logs.ts';
export type { LogLevel } from './logs.ts';
export {
  checkProduct,
  checkCartItem,
  checkProducts,
  checkCartItems,
  cartItemsOf,
  describeIssues,
} from './records.ts';
export type { Product, CartItem, RecordIssue, Checked } from './records.ts';
export {
  FEATURE_NAMES,
  FeatureDriver,
  ServiceScore,
  AnomalyWebhook,
  ACTION_TYPES,
  OperatorAction,
  OPERATOR_MODES,
  ACTION_STATUSES,
  ActionRecord,
  RankedCause,
  INCIDENT_STATUSES,
  Incident,
  DetectorHealth,
  SIGNATURE_HEADER,
} from './aiops.ts';
export type { FeatureName, FeatureVector, ActionType, OperatorMode, ActionStatus, IncidentStatus } from './aiops.ts';
