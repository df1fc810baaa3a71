import { ACTION_TYPES, BUSINESS_SERVICES, OperatorAction, PLATFORM_SERVICES, isBusinessService } from '@archaics/contracts';
import { schemaValidator } from '@archaics/contracts/validate';

const operatorAction = schemaValidator(OperatorAction);

export interface PolicyOptions {
  readonly maxActionsPerMinute: number;
  readonly cooldownMs: number;
  readonly now?: () => number;
}

export type PolicyDecision =
  { readonly allowed: true; readonly action: OperatorAction } | { readonly allowed: false; readonly reason: string };

/** Who proposed an action and what the evidence implicates. */
export interface PolicyContext {
  readonly incidentId: string;
  readonly source: 'llm' | 'deterministic';
  /** Services the ranking points at (score above zero, at least half the top one); an LLM may act only on these. */
  readonly implicated: ReadonlySet<string>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** Why an action does not match the allowlist, in words. */
export function allowlistViolation(action: unknown): string | undefined {
  if (!isRecord(action)) return `not an action object: ${shown(action)}`;
  const type = action.action;
  if (typeof type !== 'string' || !(ACTION_TYPES as readonly string[]).includes(type)) {
    return `action ${shown(type)} is not allowlisted (allowed: ${ACTION_TYPES.join(', ')})`;
  }
  if (type !== 'escalate') {
    const service = action.service;
    if (typeof service === 'string' && (PLATFORM_SERVICES as readonly string[]).includes(service)) {
      return `${service} is a platform service; the operator acts only on business services`;
    }
    if (typeof service !== 'string' || !isBusinessService(service)) {
      return `unknown service ${shown(service)} (known: ${BUSINESS_SERVICES.join(', ')})`;
    }
  }
  if (!operatorAction.check(action)) {
    const variant = { reset_failure: ['service'], restart: ['service'], scale: ['service', 'replicas (1..10)'], escalate: ['reason'] }[
      type as 'scale'
    ];
    return `arguments do not match ${type}: it takes exactly ${variant.join(', ')}`;
  }
  return undefined;
}

/**
 * The operator's policy (SPEC §5): the allowlist with argument checks, no action on the
 * platform's own services, LLM actions only on services the evidence implicates, a global
 * rate limit, and a cooldown per service (actions of the same incident are exempt, so a
 * restart may follow a reset that did not help).
 */
export class Policy {
  private readonly now: () => number;
  private readonly taken: number[] = [];
  private readonly lastByService = new Map<string, { at: number; incidentId: string }>();

  constructor(private readonly options: PolicyOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Checks an action without recording it. */
  evaluate(action: unknown, context: PolicyContext): PolicyDecision {
    const violation = allowlistViolation(action);
    if (violation) return { allowed: false, reason: violation };
    const checked = action as OperatorAction;
    if (checked.action === 'escalate') return { allowed: true, action: checked };
    if (context.source === 'llm' && !context.implicated.has(checked.service)) {
      return {
        allowed: false,
        reason: `no evidence implicates ${checked.service}; the LLM may act only on ${[...context.implicated].join(', ') || 'no service'}`,
      };
    }
    const now = this.now();
    const recent = this.taken.filter((t) => now - t < 60_000);
    if (recent.length >= this.options.maxActionsPerMinute) {
      return {
        allowed: false,
        reason: `rate limit: ${recent.length} actions in the last minute (max ${this.options.maxActionsPerMinute})`,
      };
    }
    const last = this.lastByService.get(checked.service);
    if (last && last.incidentId !== context.incidentId && now - last.at < this.options.cooldownMs) {
      const left = Math.ceil((this.options.cooldownMs - (now - last.at)) / 1000);
      return {
        allowed: false,
        reason: `cooldown: ${checked.service} was acted on ${Math.round((now - last.at) / 1000)}s ago by incident ${last.incidentId} (${left}s left)`,
      };
    }
    return { allowed: true, action: checked };
  }

  /** Records that an allowed action is being carried out (counts for the rate limit and cooldown). */
  record(action: OperatorAction, incidentId: string): void {
    if (action.action === 'escalate') return;
    const now = this.now();
    this.taken.push(now);
    while (this.taken.length > 0 && now - this.taken[0]! >= 60_000) this.taken.shift();
    this.lastByService.set(action.service, { at: now, incidentId });
  }
}
