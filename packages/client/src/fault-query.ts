import type { FaultType } from '@archaics/contracts';

/**
 * The parameters of `POST /inject-failure` (SPEC §2): the type and any others the services
 * take (`intensity`, `probability`, `duration`, and the scope and gray-failure ones of SPEC
 * 2.1 such as `route`, `target`, `ms`, `status`). Undefined ones are not sent; the services
 * check every value and answer a 400 naming a bad one.
 */
export interface FaultParams {
  readonly type: FaultType | (string & {});
  readonly intensity?: number | undefined;
  readonly probability?: number | undefined;
  /** Seconds; omitted = until reset. */
  readonly duration?: number | undefined;
  readonly [parameter: string]: string | number | boolean | undefined;
}

/** The query string of a fault: `type` first, then every other defined parameter in the object's order. */
export function faultQuery(fault: FaultParams): string {
  const query = new URLSearchParams({ type: fault.type });
  for (const [name, value] of Object.entries(fault)) {
    if (name !== 'type' && value !== undefined) query.set(name, String(value));
  }
  return query.toString();
}
