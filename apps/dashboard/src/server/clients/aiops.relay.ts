import { StackRefusedError, StackUnreachableError, type StackClient } from '@archaics/client';
import type { DetectorHealth, Incident } from '@archaics/contracts';

/** A platform service's answer with its status (an error status too), or why there is none ("not running" when nothing answers). */
export type Reach<T> =
  { readonly running: true; readonly value: T; readonly status: number } | { readonly running: false; readonly error: string };

/** The anomaly detector (SPEC §4) and the ai-operator (SPEC §5) as the AI-Ops view reads them, through @archaics/client. */
export class AiopsRelay {
  constructor(private readonly stack: StackClient) {}

  get detectorUrl(): string {
    return this.stack.detector.url;
  }

  get operatorUrl(): string {
    return this.stack.operator.url;
  }

  detectorHealth(): Promise<Reach<DetectorHealth>> {
    return reach(200, () => this.stack.detector.health({ timeoutMs: 2000 }));
  }

  anomalies(): Promise<Reach<unknown>> {
    return reach(200, () => this.stack.detector.anomalies({ timeoutMs: 2000 }));
  }

  /** `GET /scores`: the latest score, features and drivers per service, and the recent history. */
  scores(limit = 180): Promise<Reach<unknown>> {
    return reach(200, () => this.stack.detector.scores({ limit, timeoutMs: 2000 }));
  }

  operatorHealth(): Promise<Reach<Record<string, unknown>>> {
    return reach(200, async () => ({ ...(await this.stack.operator.health({ timeoutMs: 2000 })) }));
  }

  incidents(): Promise<Reach<unknown>> {
    return reach(200, () => this.stack.operator.incidents({ timeoutMs: 2000 }));
  }

  incident(id: string): Promise<Reach<Incident>> {
    return reach(200, () => this.stack.operator.incident(id, { timeoutMs: 2000 }));
  }

  approve(id: string): Promise<Reach<unknown>> {
    return reach(202, () => this.stack.operator.approve(id, { timeoutMs: 10_000 }));
  }
}

/** The call as a {@link Reach}: the contract's status on success, the answer's own on a refusal. */
async function reach<T>(okStatus: number, call: () => Promise<T>): Promise<Reach<T>> {
  try {
    return { running: true, value: await call(), status: okStatus };
  } catch (error) {
    if (error instanceof StackRefusedError) return { running: true, value: error.body as T, status: error.status };
    if (error instanceof StackUnreachableError) return { running: false, error: `not running (${error.reason})` };
    throw error;
  }
}

/** A list out of an answer that is a list or wraps one (`{incidents: [...]}`, `{anomalies: [...]}`, `{items: [...]}`). */
export function listOf(body: unknown, key: string): unknown[] | null {
  if (Array.isArray(body)) return body as unknown[];
  if (typeof body === 'object' && body !== null) {
    for (const name of [key, 'items', 'data']) {
      const value = (body as Record<string, unknown>)[name];
      if (Array.isArray(value)) return value as unknown[];
    }
  }
  return null;
}
