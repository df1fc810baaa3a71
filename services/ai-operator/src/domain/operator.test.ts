import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusinessService, Incident, IncidentStatus } from '@archaics/contracts';
import { createLogger } from '@archaics/server';
import type { LogReader, MetricsReader, TraceReader } from '@archaics/telemetry-query';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metricsSample } from '../../test/support/samples.ts';
import { NoLlm } from '../clients/llm/llm-provider.ts';
import type { Platform } from '../clients/platform.ts';
import { IncidentRepository } from '../repositories/incident.repository.ts';
import { MetricsHistory } from './metrics-history.ts';
import { Operator, type OperatorSettings, type ServiceControl } from './operator.ts';
import { Policy } from './policy.ts';

const T0 = Date.parse('2031-03-04T05:06:07.000Z');

const SETTINGS: OperatorSettings = {
  mode: 'auto',
  evidence: { samples: 1, intervalMs: 1 },
  verify: { intervals: 2, intervalMs: 1, timeoutMs: 60_000 },
  llmTimeoutMs: 1000,
};

let dir: string;
let repository: IncidentRepository;
let operator: Operator | undefined;
/** Every time the fake clock gave, one second apart, far from the real time. */
let readings: string[];
const resets: BusinessService[] = [];
const reached: IncidentStatus[] = [];

/** How many metrics samples the operator took. */
let sampled = 0;

function build(settings: OperatorSettings = SETTINGS, dbErrorRatio = 0): Operator {
  let t = T0;
  const now = (): Date => {
    t += 1000;
    const at = new Date(t);
    readings.push(at.toISOString());
    return at;
  };
  const metrics: MetricsReader = {
    sample: async () => {
      sampled += 1;
      const edge = [{ upstream: 'db-service', errorRatio: dbErrorRatio }];
      return metricsSample(
        { 'db-service': { errorRatio: dbErrorRatio }, 'product-service': { errorRatio: dbErrorRatio, upstreams: edge } },
        t,
      );
    },
  };
  const logs: LogReader = { query: async () => [], tail: async () => undefined };
  const traces: TraceReader = {
    services: async () => [],
    operations: async () => [],
    getTrace: async () => null,
    findTraces: async () => [],
  };
  const services: ServiceControl = {
    health: async () => ({ reachable: true, uptimeS: 300, failure: null }),
    reset: async (service) => {
      resets.push(service);
      return 'error';
    },
  };
  const platform: Platform = { kind: 'local', restart: async (s) => `restarted ${s}`, scale: async (s) => `scaled ${s}` };
  operator = new Operator({
    settings,
    repository,
    history: new MetricsHistory(metrics, { keepMs: 600_000, now: () => t }),
    logs,
    traces,
    services,
    platform,
    llm: new NoLlm(),
    policy: new Policy({ maxActionsPerMinute: 10, cooldownMs: 0, now: () => t }),
    logger: createLogger({ service: 'ai-operator', level: 'silent' }),
    onIncident: (status) => reached.push(status),
    now,
  });
  return operator;
}

/** An incident an approve-mode pipeline left waiting for one reset of db-service. */
function waitingIncident(id: string): Incident {
  const at = new Date(T0).toISOString();
  const incident: Incident = {
    id,
    status: 'awaiting_approval',
    opened_at: at,
    anomaly: { source: 'manual', reason: 'test' },
    ranking: [{ service: 'db-service', score: 5, evidence: ['5xx 100%'] }],
    root_cause: 'db-service',
    plan: { source: 'deterministic', explanation: 'reset db', actions: [{ action: 'reset_failure', service: 'db-service' }] },
    actions: [{ action: { action: 'reset_failure', service: 'db-service' }, status: 'awaiting_approval', at, source: 'deterministic' }],
    verified: false,
    resolved_at: null,
    llm: { provider: 'none', model: null, used: false },
    timeline: [
      { at, event: 'opened', detail: 'manual request' },
      { at, event: 'awaiting_approval' },
    ],
  };
  repository.create(incident, null);
  return incident;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'operator-'));
  repository = IncidentRepository.open(join(dir, 'ai-operator.sqlite'));
  readings = [];
  sampled = 0;
  resets.length = 0;
  reached.length = 0;
});

afterEach(async () => {
  await operator?.close();
  operator = undefined;
  repository.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(Operator.name, () => {
  it('approve answers not_found for an unknown incident', () => {
    expect(build().approve('inc-nope')).toEqual({ kind: 'not_found' });
  });

  it('approve answers not_awaiting_approval with the status of an incident that waits for nothing', () => {
    const incident = waitingIncident('inc-resolved');
    repository.save({ ...incident, status: 'resolved' });
    expect(build().approve('inc-resolved')).toEqual({ kind: 'not_awaiting_approval', status: 'resolved' });
    expect(repository.get('inc-resolved')!.timeline).toHaveLength(2);
  });

  it('approve moves a waiting incident to acting, then carries the action out to resolved; a second approve is refused', async () => {
    waitingIncident('inc-waiting');
    const op = build();
    const result = op.approve('inc-waiting');
    expect(result.kind).toBe('approved');
    if (result.kind !== 'approved') return;
    expect(result.incident.status).toBe('acting');
    expect(result.incident.timeline.at(-1)).toEqual({ at: readings[0], event: 'approved' });
    await op.idle();
    const done = repository.get('inc-waiting')!;
    expect(done.status).toBe('resolved');
    expect(resets).toEqual(['db-service']);
    expect(done.timeline.map((e) => e.event)).toEqual([
      'opened',
      'awaiting_approval',
      'approved',
      'action_succeeded',
      'verifying',
      'verified',
      'resolved',
    ]);
    expect(reached).toEqual(['acting', 'verifying', 'resolved']);
    expect(op.approve('inc-waiting')).toEqual({ kind: 'not_awaiting_approval', status: 'resolved' });
  });

  it('stamps every timeline entry, action and time of an incident with the one injected clock', async () => {
    const op = build();
    const { incident, created } = op.open({ anomaly: { source: 'manual', reason: 'test' }, anomalyId: null });
    expect(created).toBe(true);
    await op.idle();
    const done = repository.get(incident.id)!;
    // Healthy telemetry: nothing to act on but escalating to a human.
    expect(done.status).toBe('escalated');
    expect(done.timeline.map((e) => e.event)).toEqual([
      'opened',
      'evidence_gathered',
      'ranked',
      'planned',
      'action_succeeded',
      'escalated',
    ]);
    const times = [done.opened_at, ...done.timeline.map((e) => e.at), ...done.actions.map((a) => a.at)];
    for (const at of times) expect(readings).toContain(at);
    expect(done.opened_at).toBe(readings[0]);
    expect(reached).toEqual(['analyzing', 'acting', 'escalated']);
  });

  it('times verification on the injected clock', async () => {
    // 5xx persist after the reset; the 4 s verification deadline passes after a few readings of a clock that moves 1 s per reading.
    const op = build({ ...SETTINGS, verify: { intervals: 2, intervalMs: 1, timeoutMs: 4000 } }, 1);
    const { incident } = op.open({ anomaly: { source: 'manual', reason: 'test' }, anomalyId: null });
    await op.idle();
    const done = repository.get(incident.id)!;
    expect(done.root_cause).toBe('db-service');
    expect(resets).toEqual(['db-service']);
    expect(done.status).toBe('escalated');
    expect(done.timeline.at(-1)!.detail).toMatch(/^symptoms persist after 4s: db-service 100% 5xx/);
    // On the system clock 4 s of 1 ms intervals would be thousands of samples.
    expect(sampled).toBeLessThan(10);
  });

  it('escalates on start the incidents a previous process left running, at the clock time', () => {
    const stale = waitingIncident('inc-stale');
    repository.save({ ...stale, status: 'verifying' });
    waitingIncident('inc-still-waiting');
    expect(build().recoverInterrupted()).toBe(1);
    expect(repository.get('inc-stale')).toMatchObject({ status: 'escalated' });
    expect(repository.get('inc-stale')!.timeline.at(-1)).toEqual({
      at: readings[0],
      event: 'escalated',
      detail: 'operator restarted while the incident was verifying',
    });
    expect(repository.get('inc-still-waiting')!.status).toBe('awaiting_approval');
  });
});
