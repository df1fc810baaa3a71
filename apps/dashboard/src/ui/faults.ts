import { useEffect, useState } from 'react';
import type { FailureState, FaultCatalog } from '../shared/api-types.ts';
import { api, shortName } from './api.ts';

/**
 * The fault form of the Chaos view and of the phone page: its state, which fields apply to
 * which type and scope, and the body of `POST /api/chaos/inject`, all from the server's
 * catalog (GET /api/chaos/catalog, the contracts' lists).
 */

/** Where a fault applies: the whole service, one route, one edge (the service's calls to an upstream). */
export type ScopeKind = 'service' | 'route' | 'target';

export const SCOPE_LABELS: Readonly<Record<ScopeKind, string>> = {
  service: 'whole service',
  route: 'a route',
  target: 'an edge (calls to)',
};

/** The form's values, as typed (numbers are checked by the server). */
export interface FaultForm {
  readonly service: string;
  readonly type: string;
  readonly intensity: string;
  readonly probability: string;
  readonly duration: string;
  readonly ms: string;
  readonly jitter: string;
  readonly status: string;
  readonly scope: ScopeKind;
  readonly route: string;
  readonly target: string;
}

export const INITIAL_FORM: FaultForm = {
  service: 'db-service',
  type: 'timeout',
  intensity: '1',
  probability: '1',
  duration: '60',
  ms: '',
  jitter: '',
  status: '500',
  scope: 'service',
  route: '',
  target: '',
};

type CatalogEntry = FaultCatalog['services'][number];

export function catalogEntry(catalog: FaultCatalog, service: string): CatalogEntry | undefined {
  return catalog.services.find((s) => s.service === service);
}

/** The scopes a type may have on the service: none to choose for cpu, leak, crash; only an edge for partition, blackhole. */
export function scopesFor(catalog: FaultCatalog, form: Pick<FaultForm, 'service' | 'type'>): ScopeKind[] {
  const entry = catalogEntry(catalog, form.service);
  const type = form.type as FailureState['type'];
  if (!entry || catalog.processTypes.includes(type)) return [];
  if (catalog.edgeOnlyTypes.includes(type)) return ['target'];
  return entry.targets.length > 0 ? ['service', 'route', 'target'] : ['service', 'route'];
}

/** Which fields the form shows for its type and scope. */
export function fieldsFor(catalog: FaultCatalog, form: FaultForm): { ms: boolean; status: boolean; scopes: ScopeKind[] } {
  return { ms: form.type === 'latency', status: form.type === 'error', scopes: scopesFor(catalog, form) };
}

/** The form made consistent after a change: a type the service takes, a scope the type allows, a route and target of the service. */
export function settle(catalog: FaultCatalog, form: FaultForm): FaultForm {
  const entry = catalogEntry(catalog, form.service);
  if (!entry) return form;
  const type = (entry.types as readonly string[]).includes(form.type) ? form.type : (entry.types[0] ?? form.type);
  const scopes = scopesFor(catalog, { service: form.service, type });
  const scope = scopes.includes(form.scope) ? form.scope : (scopes[0] ?? 'service');
  const route = entry.routes.includes(form.route) ? form.route : (entry.routes[0] ?? '');
  const target = (entry.targets as readonly string[]).includes(form.target) ? form.target : (entry.targets[0] ?? '');
  return { ...form, type, scope, route, target };
}

const numberOf = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

/** The body of `POST /api/chaos/inject`: only the fields that apply, empty ones left out (the service's defaults). */
export function faultBody(catalog: FaultCatalog, form: FaultForm): Record<string, string | number> {
  const fields = fieldsFor(catalog, form);
  const scope = fields.scopes.length === 0 ? 'service' : form.scope;
  const body: Record<string, string | number | undefined> = {
    service: form.service,
    type: form.type,
    intensity: numberOf(form.intensity),
    probability: numberOf(form.probability),
    duration: numberOf(form.duration),
    ...(fields.ms ? { ms: numberOf(form.ms), jitter: numberOf(form.jitter) } : {}),
    ...(fields.status ? { status: numberOf(form.status) } : {}),
    ...(scope === 'route' ? { route: form.route } : {}),
    ...(scope === 'target' ? { target: form.target } : {}),
  };
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
}

/** What the form injects, in words: `latency → db on /cart/add`. */
export function faultSummary(catalog: FaultCatalog, form: FaultForm): string {
  const body = faultBody(catalog, form);
  const on =
    body.route !== undefined ? ` on ${body.route}` : body.target !== undefined ? ` on its calls to ${shortName(String(body.target))}` : '';
  return `${form.type} → ${shortName(form.service)}${on}`;
}

/** The catalog, fetched once; the form state kept consistent with it. */
export function useFaultForm(): {
  catalog: FaultCatalog | null;
  error: string | null;
  form: FaultForm;
  set: (patch: Partial<FaultForm>) => void;
} {
  const [catalog, setCatalog] = useState<FaultCatalog | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState<FaultForm>(INITIAL_FORM);
  useEffect(() => {
    let alive = true;
    api<FaultCatalog>('/api/chaos/catalog').then(
      (value) => {
        if (!alive) return;
        setCatalog(value);
        setForm((old) => settle(value, old));
      },
      (e: unknown) => alive && setError((e as Error).message),
    );
    return () => {
      alive = false;
    };
  }, []);
  const set = (patch: Partial<FaultForm>): void =>
    setForm((old) => (catalog ? settle(catalog, { ...old, ...patch }) : { ...old, ...patch }));
  return { catalog, error, form, set };
}

/** `whole service`, `route /cart/add`, `edge → db`: a fault's scope in words. */
export function scopeText(failure: Pick<FailureState, 'scope' | 'route' | 'target'>): string {
  if (failure.target !== undefined) return `edge → ${shortName(failure.target)}`;
  if (failure.route !== undefined) return `route ${failure.route}`;
  return failure.scope === 'service' ? 'whole service' : failure.scope;
}

/** The parameters a fault carries, in words: `300 ms ±0.5`, `status 503`, `12 MiB leaked`, then intensity and probability. */
export function faultDetails(failure: FailureState): string[] {
  const details: string[] = [];
  if (failure.ms !== undefined) details.push(`${failure.ms} ms${failure.jitter ? ` ±${failure.jitter}` : ''}`);
  if (failure.status !== undefined) details.push(`status ${failure.status}`);
  if (failure.leaked_mib !== undefined) details.push(`${Math.round(failure.leaked_mib)} MiB leaked`);
  details.push(`×${failure.intensity}`, `p=${failure.probability}`);
  return details;
}

/** Clears one fault of a service by its scope label (`service`, `route:/cart/add`, `edge:db-service`). */
export function clearScope(service: string, scope: string): Promise<unknown> {
  return api('/api/chaos/reset', { body: { service, scope } });
}
