import type { FaultCatalog } from '../../shared/api-types.ts';
import { catalogEntry, fieldsFor, SCOPE_LABELS, type FaultForm, type ScopeKind } from '../faults.ts';

/**
 * The fields of the fault form, shown only where they apply (ms and jitter for latency, status
 * for error, the scope for the types that have one); each has `name` and `data-testid` `<prefix>-<name>`.
 */
export function FaultFields({
  catalog,
  form,
  set,
  prefix,
}: {
  catalog: FaultCatalog;
  form: FaultForm;
  set: (patch: Partial<FaultForm>) => void;
  prefix: string;
}) {
  const entry = catalogEntry(catalog, form.service);
  const fields = fieldsFor(catalog, form);
  const { limits } = catalog;
  const id = (name: string) => ({ name, 'data-testid': `${prefix}-${name}` });
  return (
    <>
      <label>
        Service
        <select {...id('service')} value={form.service} onChange={(e) => set({ service: e.target.value })}>
          {catalog.services.map((s) => (
            <option key={s.service} value={s.service}>
              {s.service}
            </option>
          ))}
        </select>
      </label>
      <label>
        Type
        <select {...id('type')} value={form.type} onChange={(e) => set({ type: e.target.value })}>
          {(entry?.types ?? []).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      {fields.scopes.length > 0 && (
        <label>
          Scope
          <select {...id('scope')} value={form.scope} onChange={(e) => set({ scope: e.target.value as ScopeKind })}>
            {fields.scopes.map((s) => (
              <option key={s} value={s}>
                {SCOPE_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
      )}
      {fields.scopes.includes(form.scope) && form.scope === 'route' && (
        <label>
          Route
          <select {...id('route')} value={form.route} onChange={(e) => set({ route: e.target.value })}>
            {(entry?.routes ?? []).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      )}
      {fields.scopes.includes(form.scope) && form.scope === 'target' && (
        <label>
          Target
          <select {...id('target')} value={form.target} onChange={(e) => set({ target: e.target.value })}>
            {(entry?.targets ?? []).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Intensity ({limits.intensity.min}–{limits.intensity.max})
        <input
          {...id('intensity')}
          type="number"
          min={limits.intensity.min}
          max={limits.intensity.max}
          step={1}
          value={form.intensity}
          onChange={(e) => set({ intensity: e.target.value })}
        />
      </label>
      <label>
        Probability ({limits.probability.min}–{limits.probability.max})
        <input
          {...id('probability')}
          type="number"
          min={limits.probability.min}
          max={limits.probability.max}
          step={0.05}
          value={form.probability}
          onChange={(e) => set({ probability: e.target.value })}
        />
      </label>
      {fields.ms && (
        <>
          <label>
            Delay ms ({limits.ms.min}–{limits.ms.max})
            <input
              {...id('ms')}
              type="number"
              min={limits.ms.min}
              max={limits.ms.max}
              step={1}
              placeholder={`${limits.ms.perIntensity} × intensity`}
              value={form.ms}
              onChange={(e) => set({ ms: e.target.value })}
            />
          </label>
          <label>
            Jitter ({limits.jitter.min}–{limits.jitter.max})
            <input
              {...id('jitter')}
              type="number"
              min={limits.jitter.min}
              max={limits.jitter.max}
              step={0.05}
              placeholder={String(limits.jitter.default)}
              value={form.jitter}
              onChange={(e) => set({ jitter: e.target.value })}
            />
          </label>
        </>
      )}
      {fields.status && (
        <label>
          Status
          <select {...id('status')} value={form.status} onChange={(e) => set({ status: e.target.value })}>
            {catalog.errorStatuses.map((s) => (
              <option key={s} value={String(s)}>
                {s}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Duration s (empty: until reset)
        <input
          {...id('duration')}
          type="number"
          min={1}
          max={limits.duration.maxSeconds}
          value={form.duration}
          onChange={(e) => set({ duration: e.target.value })}
        />
      </label>
    </>
  );
}
