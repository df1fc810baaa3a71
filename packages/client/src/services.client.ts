import type { BusinessService, HealthResponse, InjectResponse, ResetResponse } from '@archaics/contracts';
import type { CallOptions, ControlCaller, ControlOptions } from './control-caller.ts';
import { faultQuery, type FaultParams } from './fault-query.ts';

/** `POST /inject-failure`'s answer: the failure as the service now reports it. */
export type InjectAnswer = (typeof InjectResponse)['static'];
/** `POST /reset`'s answer: the fault type that was active, or null. */
export type ResetAnswer = (typeof ResetResponse)['static'];

/**
 * Which fault `POST /reset` clears: every one (default), the one of a route or an edge, or the one
 * of a scope label as /health's `failures` gives it (`service`, `route:/cart/add`, `edge:db-service`).
 */
export interface ResetOptions extends ControlOptions {
  readonly scope?: { readonly route?: string; readonly target?: string } | string;
}

/** The control endpoints every business service has (SPEC §2): /health, /inject-failure, /reset. */
export class ServicesClient {
  constructor(
    private readonly urls: Readonly<Partial<Record<BusinessService, string>>>,
    private readonly caller: ControlCaller,
  ) {}

  /** The base URL of a service; throws when none was given for it. */
  url(service: BusinessService): string {
    const url = this.urls[service];
    if (url === undefined) throw new Error(`no URL given for ${service}`);
    return url.replace(/\/+$/, '');
  }

  /** `GET /health` (no token). */
  async health(service: BusinessService, options: CallOptions = {}): Promise<HealthResponse> {
    return this.caller.call<HealthResponse>({ ...options, target: service, baseUrl: this.url(service), path: '/health', token: 'none' });
  }

  /** `POST /inject-failure` with the chaos token; the fault's parameters go in the query. */
  async inject(service: BusinessService, fault: FaultParams, options: ControlOptions = {}): Promise<InjectAnswer> {
    return this.caller.call<InjectAnswer>({
      ...options,
      target: service,
      baseUrl: this.url(service),
      path: `/inject-failure?${faultQuery(fault)}`,
      method: 'POST',
      token: 'required',
    });
  }

  /** `POST /reset` with the chaos token. */
  async reset(service: BusinessService, options: ResetOptions = {}): Promise<ResetAnswer> {
    const { scope, ...rest } = options;
    const query = new URLSearchParams();
    if (typeof scope === 'string') query.set('scope', scope);
    else if (scope?.route !== undefined) query.set('route', scope.route);
    else if (scope?.target !== undefined) query.set('target', scope.target);
    const search = query.size === 0 ? '' : `?${query}`;
    return this.caller.call<ResetAnswer>({
      ...rest,
      target: service,
      baseUrl: this.url(service),
      path: `/reset${search}`,
      method: 'POST',
      token: 'required',
    });
  }
}
