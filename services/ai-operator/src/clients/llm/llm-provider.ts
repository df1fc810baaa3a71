import type { LlmPrompt } from '../../domain/llm-plan.ts';

/** One LLM behind the operator: gemini, an OpenAI-compatible server, or none. */
export interface LlmProvider {
  readonly provider: string;
  readonly model: string | null;
  /** False for `none` and for a provider without its key. */
  readonly configured: boolean;
  /** The model's text answer; rejects on an error, and promptly once `signal` aborts. */
  complete(prompt: LlmPrompt, signal: AbortSignal): Promise<string>;
}

/** No LLM: the operator plans deterministically. */
export class NoLlm implements LlmProvider {
  readonly provider = 'none';
  readonly model = null;
  readonly configured = false;
  async complete(): Promise<string> {
    throw new Error('no LLM provider configured');
  }
}
