import type { BusinessService } from '@archaics/contracts';
import type { HealthProbe } from '../domain/evidence.ts';

/** What /health says, including the fault state the ranking may not read (only actions may). */
export interface HealthAnswer extends HealthProbe {
  readonly failure: unknown;
}

export interface ServiceClientOptions {
  readonly urls: Readonly<Record<BusinessService, { readonly url: string }>>;
  readonly chaosToken: string | null;
  readonly timeoutMs?: number;
}

/** The business services' control endpoints: /health and /reset. */
export class ServiceClient {
  private readonly timeoutMs: number;

  constructor(private readonly options: ServiceClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 1500;
  }

  async health(service: BusinessService): Promise<HealthAnswer> {
    try {
      const res = await fetch(`${this.options.urls[service].url}/health`, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!res.ok) return { reachable: false, uptimeS: null, failure: null, error: `HTTP ${res.status}` };
      const body = (await res.json()) as { uptime_s?: unknown; failure?: unknown };
      return { reachable: true, uptimeS: typeof body.uptime_s === 'number' ? body.uptime_s : null, failure: body.failure ?? null };
    } catch (error) {
      return { reachable: false, uptimeS: null, failure: null, error: describe(error) };
    }
  }

  /** POST /reset with the chaos token and the reason; resolves with the cleared fault or rejects. */
  async reset(service: BusinessService, reason: string): Promise<unknown> {
    const headers: Record<string, string> = { 'x-archaics-reason': reason };
    if (this.options.chaosToken !== null) headers.authorization = `Bearer ${this.options.chaosToken}`;
    let res: Response;
    try {
      res = await fetch(`${this.options.urls[service].url}/reset`, { method: 'POST', headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new Error(`${service} /reset did not answer: ${describe(error)}`);
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${service} /reset answered ${res.status}: ${text.slice(0, 200)}`);
    try {
      return (JSON.parse(text) as { cleared?: unknown }).cleared ?? null;
    } catch {
      return null;
    }
  }
}

function describe(error: unknown): string {
  const err = error as Error & { cause?: { code?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  return err.cause?.code ?? err.message;
}
