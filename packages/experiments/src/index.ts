export { ExperimentSchema, SuiteSchema, PROBE_METRICS, PROBE_TYPES } from './definition/schema.ts';
export type { ExperimentInput, SuiteInput, ProbeMetric } from './definition/schema.ts';
export { parseExperiment } from './definition/experiment.ts';
export type { Experiment, Fault, Probe, Step, Rollback, LoadSpec } from './definition/experiment.ts';
export { ExperimentDefinitionError, formatIssue } from './definition/yaml-source.ts';
export type { DefinitionIssue } from './definition/yaml-source.ts';
export { drawRandomFaults } from './definition/random-faults.ts';
export {
  BENCH_RESULTS_DIR,
  EXPERIMENTS_DIR,
  SUITE_FILE,
  loadExperimentFile,
  resolveExperimentFile,
  shippedExperimentNames,
} from './definition/files.ts';
export { runExperiment, newRunId } from './run/runner.ts';
export type { RunExperimentOptions } from './run/runner.ts';
export { StackClient, checkLocalTargets } from './run/stack-client.ts';
export type { StackTargets, DetectorAnomaly } from './run/stack-client.ts';
export { exitCodeFor, RUN_STATUSES, EVENT_KINDS } from './run/journal.ts';
export type { Journal, JournalEvent, RunScore, RunStatus, Evaluation, ProbeResult, SamplePoint } from './run/journal.ts';
export { scoreRun } from './run/score.ts';
export { renderReport, markersOf } from './report/report.ts';
export type { Marker } from './report/report.ts';
export { experimentsDir, saveJournal, listJournals, readRunFile, latestScorecard, isRunId } from './store/journal-store.ts';
export type { JournalListing } from './store/journal-store.ts';
export { parseSuite, loadSuiteFile, steadyStateProbes } from './suite/suite.ts';
export type { Suite, SuiteCase } from './suite/suite.ts';
export { runSuite } from './suite/suite-runner.ts';
export type { RunSuiteOptions, SuiteResult } from './suite/suite-runner.ts';
export { buildScorecard, renderScorecard, machineInfo } from './suite/scorecard.ts';
export type { Scorecard, ScorecardRun } from './suite/scorecard.ts';
