import { scopeLabel } from '@archaics/contracts';
import type { Fault } from '../definition/experiment.ts';
import type { Journal, RunScore } from './journal.ts';

/** A detector may stamp an anomaly a moment before the runner records its injection (clock reads differ). */
const CLOCK_SLACK_MS = 1000;

const seconds = (fromMs: number | null, to: string | null): number | null =>
  fromMs === null || to === null ? null : Math.round((Date.parse(to) - fromMs) / 100) / 10;

/** Detection, localisation, mitigation and recovery of one run, timed from its first injection. */
export function scoreRun(journal: Journal, firstInjectionMs: number | null): RunScore {
  const firstInject = journal.experiment.method.steps.find((step) => step.kind === 'inject');
  const injectedEvent = journal.events.find((e) => e.kind === 'inject');
  const injectedMs = firstInjectionMs ?? (injectedEvent ? Date.parse(injectedEvent.at) : null);
  const kind: RunScore['kind'] = firstInject === undefined ? 'control' : 'fault';
  const target = firstInject?.kind === 'inject' ? firstInject.fault.service : null;

  const anomaly =
    injectedMs === null ? undefined : journal.aiops.anomalies.find((a) => Date.parse(a.opened_at) >= injectedMs - CLOCK_SLACK_MS);
  const incident =
    injectedMs === null ? undefined : journal.aiops.incidents.find((i) => Date.parse(i.opened_at) >= injectedMs - CLOCK_SLACK_MS);
  // Only candidates with some evidence (score > 0) are ranked: an all-zero ranking names no cause, whatever its order.
  const ranking = incident?.ranking.filter((r) => r.score > 0).map((r) => r.service) ?? [];
  const position = target === null ? -1 : ranking.indexOf(target);
  const firstAction = incident?.actions.find((a) => a.status !== 'planned') ?? incident?.actions[0];
  const mitigated = incident !== undefined && incident.status === 'resolved' && incident.verified;
  return {
    kind,
    target,
    fault:
      firstInject?.kind === 'inject'
        ? {
            type: firstInject.fault.type,
            intensity: firstInject.fault.intensity,
            probability: firstInject.fault.probability,
            duration_s: firstInject.fault.durationS,
            scope: scopeLabel(firstInject.fault),
          }
        : null,
    injections: journal.experiment.method.steps.flatMap((step) => (step.kind === 'inject' ? [injectionOf(step.fault)] : [])),
    injected_at: injectedMs === null ? null : new Date(injectedMs).toISOString(),
    detected: anomaly !== undefined,
    detected_at: anomaly?.opened_at ?? null,
    ttd_s: seconds(injectedMs, anomaly?.opened_at ?? null),
    anomaly_services: anomaly?.services ?? [],
    incident_id: incident?.id ?? null,
    root_cause: incident?.root_cause ?? null,
    ranking,
    rank: position === -1 ? null : position + 1,
    localised_at: incident?.ranked_at ?? null,
    ttl_s: seconds(injectedMs, incident?.ranked_at ?? null),
    actions: incident?.actions.map((a) => `${a.action} ${a.status}`) ?? [],
    action_at: firstAction?.at ?? null,
    mitigated,
    mitigated_at: mitigated ? (incident?.resolved_at ?? null) : null,
    ttm_s: mitigated ? seconds(injectedMs, incident?.resolved_at ?? null) : null,
    recovered_at: journal.hypothesis.recovered_at,
    // Only a run that deviated and came back has a time to recover; one that held throughout has none.
    ttr_s: journal.status === 'healed' ? seconds(injectedMs, journal.hypothesis.recovered_at) : null,
    anomalies_opened: journal.aiops.anomalies.filter((a) => Date.parse(a.opened_at) >= Date.parse(journal.started_at)).length,
    incidents_opened: journal.aiops.incidents.filter((i) => Date.parse(i.opened_at) >= Date.parse(journal.started_at)).length,
  };
}

function injectionOf(fault: Fault): RunScore['injections'][number] {
  return { service: fault.service, type: fault.type, scope: scopeLabel(fault) };
}
