import type { OperatorAction, RankedCause } from '@archaics/contracts';

/** A plan as the incident shows it. */
export interface Plan {
  readonly source: 'llm' | 'deterministic';
  readonly explanation: string;
  readonly actions: unknown[];
}

/**
 * The plan without an LLM: reset the top-ranked service's fault when it answers /health,
 * restart it when it does not; escalate when no service shows a symptom.
 */
export function deterministicPlan(ranking: readonly RankedCause[], rootReachable: boolean | null): Plan {
  const top = ranking[0];
  if (!top || top.score <= 0) {
    return {
      source: 'deterministic',
      explanation: 'no service shows a symptom the operator can act on',
      actions: [{ action: 'escalate', reason: 'no root cause found in the telemetry' }],
    };
  }
  const action: OperatorAction =
    rootReachable === false ? { action: 'restart', service: top.service } : { action: 'reset_failure', service: top.service };
  const why = top.evidence.slice(0, 3).join('; ');
  const explanation =
    action.action === 'restart'
      ? `${top.service} ranks first (score ${top.score}: ${why}) and does not answer /health: restart it`
      : `${top.service} ranks first (score ${top.score}: ${why}): clear its fault, restart it if that does not help`;
  return { source: 'deterministic', explanation, actions: [action] };
}
