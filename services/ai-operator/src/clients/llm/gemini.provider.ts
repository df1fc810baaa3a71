import { GoogleGenAI } from '@google/genai';
import { LLM_ANSWER_JSON_SCHEMA, type LlmPrompt } from '../../domain/llm-plan.ts';
import type { LlmProvider } from './llm-provider.ts';

export interface GeminiOptions {
  readonly apiKey: string | undefined;
  readonly model: string;
  /** `GEMINI_BASE_URL` (tests, proxies); default Google's endpoint. */
  readonly baseUrl: string | undefined;
  readonly timeoutMs: number;
}

/** Gemini through the official @google/genai SDK, asked for JSON matching the plan's schema. */
export class GeminiProvider implements LlmProvider {
  readonly provider = 'gemini';
  readonly model: string;
  readonly configured: boolean;
  private readonly client: GoogleGenAI | undefined;

  constructor(options: GeminiOptions) {
    this.model = options.model;
    this.configured = options.apiKey !== undefined;
    this.client = options.apiKey
      ? new GoogleGenAI({
          apiKey: options.apiKey,
          httpOptions: { timeout: options.timeoutMs, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) },
        })
      : undefined;
  }

  async complete(prompt: LlmPrompt, signal: AbortSignal): Promise<string> {
    if (!this.client) throw new Error('GEMINI_API_KEY is not set');
    const response = await this.client.models.generateContent({
      model: this.model,
      contents: prompt.user,
      config: {
        systemInstruction: prompt.system,
        responseMimeType: 'application/json',
        responseJsonSchema: LLM_ANSWER_JSON_SCHEMA,
        temperature: 0,
        abortSignal: signal,
      },
    });
    const text = response.text;
    if (text === undefined || text === '') throw new Error('Gemini answered no text');
    return text;
  }
}
