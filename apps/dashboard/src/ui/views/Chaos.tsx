import { useState } from 'react';
import type { ChaosResult, OverviewResponse } from '../../shared/api-types.ts';
import { api } from '../api.ts';
import { ServiceCards } from '../components/ServiceCards.tsx';

export const SERVICES = ['auth-service', 'db-service', 'product-service', 'payment-service'] as const;
export const TYPES = ['timeout', 'error', 'cpu', 'crash', 'bad_data'] as const;

export function ChaosView({ overview, readAt, refresh }: { overview: OverviewResponse | null; readAt: number; refresh: () => void }) {
  const [service, setService] = useState<string>('db-service');
  const [type, setType] = useState<string>('timeout');
  const [intensity, setIntensity] = useState(1);
  const [probability, setProbability] = useState(1);
  const [duration, setDuration] = useState('60');
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
    run(`injected ${type} into ${service}`, () =>
      api<ChaosResult>('/api/chaos/inject', {
        body: { service, type, intensity, probability, ...(duration.trim() === '' ? {} : { duration: Number(duration) }) },
      }),
    );

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
        <label>
          Service
          <select name="service" value={service} onChange={(e) => setService(e.target.value)}>
            {SERVICES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type
          <select name="type" value={type} onChange={(e) => setType(e.target.value)}>
            {TYPES.map((t) => (
              <option key={t} value={t} disabled={t === 'bad_data' && service !== 'db-service'}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Intensity
          <input
            name="intensity"
            type="number"
            min={1}
            max={10}
            step={1}
            value={intensity}
            onChange={(e) => setIntensity(Number(e.target.value))}
          />
        </label>
        <label>
          Probability
          <input
            name="probability"
            type="number"
            min={0}
            max={1}
            step={0.05}
            value={probability}
            onChange={(e) => setProbability(Number(e.target.value))}
          />
        </label>
        <label>
          Duration (s, empty = until reset)
          <input name="duration" type="number" min={1} max={86400} value={duration} onChange={(e) => setDuration(e.target.value)} />
        </label>
        <button type="submit" disabled={busy} data-testid="inject">
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
          actions={(s) => (
            <button
              type="button"
              disabled={busy || !s.failure}
              data-testid={`reset-${s.name}`}
              onClick={() => void run(`reset ${s.name}`, () => api('/api/chaos/reset', { body: { service: s.name } }))}
            >
              Reset
            </button>
          )}
        />
      )}
    </section>
  );
}
