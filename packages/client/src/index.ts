export { StackClient } from './stack.client.ts';
export type { StackClientOptions, StackTargets } from './stack.client.ts';
export type { ServicesClient } from './services.client.ts';
export type { InjectAnswer, ResetAnswer, ResetOptions } from './services.client.ts';
export type { DetectorClient } from './detector.client.ts';
export type { AnomaliesAnswer, BaselineResetAnswer, DetectorAnomaly, ScoresAnswer } from './detector.client.ts';
export type { OperatorClient } from './operator.client.ts';
export type { ApproveAnswer, OperatorHealth } from './operator.client.ts';
export type { SupervisorClient } from './supervisor.client.ts';
export type { ExitInfo, RestartAccepted, ServiceState, ServiceStatus } from './supervisor.client.ts';
export type { CallOptions, CallerOptions, ControlOptions } from './control-caller.ts';
export { chaosCredential } from './chaos-credential.ts';
export type { ChaosCredential } from './chaos-credential.ts';
export { faultQuery } from './fault-query.ts';
export type { FaultParams } from './fault-query.ts';
export { REASON_HEADER, reasonHeaderValue } from './reason-header.ts';
export { DEFAULT_TIMEOUT_MS, exchange } from './http-exchange.ts';
export type { ExchangeRequest, HttpAnswer } from './http-exchange.ts';
export {
  failureReason,
  MissingChaosTokenError,
  StackCallError,
  StackRefusedError,
  StackUnreachableError,
  SupervisorNotFoundError,
} from './stack-errors.ts';
