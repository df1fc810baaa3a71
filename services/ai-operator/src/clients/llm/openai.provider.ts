import OpenAI from 'openai';
import type { LlmPrompt } from '../../domain/llm-plan.ts';
import type { LlmProvider } from './llm-provider.ts';

export interface OpenAiOptions {
  readonly apiKey: string | undefined;
  readonly model: string;
  /** `OPENAI_BASE_URL`: Ollama (`http://127.0.0.1:11434/v1`), vLLM or any compatible server. */
  readonly baseUrl: string | undefined;
  readonly timeoutMs: number;
}

/** Chat completions through the official openai SDK (OpenAI or any compatible server). */
export class OpenAiProvider implements LlmProvider {
  readonly provider = 'openai';
  readonly model: string;
  readonly configured: boolean;
  private readonly client: OpenAI;

  constructor(options: OpenAiOptions) {
    this.model = options.model;
    // A local server (Ollama, vLLM) needs no key; the SDK still wants a value.
    this.configured = options.apiKey !== undefined || options.baseUrl !== undefined;
    this.client = new OpenAI({
      apiKey: options.apiKey ?? 'not-needed',
      ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
      timeout: options.timeoutMs,
      maxRetries: 0,
    });
  }

  async complete(prompt: LlmPrompt, signal: AbortSignal): Promise<string> {
    if (!this.configured) throw new Error('OPENAI_API_KEY or OPENAI_BASE_URL is not set');
    const completion = await this.client.chat.completions.create(
      {
        model: this.model,
        messages: [
          { role: 'system', content: prompt.system },
          { role: 'user', content: prompt.user },
        ],
        response_format: { type: 'json_object' },
        temperature: 0,
      },
      { signal },
    );
    const text = completion.choices[0]?.message.content;
    if (!text) throw new Error('the model answered no content');
    return text;
  }
}
