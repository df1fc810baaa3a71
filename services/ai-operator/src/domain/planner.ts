import type { Incident, RankedCause } from '@archaics/contracts';
import type { LlmProvider } from '../clients/llm/llm-provider.ts';
import type { Evidence } from './evidence.ts';
import { buildPrompt, parseLlmAnswer } from './llm-plan.ts';
import type { Plan } from './plan.ts';

export interface PlanOutcome {
  readonly plan: Plan;
  readonly llm: Incident['llm'];
}

/**
 * Asks the LLM for a plan within `timeoutMs`; on no provider, an error, a timeout or an
 * answer that does not match the schema, the deterministic plan is used and the reason kept.
 */
export async function choosePlan(
  provider: LlmProvider,
  timeoutMs: number,
  evidence: Evidence,
  ranking: readonly RankedCause[],
  fallback: Plan,
): Promise<PlanOutcome> {
  const base = { provider: provider.provider, model: provider.model };
  if (!provider.configured) {
    return {
      plan: fallback,
      llm: {
        ...base,
        used: false,
        fallback_reason: provider.provider === 'none' ? 'no LLM provider (LLM_PROVIDER=none)' : `${provider.provider} is not configured`,
      },
    };
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${timeoutMs}ms`));
    }, timeoutMs);
  });
  let text: string;
  try {
    // The race returns at the deadline even if an SDK ignores the abort.
    text = await Promise.race([provider.complete(buildPrompt(evidence, ranking), controller.signal), deadline]);
  } catch (error) {
    return { plan: fallback, llm: { ...base, used: false, fallback_reason: `LLM call failed: ${oneLine((error as Error).message)}` } };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  const parsed = parseLlmAnswer(text);
  if (!parsed.ok) return { plan: fallback, llm: { ...base, used: false, fallback_reason: parsed.reason } };
  const { answer } = parsed;
  return {
    plan: {
      source: 'llm',
      explanation: `root cause per the LLM: ${oneLine(answer.root_cause)}. ${answer.explanation}`.slice(0, 4000),
      actions: answer.actions,
    },
    llm: { ...base, used: true },
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
