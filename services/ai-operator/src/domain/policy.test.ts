import { describe, expect, it } from 'vitest';
import { allowlistViolation, Policy, type PolicyContext } from './policy.ts';

const context = (over: Partial<PolicyContext> = {}): PolicyContext => ({
  incidentId: 'inc-1',
  source: 'deterministic',
  implicated: new Set(['db-service']),
  ...over,
});

describe(Policy.name, () => {
  it('allows the allowlisted actions with valid arguments', () => {
    const policy = new Policy({ maxActionsPerMinute: 10, cooldownMs: 0 });
    for (const action of [
      { action: 'reset_failure', service: 'db-service' },
      { action: 'restart', service: 'auth-service' },
      { action: 'scale', service: 'product-service', replicas: 3 },
      { action: 'escalate', reason: 'page a human' },
    ]) {
      expect(policy.evaluate(action, context())).toEqual({ allowed: true, action });
    }
  });

  it('refuses anything else with a reason', () => {
    const policy = new Policy({ maxActionsPerMinute: 10, cooldownMs: 0 });
    const cases: Array<[unknown, RegExp]> = [
      ['rm -rf /', /not an action object/],
      [{ action: 'exec', command: 'rm -rf /' }, /"exec" is not allowlisted/],
      [{ action: 'restart', service: 'anomaly-detector' }, /platform service/],
      [{ action: 'restart', service: 'dashboard' }, /platform service/],
      [{ action: 'restart', service: 'telemetry' }, /platform service/],
      [{ action: 'restart', service: 'redis' }, /unknown service "redis"/],
      [{ action: 'restart', service: 'db-service', force: true }, /arguments do not match restart/],
      [{ action: 'scale', service: 'db-service', replicas: 0 }, /arguments do not match scale/],
      [{ action: 'escalate', reason: '' }, /arguments do not match escalate/],
    ];
    for (const [action, reason] of cases) {
      const decision = policy.evaluate(action, context());
      expect(decision.allowed, JSON.stringify(action)).toBe(false);
      expect(!decision.allowed && decision.reason).toMatch(reason);
    }
    expect(allowlistViolation({ action: 'reset_failure', service: 'db-service' })).toBeUndefined();
  });

  it('lets an LLM act only on services the evidence implicates', () => {
    const policy = new Policy({ maxActionsPerMinute: 10, cooldownMs: 0 });
    expect(policy.evaluate({ action: 'restart', service: 'auth-service' }, context({ source: 'llm' }))).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/no evidence implicates auth-service/),
    });
    expect(policy.evaluate({ action: 'restart', service: 'db-service' }, context({ source: 'llm' })).allowed).toBe(true);
  });

  it('limits the actions per minute and keeps a cooldown per service across incidents', () => {
    let now = 0;
    const policy = new Policy({ maxActionsPerMinute: 2, cooldownMs: 30_000, now: () => now });
    const reset = { action: 'reset_failure', service: 'db-service' } as const;
    policy.record(reset, 'inc-1');
    // The same incident may follow up on the same service; another one must wait.
    expect(policy.evaluate({ action: 'restart', service: 'db-service' }, context()).allowed).toBe(true);
    expect(policy.evaluate(reset, context({ incidentId: 'inc-2' }))).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/^cooldown/),
    });
    now = 31_000;
    expect(policy.evaluate(reset, context({ incidentId: 'inc-2' })).allowed).toBe(true);
    policy.record({ action: 'restart', service: 'auth-service' }, 'inc-3');
    expect(policy.evaluate({ action: 'restart', service: 'payment-service' }, context())).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/^rate limit: 2 actions/),
    });
    // Escalation is always allowed.
    expect(policy.evaluate({ action: 'escalate', reason: 'x' }, context()).allowed).toBe(true);
    now = 61_001;
    expect(policy.evaluate({ action: 'restart', service: 'payment-service' }, context()).allowed).toBe(true);
  });
});
