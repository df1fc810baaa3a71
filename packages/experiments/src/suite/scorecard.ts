import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { RunScore, RunStatus } from '../run/journal.ts';

export interface ScorecardRun {
  readonly case: string;
  readonly kind: 'fault' | 'experiment' | 'control';
  readonly run_id: string;
  readonly name: string;
  readonly status: RunStatus;
  readonly exit_code: number;
  readonly duration_s: number;
  readonly score: RunScore | null;
}

export interface Scorecard {
  readonly suite: string;
  readonly title: string;
  readonly run_id: string;
  readonly quick: boolean;
  readonly started_at: string;
  readonly ended_at: string;
  readonly duration_s: number;
  readonly interrupted: boolean;
  readonly machine: Record<string, string | number>;
  readonly stack: { readonly detector: boolean; readonly operator: boolean; readonly load: string; readonly baseline: string };
  readonly summary: {
    readonly fault_runs: number;
    readonly detected: number;
    readonly detection_rate: number | null;
    readonly ttd_median_s: number | null;
    readonly ttd_max_s: number | null;
    readonly localised: number;
    readonly ac1: number | null;
    readonly ac3: number | null;
    readonly ttl_median_s: number | null;
    readonly mitigated: number;
    readonly mitigation_rate: number | null;
    readonly ttm_median_s: number | null;
    readonly ttm_max_s: number | null;
    readonly recovered: number;
    readonly ttr_median_s: number | null;
    readonly control_runs: number;
    readonly control_minutes: number;
    readonly false_anomalies: number;
    readonly false_incidents: number;
    readonly outcomes: Readonly<Record<RunStatus, number>>;
  };
  readonly by_type: ReadonlyArray<{
    type: string;
    runs: number;
    detected: number;
    ttd_median_s: number | null;
    ac1: number | null;
    ac3: number | null;
    mitigated: number;
    ttm_median_s: number | null;
  }>;
  readonly runs: readonly ScorecardRun[];
}

/** What the scorecard was measured on. */
export function machineInfo(): Record<string, string | number> {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memory_gib: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${platform()} ${release()}`,
    load_average_1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value * 10) / 10;
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);
const max = (values: readonly number[]): number | null => (values.length === 0 ? null : Math.max(...values));

/** Detection, localisation (AC@1, AC@3), mitigation and false incidents over the runs, as AIOps papers report them. */
export function buildScorecard(input: Omit<Scorecard, 'summary' | 'by_type'>): Scorecard {
  const faults = input.runs.filter((r) => r.score?.kind === 'fault' && r.status !== 'aborted');
  const scores = faults.map((r) => r.score!);
  const controls = input.runs.filter((r) => r.kind === 'control' && r.status !== 'aborted');
  const ttd = scores.flatMap((s) => (s.ttd_s === null ? [] : [s.ttd_s]));
  const ttl = scores.flatMap((s) => (s.ttl_s === null ? [] : [s.ttl_s]));
  const ttm = scores.flatMap((s) => (s.ttm_s === null ? [] : [s.ttm_s]));
  const ttr = scores.flatMap((s) => (s.ttr_s === null ? [] : [s.ttr_s]));
  const outcomes: Record<RunStatus, number> = { held: 0, healed: 0, deviated: 0, aborted: 0 };
  for (const run of input.runs) outcomes[run.status]++;
  const types = [...new Set(scores.map((s) => s.fault?.type ?? '?'))].sort();
  return {
    ...input,
    summary: {
      fault_runs: scores.length,
      detected: scores.filter((s) => s.detected).length,
      detection_rate: ratio(scores.filter((s) => s.detected).length, scores.length),
      ttd_median_s: median(ttd),
      ttd_max_s: max(ttd),
      localised: scores.filter((s) => s.incident_id !== null).length,
      ac1: ratio(scores.filter((s) => s.rank === 1).length, scores.length),
      ac3: ratio(scores.filter((s) => s.rank !== null && s.rank <= 3).length, scores.length),
      ttl_median_s: median(ttl),
      mitigated: scores.filter((s) => s.mitigated).length,
      mitigation_rate: ratio(scores.filter((s) => s.mitigated).length, scores.length),
      ttm_median_s: median(ttm),
      ttm_max_s: max(ttm),
      recovered: scores.filter((s) => s.recovered_at !== null).length,
      ttr_median_s: median(ttr),
      control_runs: controls.length,
      control_minutes: Math.round((controls.reduce((sum, r) => sum + r.duration_s, 0) / 60) * 10) / 10,
      false_anomalies: controls.reduce((sum, r) => sum + (r.score?.anomalies_opened ?? 0), 0),
      false_incidents: controls.reduce((sum, r) => sum + (r.score?.incidents_opened ?? 0), 0),
      outcomes,
    },
    by_type: types.map((type) => {
      const list = scores.filter((s) => (s.fault?.type ?? '?') === type);
      return {
        type,
        runs: list.length,
        detected: list.filter((s) => s.detected).length,
        ttd_median_s: median(list.flatMap((s) => (s.ttd_s === null ? [] : [s.ttd_s]))),
        ac1: ratio(list.filter((s) => s.rank === 1).length, list.length),
        ac3: ratio(list.filter((s) => s.rank !== null && s.rank <= 3).length, list.length),
        mitigated: list.filter((s) => s.mitigated).length,
        ttm_median_s: median(list.flatMap((s) => (s.ttm_s === null ? [] : [s.ttm_s]))),
      };
    }),
  };
}

const cell = (value: number | null, unit = ''): string => (value === null ? '–' : `${value}${unit}`);
const pct = (value: number | null): string => (value === null ? '–' : `${(value * 100).toFixed(0)} %`);

function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const line = (cells: ReadonlyArray<string | number>): string => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The scorecard as Markdown (what the CLI prints and bench/results keeps). */
export function renderScorecard(card: Scorecard): string {
  const s = card.summary;
  const m = card.machine;
  return [
    `# ${card.title}${card.quick ? ' (quick)' : ''} — scorecard ${card.started_at.slice(0, 10)}`,
    '',
    `Suite \`${card.suite}\`, run ${card.run_id}: ${card.runs.length} runs in ${Math.round(card.duration_s / 60)} min${card.interrupted ? ' (INTERRUPTED: partial)' : ''}. Machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, Node ${m.node}, ${m.platform}; load average ${m.load_average_1m} at the start. Stack: ${card.stack.load}; detector ${card.stack.detector ? 'on' : 'NOT answering'}, operator ${card.stack.operator ? 'on' : 'NOT answering'}; ${card.stack.baseline}.`,
    '',
    '## Summary',
    '',
    table(
      ['measure', 'value'],
      [
        ['fault runs', s.fault_runs],
        ['detection rate', `${pct(s.detection_rate)} (${s.detected}/${s.fault_runs})`],
        ['time to detect, median / max', `${cell(s.ttd_median_s, ' s')} / ${cell(s.ttd_max_s, ' s')}`],
        ['localisation AC@1', `${pct(s.ac1)}`],
        ['localisation AC@3', `${pct(s.ac3)}`],
        ['time to localise, median', cell(s.ttl_median_s, ' s')],
        ['mitigation success', `${pct(s.mitigation_rate)} (${s.mitigated}/${s.fault_runs})`],
        ['time to mitigate, median / max', `${cell(s.ttm_median_s, ' s')} / ${cell(s.ttm_max_s, ' s')}`],
        ['hypothesis held or back within the budget', `${s.recovered}/${s.fault_runs}`],
        ['time until the hypothesis is back (runs that deviated), median', cell(s.ttr_median_s, ' s')],
        ['control runs', `${s.control_runs} (${s.control_minutes} min of load, no fault)`],
        ['false anomalies / false incidents in the controls', `${s.false_anomalies} / ${s.false_incidents}`],
        [
          'outcomes',
          `held ${s.outcomes.held}, healed ${s.outcomes.healed}, deviated ${s.outcomes.deviated}, aborted ${s.outcomes.aborted}`,
        ],
      ],
    ),
    '',
    "Times are from the injection: detection = the detector opened an anomaly; localisation = the operator ranked root causes (AC@k: the injected service is within the first k, over all fault runs, a run with no incident counting as a miss); mitigation = the incident resolved and verified; recovered = the experiment's hypothesis held again.",
    '',
    '## By fault type',
    '',
    table(
      ['type', 'runs', 'detected', 'ttd median', 'AC@1', 'AC@3', 'mitigated', 'ttm median'],
      card.by_type.map((t) => [
        t.type,
        t.runs,
        t.detected,
        cell(t.ttd_median_s, ' s'),
        pct(t.ac1),
        pct(t.ac3),
        t.mitigated,
        cell(t.ttm_median_s, ' s'),
      ]),
    ),
    '',
    '## Runs',
    '',
    table(
      ['case', 'status', 'detected', 'root cause (rank)', 'actions', 'mitigated', 'recovered', 'journal'],
      card.runs.map((r) => {
        const sc = r.score;
        return [
          r.case,
          r.status,
          sc === null
            ? '–'
            : sc.kind === 'control'
              ? `${sc.anomalies_opened} anomalies, ${sc.incidents_opened} incidents`
              : sc.detected
                ? `${sc.ttd_s} s`
                : 'no',
          sc?.incident_id ? `${sc.root_cause ?? '–'} (${sc.rank ?? '–'})` : '–',
          sc?.actions.join(', ') || '–',
          sc?.mitigated ? `${sc.ttm_s} s` : sc?.kind === 'control' ? '' : 'no',
          sc?.ttr_s === null || sc === null ? (sc?.recovered_at ? 'held' : 'no') : `${sc.ttr_s} s`,
          r.run_id,
        ];
      }),
    ),
    '',
  ].join('\n');
}
