export { runScenario, exitCodeOf, EXIT_CODES } from './run-scenario.ts';
export type { RunOptions } from './run-scenario.ts';
export type { Summary } from './report/summary.ts';
export { renderSummary } from './report/render-summary.ts';
export { loadScenario, scenarioNames, SCENARIOS_DIR, JOURNEYS_DIR } from './definition/scenario-files.ts';
export { parseScenario, DefinitionError, EXECUTORS } from './definition/scenario-definition.ts';
export type {
  ScenarioDefinition,
  Journey,
  JourneyStep,
  LoadProfile,
  Executor,
  Stage,
  Thresholds,
} from './definition/scenario-definition.ts';
export { applyOverrides } from './definition/overrides.ts';
export type { LoadOverrides } from './definition/overrides.ts';
export { parseDuration, formatDuration } from './definition/duration.ts';
export {
  WITH_FAILURES,
  GRAY_FAILURES,
  FAULT_SETS,
  FAULT_SET_NAMES,
  FAULT_MARGIN_S,
  faultSetNamed,
  injectFailures,
  resetFailures,
} from './faults/with-failures.ts';
export type { FaultSetName, FaultSpec, InjectedFault, ResetOutcome } from './faults/with-failures.ts';
export { targetsFromEnv, checkTargets, TargetError } from './http/targets.ts';
export type { Targets } from './http/targets.ts';
export { THRESHOLD_METRICS } from './report/thresholds.ts';
export type { ThresholdResult } from './report/thresholds.ts';
export type { ProgressOutput } from './report/progress-line.ts';
export { runLoadCli, USAGE } from './cli/load-cli.ts';
export type { CliIo } from './cli/load-cli.ts';
