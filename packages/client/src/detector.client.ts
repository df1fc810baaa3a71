import type { DetectorHealth, ServiceScore } from '@archaics/contracts';
import { PlatformClient, type CallOptions, type ControlCaller, type ControlOptions } from './control-caller.ts';

const TARGET = 'anomaly-detector';

/** One anomaly of `GET /anomalies` (SPEC §4): opened when the scores stayed over the threshold, closed when they came back. */
export interface DetectorAnomaly {
  readonly id: string;
  readonly opened_at: string;
  readonly first_anomalous_at?: string;
  readonly closed_at: string | null;
  readonly services: readonly string[];
  readonly peak_scores?: Readonly<Record<string, number>>;
  readonly scores?: readonly ServiceScore[];
  readonly webhook?: {
    readonly status: string;
    readonly attempts: number;
    readonly incident_id: string | null;
    readonly last_error: string | null;
    readonly delivered_at: string | null;
  };
}

/** `GET /anomalies`: the open anomaly, if any, and the recent ones, newest first. */
export interface AnomaliesAnswer {
  readonly open: DetectorAnomaly | null;
  readonly anomalies: readonly DetectorAnomaly[];
}

/** `GET /scores`: the latest score, features and drivers per service, and the recent history. */
export interface ScoresAnswer {
  readonly trained: boolean;
  readonly threshold: number;
  readonly latest: readonly ServiceScore[];
  readonly history: ReadonlyArray<{ readonly at: string; readonly scores: Readonly<Record<string, number | null>> }>;
}

/** `POST /baseline/reset`'s answer (202): learning again. */
export interface BaselineResetAnswer {
  readonly status: 'learning';
  readonly baseline_required: number;
}

/** The anomaly detector (SPEC §4): health, anomalies, scores, and a fresh baseline. */
export class DetectorClient extends PlatformClient {
  constructor(baseUrl: string | undefined, caller: ControlCaller) {
    super(TARGET, baseUrl, caller);
  }

  async health(options: CallOptions = {}): Promise<DetectorHealth> {
    return this.call<DetectorHealth>({ ...options, path: '/health', token: 'none' });
  }

  async anomalies(options: CallOptions & { readonly limit?: number } = {}): Promise<AnomaliesAnswer> {
    const { limit, ...rest } = options;
    return this.call<AnomaliesAnswer>({ ...rest, path: `/anomalies${limitQuery(limit)}`, token: 'optional' });
  }

  async scores(options: CallOptions & { readonly limit?: number } = {}): Promise<ScoresAnswer> {
    const { limit, ...rest } = options;
    return this.call<ScoresAnswer>({ ...rest, path: `/scores${limitQuery(limit)}`, token: 'optional' });
  }

  /** `POST /baseline/reset` with the chaos token: forget the baseline and learn it again. */
  async resetBaseline(options: ControlOptions = {}): Promise<BaselineResetAnswer> {
    return this.call<BaselineResetAnswer>({ ...options, path: '/baseline/reset', method: 'POST', token: 'required' });
  }
}

/** `?limit=N`, or nothing. */
export function limitQuery(limit: number | undefined): string {
  return limit === undefined ? '' : `?limit=${encodeURIComponent(String(limit))}`;
}
