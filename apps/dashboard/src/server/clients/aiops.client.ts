import type { DetectorHealth, Incident } from '@archaics/contracts';
import { callJson, UnreachableError, type JsonAnswer } from './http-json.ts';

/** A platform service's answer, or why there is none ("not running" when nothing listens). */
export type Reach<T> = { readonly running: true; readonly value: T; readonly status: number } | { readonly running: false; readonly error: string };

async function reach<T>(url: string, init: Parameters<typeof callJson>[1] = {}): Promise<Reach<T>> {
  let res: JsonAnswer;
  try {
    res = await callJson(url, { timeoutMs: 2000, ...init });
  } catch (error) {
    if (error instanceof UnreachableError) return { running: false, error: `not running (${error.message})` };
    throw error;
  }
  return { running: true, value: res.body as T, status: res.status };
}

/** The anomaly detector (SPEC §4) and the ai-operator (SPEC §5), as the AI-Ops view reads them. */
export class AiopsClient {
  constructor(
    readonly detectorUrl: string,
    readonly operatorUrl: string,
    private readonly chaosToken: string | null,
  ) {}

  detectorHealth(): Promise<Reach<DetectorHealth>> {
    return reach(`${this.detectorUrl}/health`);
  }

  anomalies(): Promise<Reach<unknown>> {
    return reach(`${this.detectorUrl}/anomalies`);
  }

  /** `GET /scores`: the latest score, features and drivers per service, and the recent history. */
  scores(limit = 180): Promise<Reach<unknown>> {
    return reach(`${this.detectorUrl}/scores?limit=${limit}`);
  }

  operatorHealth(): Promise<Reach<Record<string, unknown>>> {
    return reach(`${this.operatorUrl}/health`);
  }

  incidents(): Promise<Reach<unknown>> {
    return reach(`${this.operatorUrl}/incidents`);
  }

  incident(id: string): Promise<Reach<Incident>> {
    return reach(`${this.operatorUrl}/incidents/${encodeURIComponent(id)}`);
  }

  approve(id: string): Promise<Reach<unknown>> {
    return reach(`${this.operatorUrl}/incidents/${encodeURIComponent(id)}/approve`, { method: 'POST', bearer: this.chaosToken, timeoutMs: 10_000 });
  }
}

/** A list out of an answer that is a list or wraps one (`{incidents: [...]}`, `{anomalies: [...]}`, `{items: [...]}`). */
export function listOf(body: unknown, key: string): unknown[] | null {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null) {
    for (const name of [key, 'items', 'data']) {
      const value = (body as Record<string, unknown>)[name];
      if (Array.isArray(value)) return value;
    }
  }
  return null;
}
