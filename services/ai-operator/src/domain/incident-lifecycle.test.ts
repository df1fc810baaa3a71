import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INCIDENT_STATUSES, type Incident, type IncidentStatus } from '@archaics/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IncidentRepository } from '../repositories/incident.repository.ts';
import {
  FINAL_STATUSES,
  INCIDENT_EVENTS,
  INCIDENT_TRANSITIONS,
  IncidentLifecycle,
  IncidentTransitionError,
  RUNNING_STATUSES,
  nextStatus,
  type IncidentEvent,
} from './incident-lifecycle.ts';

const T0 = Date.parse('2031-03-04T05:06:07.000Z');

/** A clock that moves one second per reading; `readings` are the times it gave. */
function fakeClock(): { now: () => Date; readings: string[] } {
  let t = T0;
  const readings: string[] = [];
  return {
    readings,
    now: () => {
      t += 1000;
      const at = new Date(t);
      readings.push(at.toISOString());
      return at;
    },
  };
}

/** Every allowed transition with the timeline entry it writes (none for `act`: the actions' entries follow). */
const ALLOWED: Array<[IncidentStatus, IncidentEvent, IncidentStatus, string | null]> = [
  ['analyzing', 'act', 'acting', null],
  ['analyzing', 'await_approval', 'awaiting_approval', 'awaiting_approval'],
  ['analyzing', 'dry_run', 'dry_run', 'dry_run'],
  ['analyzing', 'escalate', 'escalated', 'escalated'],
  ['awaiting_approval', 'approve', 'acting', 'approved'],
  ['acting', 'verify', 'verifying', 'verifying'],
  ['acting', 'escalate', 'escalated', 'escalated'],
  ['verifying', 'resolve', 'resolved', 'resolved'],
  ['verifying', 'escalate', 'escalated', 'escalated'],
];

let dir: string;
let repository: IncidentRepository;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'incident-lifecycle-'));
  repository = IncidentRepository.open(join(dir, 'ai-operator.sqlite'));
});

afterEach(() => {
  repository.close();
  rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
function stored(status: IncidentStatus): Incident {
  serial += 1;
  const incident: Incident = {
    id: `inc-${serial}`,
    status,
    opened_at: new Date(T0).toISOString(),
    anomaly: { source: 'manual' },
    ranking: [],
    root_cause: null,
    plan: null,
    actions: [],
    verified: false,
    resolved_at: null,
    llm: { provider: 'none', model: null, used: false },
    timeline: [{ at: new Date(T0).toISOString(), event: 'opened' }],
  };
  repository.create(incident, null);
  return incident;
}

describe('INCIDENT_TRANSITIONS', () => {
  it('allows exactly the lifecycle transitions, and refuses every other pair', () => {
    const table: Array<[IncidentStatus, IncidentEvent, IncidentStatus]> = [];
    for (const from of INCIDENT_STATUSES) {
      for (const event of INCIDENT_EVENTS) {
        const to = nextStatus(from, event);
        if (to !== undefined) table.push([from, event, to]);
      }
    }
    expect(table).toEqual(ALLOWED.map(([from, event, to]) => [from, event, to]));
  });

  it('has a row for every status, final statuses being the ones with no way out', () => {
    expect(Object.keys(INCIDENT_TRANSITIONS).sort()).toEqual([...INCIDENT_STATUSES].sort());
    expect([...FINAL_STATUSES].sort()).toEqual(['dry_run', 'escalated', 'resolved']);
    expect([...RUNNING_STATUSES].sort()).toEqual(['acting', 'analyzing', 'verifying']);
  });
});

describe(IncidentLifecycle.name, () => {
  it.each(ALLOWED)('moves %s by %s to %s, stamps the timeline (%s) with the clock and saves', (from, event, to, entry) => {
    const clock = fakeClock();
    const reached: IncidentStatus[] = [];
    const lifecycle = new IncidentLifecycle({ repository, now: clock.now, onStatus: (incident) => reached.push(incident.status) });
    const incident = stored(from);
    expect(lifecycle.allows(incident, event)).toBe(true);
    expect(lifecycle.transition(incident, event, 'why')).toBe(to);
    expect(incident.status).toBe(to);
    expect(reached).toEqual([to]);
    expect(incident.timeline.slice(1)).toEqual(entry === null ? [] : [{ at: clock.readings[0], event: entry, detail: 'why' }]);
    expect(incident.resolved_at).toBe(to === 'resolved' ? clock.readings[0] : null);
    expect(repository.get(incident.id)).toEqual(incident);
  });

  it('refuses a transition the table does not have and leaves the incident as it was', () => {
    const lifecycle = new IncidentLifecycle({ repository, now: fakeClock().now });
    for (const [from, event] of [
      ['resolved', 'escalate'],
      ['awaiting_approval', 'escalate'],
      ['analyzing', 'approve'],
      ['dry_run', 'act'],
      ['acting', 'resolve'],
    ] as const) {
      const incident = stored(from);
      const before = structuredClone(incident);
      expect(lifecycle.allows(incident, event)).toBe(false);
      expect(() => lifecycle.transition(incident, event)).toThrow(IncidentTransitionError);
      expect(() => lifecycle.transition(incident, event)).toThrow(`"${event}" is not allowed from ${from}`);
      expect(incident).toEqual(before);
      expect(repository.get(incident.id)).toEqual(before);
    }
  });

  it('opens an incident in analyzing at the clock time, once per anomaly id', () => {
    const clock = fakeClock();
    const reached: IncidentStatus[] = [];
    const lifecycle = new IncidentLifecycle({ repository, now: clock.now, onStatus: (incident) => reached.push(incident.status) });
    const opening = {
      id: 'inc-open',
      anomaly: {},
      ranking: [],
      root_cause: null,
      plan: null,
      actions: [],
      llm: { provider: 'none', model: null, used: false },
    };
    const first = lifecycle.open(opening, 'an-1', 'anomaly an-1');
    expect(first.created).toBe(true);
    expect(first.incident).toMatchObject({
      status: 'analyzing',
      opened_at: clock.readings[0],
      verified: false,
      resolved_at: null,
      timeline: [{ at: clock.readings[0], event: 'opened', detail: 'anomaly an-1' }],
    });
    const again = lifecycle.open({ ...opening, id: 'inc-other' }, 'an-1', 'anomaly an-1');
    expect(again).toMatchObject({ created: false, incident: { id: 'inc-open' } });
    expect(reached).toEqual(['analyzing']);
  });

  it('escalates only the incidents a previous process left running', () => {
    const clock = fakeClock();
    const lifecycle = new IncidentLifecycle({ repository, now: clock.now });
    const ids = Object.fromEntries(INCIDENT_STATUSES.map((status) => [status, stored(status).id])) as Record<IncidentStatus, string>;
    expect(lifecycle.escalateInterrupted()).toBe(3);
    for (const status of INCIDENT_STATUSES) {
      const incident = repository.get(ids[status])!;
      if (RUNNING_STATUSES.includes(status)) {
        expect(incident.status).toBe('escalated');
        expect(incident.timeline.at(-1)).toEqual({
          at: expect.any(String),
          event: 'escalated',
          detail: `operator restarted while the incident was ${status}`,
        });
        expect(clock.readings).toContain(incident.timeline.at(-1)!.at);
      } else {
        expect(incident.status).toBe(status);
        expect(incident.timeline).toHaveLength(1);
      }
    }
  });

  it('notes an event with no status change at the clock time', () => {
    const clock = fakeClock();
    const lifecycle = new IncidentLifecycle({ repository, now: clock.now });
    const incident = stored('analyzing');
    lifecycle.note(incident, 'ranked', 'db-service 3');
    expect(incident.status).toBe('analyzing');
    expect(repository.get(incident.id)!.timeline.at(-1)).toEqual({ at: clock.readings[0], event: 'ranked', detail: 'db-service 3' });
  });
});
