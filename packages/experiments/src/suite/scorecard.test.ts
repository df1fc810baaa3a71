import { describe, expect, it } from 'vitest';
import type { RunScore } from '../run/journal.ts';
import { buildScorecard, median, renderScorecard, type ScorecardRun } from './scorecard.ts';

const none: RunScore = {
  kind: 'fault',
  target: 'db-service',
  fault: { type: 'timeout', intensity: 2, probability: 1, duration_s: null, scope: 'service' },
  injections: [{ service: 'db-service', type: 'timeout', scope: 'service' }],
  injected_at: '2026-01-01T00:00:00.000Z',
  detected: false,
  detected_at: null,
  ttd_s: null,
  anomaly_services: [],
  incident_id: null,
  root_cause: null,
  ranking: [],
  rank: null,
  localised_at: null,
  ttl_s: null,
  actions: [],
  action_at: null,
  mitigated: false,
  mitigated_at: null,
  ttm_s: null,
  recovered_at: null,
  ttr_s: null,
  anomalies_opened: 0,
  incidents_opened: 0,
};

const run = (
  name: string,
  score: Partial<RunScore>,
  kind: ScorecardRun['kind'] = 'fault',
  status: ScorecardRun['status'] = 'healed',
): ScorecardRun => ({
  case: name,
  kind,
  run_id: `run-${name}`,
  name,
  status,
  exit_code: status === 'deviated' ? 1 : 0,
  duration_s: 60,
  score: { ...none, ...score },
});

describe(buildScorecard.name, () => {
  it('computes detection, AC@1/AC@3 over all fault runs, mitigation and false incidents of the controls', () => {
    const card = buildScorecard({
      suite: 's',
      title: 'S',
      run_id: 'r',
      quick: false,
      started_at: '2026-01-01T00:00:00.000Z',
      ended_at: '2026-01-01T00:10:00.000Z',
      duration_s: 600,
      interrupted: false,
      machine: { cpu: 'x', cores: 2, memory_gib: 4, node: 'v20', platform: 'linux', load_average_1m: 0 },
      stack: { detector: true, operator: true, load: 'normal', baseline: 'learnt' },
      runs: [
        run('a', { detected: true, ttd_s: 4, incident_id: 'i1', rank: 1, ttl_s: 5, mitigated: true, ttm_s: 12 }),
        run('b', {
          detected: true,
          ttd_s: 6,
          incident_id: 'i2',
          rank: 2,
          ttl_s: 7,
          mitigated: false,
          fault: { type: 'error', intensity: 1, probability: 1, duration_s: null, scope: 'service' },
        }),
        run('c', {}, 'fault', 'deviated'),
        run('d', { detected: true, ttd_s: 100, rank: 1, mitigated: true, ttm_s: 1 }, 'fault', 'aborted'),
        run('control', { kind: 'control', target: null, fault: null, anomalies_opened: 2, incidents_opened: 1 }, 'control', 'held'),
      ],
    });
    expect(card.summary).toMatchObject({
      fault_runs: 3,
      detected: 2,
      detection_rate: 0.667,
      ttd_median_s: 5,
      ac1: 0.333,
      ac3: 0.667,
      mitigated: 1,
      ttm_median_s: 12,
      control_runs: 1,
      control_minutes: 1,
      false_anomalies: 2,
      false_incidents: 1,
    });
    expect(card.summary.outcomes).toEqual({ held: 1, healed: 2, deviated: 1, aborted: 1 });
    expect(card.by_type.map((t) => [t.type, t.runs, t.detected])).toEqual([
      ['error', 1, 1],
      ['timeout', 2, 1],
    ]);
    const markdown = renderScorecard(card);
    expect(markdown).toContain('| localisation AC@1 | 33 % |');
    expect(markdown).toContain('| false anomalies / false incidents in the controls | 2 / 1 |');
  });

  it('takes the middle of an even list as the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
