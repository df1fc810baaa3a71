import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../definition/experiment.ts';
import type { IncidentSummary, Journal } from './journal.ts';
import { scoreRun } from './score.ts';

const experiment = parseExperiment(
  `name: s\ntitle: S\nbudget: 60s\nhypothesis:\n  probes:\n    - { name: up, type: metric, service: db, metric: up, min: 1 }\nmethod:\n  duration: 10s\n  steps:\n    - at: 0s\n      inject: { service: db, type: timeout, intensity: 2 }\n`,
  's.yaml',
);
const T0 = Date.parse('2026-01-01T00:00:10.000Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();

function journal(incident: Partial<IncidentSummary> | null, anomalyAt: number | null, status: Journal['status'] = 'healed'): Journal {
  return {
    version: 1,
    run_id: 'r',
    experiment,
    started_at: at(-8),
    ended_at: at(40),
    status,
    exit_code: 0,
    reason: '',
    targets: {},
    hypothesis: { before: null, during: { evaluations: 3, held: 1, first_breach: null }, after: null, recovered_at: at(20) },
    events: [{ at: at(0), kind: 'inject', detail: 'db-service timeout', service: 'db-service' }],
    samples: [],
    rollbacks: [],
    final: { clear: true, detail: [] },
    aiops: {
      detector: true,
      operator: true,
      anomalies:
        anomalyAt === null ? [] : [{ id: 'a1', opened_at: at(anomalyAt), closed_at: null, services: ['db-service', 'product-service'] }],
      incidents:
        incident === null
          ? []
          : [
              {
                id: 'i1',
                status: 'resolved',
                opened_at: at(4),
                root_cause: 'db-service',
                ranking: [],
                actions: [{ action: 'reset_failure(db-service)', status: 'succeeded', at: at(6) }],
                verified: true,
                resolved_at: at(12),
                ranked_at: at(5),
                ...incident,
              },
            ],
    },
    score: null,
    load: null,
  };
}

describe(scoreRun.name, () => {
  it('times detection, localisation, mitigation and recovery from the injection', () => {
    const score = scoreRun(
      journal(
        {
          ranking: [
            { service: 'db-service', score: 0.5 },
            { service: 'product-service', score: 0.1 },
          ],
        },
        3,
      ),
      T0,
    );
    expect(score).toMatchObject({
      kind: 'fault',
      target: 'db-service',
      detected: true,
      ttd_s: 3,
      rank: 1,
      ttl_s: 5,
      mitigated: true,
      ttm_s: 12,
      ttr_s: 20,
    });
  });

  it('gives no rank when the ranking has no evidence (all scores 0), and counts no anomaly opened before the injection', () => {
    const score = scoreRun(
      journal(
        {
          ranking: [
            { service: 'db-service', score: 0 },
            { service: 'auth-service', score: 0 },
          ],
          root_cause: null,
          status: 'escalated',
          verified: false,
        },
        -5,
      ),
      T0,
    );
    expect(score.rank).toBeNull();
    expect(score.detected).toBe(false);
    expect(score.mitigated).toBe(false);
  });

  it('has no time to recover for a run that held throughout', () => {
    expect(scoreRun(journal(null, null, 'held'), T0).ttr_s).toBeNull();
  });
});
