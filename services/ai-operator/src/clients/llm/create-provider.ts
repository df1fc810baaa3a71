import type { LlmConfig } from '../../config.ts';
import { GeminiProvider } from './gemini.provider.ts';
import { NoLlm, type LlmProvider } from './llm-provider.ts';
import { OpenAiProvider } from './openai.provider.ts';

/** The provider `LLM_PROVIDER` names. */
export function createLlmProvider(config: LlmConfig): LlmProvider {
  if (config.provider === 'gemini') {
    return new GeminiProvider({
      apiKey: config.apiKey,
      model: config.model ?? 'gemini-2.5-flash',
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
    });
  }
  if (config.provider === 'openai') {
    return new OpenAiProvider({
      apiKey: config.apiKey,
      model: config.model ?? 'gpt-4o-mini',
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
    });
  }
  return new NoLlm();
}
