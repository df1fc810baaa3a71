import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUSINESS_SERVICES } from '@archaics/contracts';
import type { Env } from '@archaics/runtime';
import type { MetricsReader } from '@archaics/telemetry-query';
import { loadScenario, runScenario, type Summary } from '@archaics/load';
import { BENCH_RESULTS_DIR } from '../definition/files.ts';
import type { Journal } from '../run/journal.ts';
import { newRunId, runExperiment } from '../run/runner.ts';
import { checkLocalTargets, StackClient, type StackTargets } from '../run/stack-client.ts';
import { experimentsDir, saveJournal } from '../store/journal-store.ts';
import { buildScorecard, machineInfo, renderScorecard, type Scorecard, type ScorecardRun } from './scorecard.ts';
import type { Suite } from './suite.ts';

export interface RunSuiteOptions {
  readonly targets: StackTargets;
  readonly metrics: MetricsReader;
  /** The state folder: journals and the suite's scorecard go to `<home>/experiments/`. */
  readonly home: string;
  /** Only the cases marked `quick`. */
  readonly quick?: boolean;
  readonly signal?: AbortSignal;
  readonly progress?: (line: string) => void;
  readonly env?: Env;
  /** Where `scorecard-<date>.md/.json` go (default bench/results); null: not written there. */
  readonly resultsDir?: string | null;
  readonly sampleIntervalS?: number;
}

export interface SuiteResult {
  readonly scorecard: Scorecard;
  readonly markdown: string;
  readonly files: readonly string[];
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Runs the suite against a running stack: its load in the background for the whole suite, a
 * fresh detector baseline under that load, then every case as an experiment (each waits for
 * a quiet stack first, every wait bounded), and writes the scorecard.
 */
export async function runSuite(suite: Suite, options: RunSuiteOptions): Promise<SuiteResult> {
  checkLocalTargets(options.targets);
  const say = options.progress ?? ((): void => undefined);
  const client = new StackClient(options.targets);
  const cases = options.quick ? suite.cases.filter((c) => c.quick) : suite.cases;
  const startedAt = new Date();
  const runId = newRunId(`${suite.name}${options.quick ? '-quick' : ''}`, startedAt);
  const runs: ScorecardRun[] = [];
  const log = (line: string): void => say(`[suite ${new Date().toISOString().slice(11, 19)}] ${line}`);

  const detector = (await client.detectorTrained()) !== null;
  const operator = (await client.incidents()) !== null;
  let baselineNote = 'no baseline step';
  const loadControl = new AbortController();
  const s = options.targets.services;
  const loadText = `load ${suite.load.scenario}${suite.load.vus === null ? '' : ` at ${suite.load.vus} VUs`}${suite.load.rate === null ? '' : ` at ${suite.load.rate}/s`} throughout`;
  log(
    `${suite.title}: ${cases.length} runs${options.quick ? ' (quick)' : ''}; ${loadText}; detector ${detector ? 'answering' : 'NOT answering'}, operator ${operator ? 'answering' : 'NOT answering'}`,
  );
  const loadRun: Promise<Summary | Error> = runScenario(loadScenario(suite.load.scenario), {
    targets: { auth: s['auth-service'], db: s['db-service'], product: s['product-service'], payment: s['payment-service'] },
    overrides: {
      duration: '3h',
      ...(suite.load.vus === null ? {} : { vus: suite.load.vus }),
      ...(suite.load.rate === null ? {} : { rate: suite.load.rate }),
    },
    env: options.env ?? process.env,
    signal: loadControl.signal,
  }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

  try {
    for (const service of BUSINESS_SERVICES) await client.reset(service, `suite ${suite.name}: start clean`).catch(() => undefined);
    if (detector) {
      const started = Date.now();
      if (suite.baseline.reset) {
        await sleep(5000, options.signal);
        const answer = await client.resetBaseline();
        log(`detector baseline reset (HTTP ${answer.status}): learning under the suite's load`);
      }
      let trained = await client.detectorTrained();
      while (trained !== true && Date.now() - started < suite.baseline.timeoutS * 1000 && !options.signal?.aborted) {
        await sleep(2000, options.signal);
        trained = await client.detectorTrained();
      }
      baselineNote = trained
        ? `detector baseline ${suite.baseline.reset ? 'learnt afresh' : 'already learnt'} under the suite's load in ${Math.round((Date.now() - started) / 1000)} s`
        : `detector NOT trained after ${suite.baseline.timeoutS} s`;
      log(baselineNote);
    }

    for (const [index, c] of cases.entries()) {
      if (options.signal?.aborted) break;
      await waitQuiet(client, suite.quietTimeoutS, options.signal, log);
      if (options.signal?.aborted) break;
      log(`run ${index + 1}/${cases.length}: ${c.label}`);
      const journal: Journal & { suite?: string } = await runExperiment(c.experiment, {
        targets: options.targets,
        metrics: options.metrics,
        externalLoad: true,
        runId: `${runId}--${String(index + 1).padStart(2, '0')}-${c.experiment.name}`.slice(0, 128),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.env ? { env: options.env } : {}),
        ...(options.sampleIntervalS === undefined ? {} : { sampleIntervalS: options.sampleIntervalS }),
        aiopsGraceS: 20,
      });
      journal.suite = runId;
      saveJournal(options.home, journal);
      const sc = journal.score;
      runs.push({
        case: c.label,
        kind: c.kind,
        run_id: journal.run_id,
        name: c.experiment.name,
        status: journal.status,
        exit_code: journal.exit_code,
        duration_s: Math.round((Date.parse(journal.ended_at) - Date.parse(journal.started_at)) / 1000),
        score: sc,
      });
      log(
        `  ${journal.status}: ${sc?.kind === 'control' ? `${sc.anomalies_opened} anomalies, ${sc.incidents_opened} incidents opened` : `detected ${sc?.detected ? `${sc.ttd_s} s` : 'no'}; root cause ${sc?.root_cause ?? '–'} (rank ${sc?.rank ?? '–'}); ${sc?.mitigated ? `mitigated ${sc.ttm_s} s` : 'not mitigated'}; recovered ${sc?.ttr_s ?? '–'} s`}`,
      );
    }
  } finally {
    loadControl.abort();
    await loadRun;
    for (const service of BUSINESS_SERVICES) await client.reset(service, `suite ${suite.name}: end`).catch(() => undefined);
  }

  const endedAt = new Date();
  const scorecard = buildScorecard({
    suite: suite.name,
    title: suite.title,
    run_id: runId,
    quick: options.quick ?? false,
    started_at: startedAt.toISOString(),
    ended_at: endedAt.toISOString(),
    duration_s: Math.round((endedAt.getTime() - startedAt.getTime()) / 1000),
    interrupted: options.signal?.aborted ?? false,
    machine: machineInfo(),
    stack: { detector, operator, load: loadText, baseline: baselineNote },
    runs,
  });
  const markdown = renderScorecard(scorecard);
  const files: string[] = [];
  const suiteDir = join(experimentsDir(options.home), runId);
  mkdirSync(suiteDir, { recursive: true });
  writeFileSync(join(suiteDir, 'scorecard.json'), `${JSON.stringify(scorecard, null, 2)}\n`);
  writeFileSync(join(suiteDir, 'scorecard.md'), markdown);
  files.push(join(suiteDir, 'scorecard.md'));
  const resultsDir = options.resultsDir === undefined ? BENCH_RESULTS_DIR : options.resultsDir;
  if (resultsDir !== null && !scorecard.interrupted) {
    mkdirSync(resultsDir, { recursive: true });
    const base = join(resultsDir, `scorecard-${startedAt.toISOString().slice(0, 10)}${options.quick ? '-quick' : ''}`);
    writeFileSync(`${base}.json`, `${JSON.stringify(scorecard, null, 2)}\n`);
    writeFileSync(`${base}.md`, markdown);
    files.push(`${base}.md`, `${base}.json`);
  }
  return { scorecard, markdown, files };
}

/** No fault, every service up, no open anomaly, no incident in progress — or the timeout. */
async function waitQuiet(
  client: StackClient,
  timeoutS: number,
  signal: AbortSignal | undefined,
  log: (line: string) => void,
): Promise<void> {
  const end = Date.now() + timeoutS * 1000;
  let why: string[] = [];
  while (Date.now() < end && !signal?.aborted) {
    const [state, anomalies, incidents] = await Promise.all([client.allClear(), client.anomalies(), client.incidents()]);
    why = [
      ...state.detail,
      ...(anomalies?.open ? [`anomaly ${anomalies.open.id} open`] : []),
      ...(incidents ?? [])
        .filter((i) => ['analyzing', 'acting', 'verifying'].includes(i.status))
        .map((i) => `incident ${i.id} ${i.status}`),
    ];
    if (why.length === 0) {
      await sleep(2000, signal);
      return;
    }
    await sleep(1000, signal);
  }
  if (why.length > 0) log(`  not quiet after ${timeoutS} s (${why.join(', ')}): going on`);
}
