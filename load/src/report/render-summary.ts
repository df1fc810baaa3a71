import { describeFault } from '../faults/with-failures.ts';
import type { LatencyStats } from '../metrics/latency-histogram.ts';
import type { Summary } from './summary.ts';

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const pct = (value: number): string => `${(value * 100).toFixed(2)}%`;

/** Padded columns; `right` lists the right-aligned ones (numbers). */
function table(rows: string[][], right: readonly number[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (right.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

const latencyRow = (label: string, s: LatencyStats): string[] => [label, ms(s.p50), ms(s.p90), ms(s.p95), ms(s.p99), ms(s.max)];

/** The end-of-run summary for a terminal. */
export function renderSummary(summary: Summary): string {
  const lines: string[] = [];
  const { requests, iterations, checks } = summary;
  lines.push(`scenario ${summary.scenario}: ${summary.load} (${summary.model} model)${summary.interrupted ? ' — INTERRUPTED' : ''}`);
  lines.push(
    `ran ${summary.durationS.toFixed(1)}s of ${summary.plannedDurationS.toFixed(1)}s; targets ${Object.entries(summary.targets)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  if (summary.faults) {
    lines.push(
      `faults injected: ${summary.faults.injected.map((f) => `${describeFault(f)} p=${f.probability} for ${f.durationS}s`).join('; ')}`,
    );
    lines.push(
      `faults reset: ${summary.faults.reset.map((r) => `${r.target}${r.scope ? ` ${r.scope}` : ''} ${r.ok ? 'ok' : `FAILED (${r.detail ?? ''})`}`).join(', ')}`,
    );
  }
  lines.push('');
  lines.push(
    ...table(
      [
        [
          'requests',
          String(requests.total),
          `${requests.ratePerS.toFixed(1)}/s`,
          `failed ${requests.failed} (${pct(requests.failedRate)})`,
        ],
        [
          'iterations',
          String(iterations.completed),
          `${iterations.ratePerS.toFixed(1)}/s`,
          `started ${iterations.started}, dropped ${iterations.dropped}, interrupted ${iterations.interrupted}${summary.model === 'open' ? `, scheduled ${iterations.scheduled}` : ''}`,
        ],
        [
          'checks',
          String(checks.passed),
          `${checks.failed} failed`,
          checks.passed + checks.failed === 0 ? '' : pct(checks.passed / (checks.passed + checks.failed)),
        ],
        ['vus', String(summary.vus.max), 'max', `${summary.vus.allocated} allocated`],
      ],
      [1, 2],
    ).map((line) => `  ${line}`),
  );
  lines.push('', 'latency ms (HDR histogram)');
  lines.push(
    ...table(
      [
        ['', 'p50', 'p90', 'p95', 'p99', 'max'],
        latencyRow('from scheduled start', summary.latency.fromScheduledStart),
        latencyRow('service time', summary.latency.serviceTime),
        latencyRow('iteration', iterations.duration),
      ],
      [1, 2, 3, 4, 5],
    ).map((line) => `  ${line}`),
  );
  lines.push('', 'endpoints');
  lines.push(
    ...table(
      [
        ['', '', 'requests', 'failed', 'p50', 'p95', 'p99'],
        ...summary.endpoints.map((e) => [
          e.target,
          e.endpoint,
          String(e.requests),
          String(e.failed),
          ms(e.latency.p50),
          ms(e.latency.p95),
          ms(e.latency.p99),
        ]),
      ],
      [2, 3, 4, 5, 6],
    ).map((line) => `  ${line}`),
  );
  if (summary.errors.byEndpoint.length > 0) {
    lines.push('', 'errors');
    lines.push(
      ...table(
        summary.errors.byEndpoint.map((e) => [e.outcome, e.target, e.endpoint, String(e.count)]),
        [3],
      ).map((line) => `  ${line}`),
    );
  }
  const failedChecks = Object.entries(checks.byName).filter(([, c]) => c.failed > 0);
  if (failedChecks.length > 0) {
    lines.push('', 'failed checks');
    lines.push(
      ...table(
        failedChecks.map(([name, c]) => [name, `${c.failed} of ${c.passed + c.failed}`]),
        [1],
      ).map((line) => `  ${line}`),
    );
  }
  if (summary.thresholds.length > 0) {
    lines.push('', `thresholds: ${summary.passed ? 'all passed' : 'BREACHED'}`);
    lines.push(
      ...summary.thresholds.map(
        (t) => `  ${t.ok ? '✓' : '✗'} ${t.metric} ${t.expression}  (actual ${Number.isInteger(t.actual) ? t.actual : t.actual.toFixed(4)})`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
