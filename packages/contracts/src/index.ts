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
  BusinessService,
} from './services.ts';
export type { PlatformService, ServiceName, GraphNode } from './services.ts';
export { oneOf } from './one-of.ts';
export {
  SEED_FAULT_TYPES,
  FAULT_TYPES,
  EDGE_ONLY_FAULT_TYPES,
  PROCESS_FAULT_TYPES,
  ERROR_STATUSES,
  FAULT_LIMITS,
  FaultType,
  faultTypesFor,
  faultTargetsFor,
  FAULT_ROUTES,
  scopeLabel,
  scopeOfLabel,
  faultParameterConflict,
  FailureState,
  HealthResponse,
  InjectQuery,
  InjectResponse,
  ResetQuery,
  ResetResponse,
  ErrorResponse,
  upstreamErrors,
} from './chaos.ts';
export type { ErrorStatus, FaultExtras, FaultScope } from './chaos.ts';
export { LOG_LEVELS, LogLevel, LogLine } from './logs.ts';
export {
  MAX_LINE_QUANTITY,
  Product,
  CartItem,
  CartLine,
  PricedCart,
  cartItemsOf,
  describeIssues,
  toCents,
  withProducts,
} from './records.ts';
export type { RecordIssue, Checked, PricedItem } from './records.ts';
export {
  FEATURE_NAMES,
  FeatureDriver,
  ServiceScore,
  AnomalyWebhook,
  WEBHOOK_DELIVERY_STATUSES,
  AnomalyRecord,
  AnomalyList,
  ACTION_TYPES,
  OperatorAction,
  OPERATOR_MODES,
  ACTION_STATUSES,
  ActionStatus,
  ActionRecord,
  RankedCause,
  INCIDENT_STATUSES,
  IncidentStatus,
  Incident,
  DetectorHealth,
  SIGNATURE_HEADER,
} from './aiops.ts';
export type { FeatureName, FeatureVector, ActionType, OperatorMode, WebhookDeliveryStatus } from './aiops.ts';
