import type { Incident } from '@archaics/contracts';
import { PlatformClient, type CallOptions, type ControlCaller } from './control-caller.ts';
import { limitQuery } from './detector.client.ts';

const TARGET = 'ai-operator';

/** `GET /health` of the operator (SPEC §5): the mode, the LLM and where its actions go. */
export interface OperatorHealth {
  readonly status: string;
  readonly mode: string;
  readonly llm: { readonly provider: string; readonly model: string | null; readonly configured: boolean };
  readonly executor?: string;
}

/** `POST /incidents/{id}/approve`'s answer (202). */
export interface ApproveAnswer {
  readonly incident_id: string;
  readonly status: string;
}

/** The ai-operator (SPEC §5): health, incidents with their timelines, and approval of a plan. */
export class OperatorClient extends PlatformClient {
  constructor(baseUrl: string | undefined, caller: ControlCaller) {
    super(TARGET, baseUrl, caller);
  }

  async health(options: CallOptions = {}): Promise<OperatorHealth> {
    return this.call<OperatorHealth>({ ...options, path: '/health', token: 'none' });
  }

  /** `GET /incidents`, newest first. */
  async incidents(options: CallOptions & { readonly limit?: number } = {}): Promise<Incident[]> {
    const { limit, ...rest } = options;
    return this.call<Incident[]>({ ...rest, path: `/incidents${limitQuery(limit)}`, token: 'optional' });
  }

  /** `GET /incidents/{id}`; a 404 is a `StackRefusedError` with status 404. */
  async incident(id: string, options: CallOptions = {}): Promise<Incident> {
    return this.call<Incident>({ ...options, path: `/incidents/${encodeURIComponent(id)}`, token: 'optional' });
  }

  /** `POST /incidents/{id}/approve` with the chaos token: run the plan that waits for approval. */
  async approve(id: string, options: CallOptions = {}): Promise<ApproveAnswer> {
    return this.call<ApproveAnswer>({
      ...options,
      path: `/incidents/${encodeURIComponent(id)}/approve`,
      method: 'POST',
      token: 'required',
    });
  }
}
