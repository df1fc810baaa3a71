import { useState } from 'react';
import type { ChaosResult, OverviewResponse } from '../../shared/api-types.ts';
import { api, shortName } from '../api.ts';
import { FaultFields } from '../components/FaultFields.tsx';
import { ServiceCards } from '../components/ServiceCards.tsx';
import { clearScope, faultBody, faultSummary, useFaultForm } from '../faults.ts';

export function ChaosView({ overview, readAt, refresh }: { overview: OverviewResponse | null; readAt: number; refresh: () => void }) {
  const { catalog, error, form, set } = useFaultForm();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (what: string, action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    try {
      await action();
      setMessage({ ok: true, text: what });
    } catch (e) {
      setMessage({ ok: false, text: `${what} failed: ${(e as Error).message}` });
    } finally {
      setBusy(false);
      refresh();
    }
  };

  const inject = (): Promise<void> =>
    catalog
      ? run(`injected ${faultSummary(catalog, form)}`, () => api<ChaosResult>('/api/chaos/inject', { body: faultBody(catalog, form) }))
      : Promise.resolve();

  return (
    <section>
      <h2>Chaos</h2>
      <form
        className="inject-form"
        onSubmit={(e) => {
          e.preventDefault();
          void inject();
        }}
      >
        {catalog ? <FaultFields catalog={catalog} form={form} set={set} prefix="fault" /> : <p className="muted">{error ?? 'Loading…'}</p>}
        <button type="submit" disabled={busy || !catalog} data-testid="inject">
          Inject
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          data-testid="halt-all"
          onClick={() => void run('halted all faults', () => api('/api/chaos/halt', { body: {} }))}
        >
          Halt all
        </button>
      </form>
      {message && (
        <p className={message.ok ? 'ok' : 'warn'} data-testid="chaos-message">
          {message.text}
        </p>
      )}
      {overview && (
        <ServiceCards
          services={overview.services}
          readAt={readAt}
          busy={busy}
          onClear={(service, scope) => void run(`cleared ${scope} of ${shortName(service)}`, () => clearScope(service, scope))}
          actions={(s) => (
            <button
              type="button"
              disabled={busy || s.failures.length === 0}
              data-testid={`reset-${s.name}`}
              onClick={() => void run(`reset ${s.name}`, () => api('/api/chaos/reset', { body: { service: s.name } }))}
            >
              Clear all
            </button>
          )}
        />
      )}
    </section>
  );
}
