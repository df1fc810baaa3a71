import { useState } from 'react';
import type { LoadResponse, OverviewResponse } from '../../shared/api-types.ts';
import { api, shortName, usePoll } from '../api.ts';
import { FaultFields } from '../components/FaultFields.tsx';
import { FaultList } from '../components/FaultList.tsx';
import { clearScope, faultBody, faultSummary, useFaultForm } from '../faults.ts';

interface Entry {
  readonly at: string;
  readonly ok: boolean;
  readonly text: string;
}

/** The phone page: one column, large touch targets, a log of every answer. */
export function ControlPage() {
  const overview = usePoll(() => api<OverviewResponse>('/api/overview'), 3000);
  const load = usePoll(() => api<LoadResponse>('/api/load'), 2000);
  const { catalog, error, form, set } = useFaultForm();
  const [scenario, setScenario] = useState('normal');
  const [log, setLog] = useState<Entry[]>([]);
  const [busy, setBusy] = useState(false);

  const act = async (label: string, action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    const at = new Date().toLocaleTimeString();
    try {
      const result = await action();
      setLog((old) => [{ at, ok: true, text: `${label}: ${describe(result)}` }, ...old].slice(0, 50));
    } catch (e) {
      setLog((old) => [{ at, ok: false, text: `${label}: ${(e as Error).message}` }, ...old].slice(0, 50));
    } finally {
      setBusy(false);
      overview.refresh();
      load.refresh();
    }
  };

  const running = load.data?.current ?? null;
  return (
    <main className="control">
      <h1>archaics control</h1>

      <section aria-label="services" className="status-list">
        {(overview.data?.services ?? []).map((s) => (
          <div key={s.name} className={`status-row ${s.status}`} data-testid={`status-${s.name}`}>
            <span>{shortName(s.name)}</span>
            <span>{s.failures.length > 0 ? s.failures.map((f) => f.type).join(', ') : s.status}</span>
          </div>
        ))}
        {overview.error && <p className="bad">{overview.error}</p>}
      </section>

      <section aria-label="inject">
        <h2>Inject a failure</h2>
        {catalog ? <FaultFields catalog={catalog} form={form} set={set} prefix="control" /> : <p>{error ?? 'Loading…'}</p>}
        <button
          type="button"
          className="big"
          disabled={busy || !catalog}
          data-testid="control-inject"
          onClick={() =>
            catalog && void act(`inject ${faultSummary(catalog, form)}`, () => api('/api/chaos/inject', { body: faultBody(catalog, form) }))
          }
        >
          Inject
        </button>
      </section>

      <section aria-label="active faults">
        <h2>Active faults</h2>
        {(overview.data?.services ?? [])
          .filter((s) => s.failures.length > 0)
          .map((s) => (
            <div key={s.name} className="service-faults">
              <h3>{shortName(s.name)}</h3>
              <FaultList
                service={s.name}
                failures={s.failures}
                readAt={overview.at}
                busy={busy}
                onClear={(scope) => void act(`clear ${scope} of ${shortName(s.name)}`, () => clearScope(s.name, scope))}
              />
            </div>
          ))}
        {(overview.data?.services ?? []).every((s) => s.failures.length === 0) && <p className="none">no active fault</p>}
      </section>

      <section aria-label="quick actions">
        <h2>Quick actions</h2>
        <button
          type="button"
          className="big warnbtn"
          disabled={busy}
          data-testid="preset-error-storm"
          onClick={() => void act('error storm', () => api('/api/chaos/presets/error-storm', { body: {} }))}
        >
          Error storm (30% errors, 60 s)
        </button>
        <button
          type="button"
          className="big warnbtn"
          disabled={busy}
          data-testid="preset-high-latency"
          onClick={() => void act('high latency', () => api('/api/chaos/presets/high-latency', { body: {} }))}
        >
          High latency (db +4 s, 60 s)
        </button>
        <button
          type="button"
          className="big danger"
          disabled={busy}
          data-testid="control-halt"
          onClick={() => void act('halt all', () => api('/api/chaos/halt', { body: {} }))}
        >
          Halt all (reset every service)
        </button>
      </section>

      <section aria-label="load test">
        <h2>Load test</h2>
        <label>
          Scenario
          <select value={scenario} onChange={(e) => setScenario(e.target.value)}>
            {(load.data?.scenarios ?? ['normal']).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {running ? (
          <>
            <p className="progress-line">
              {running.scenario}: {running.progress?.elapsedS.toFixed(0)}/{running.progress?.plannedS} s — {running.progress?.line}
            </p>
            <button type="button" className="big danger" onClick={() => void act('stop load', () => api('/api/load/stop', { body: {} }))}>
              Stop load test
            </button>
          </>
        ) : (
          <button
            type="button"
            className="big"
            disabled={busy}
            data-testid="control-load"
            onClick={() => void act(`load ${scenario}`, () => api('/api/load', { body: { scenario } }))}
          >
            Run load test
          </button>
        )}
      </section>

      <section aria-label="responses">
        <h2>Responses</h2>
        <ol className="responses" data-testid="responses">
          {log.map((entry, i) => (
            <li key={i} className={entry.ok ? 'good' : 'bad'}>
              <time>{entry.at}</time> {entry.text}
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}

function describe(result: unknown): string {
  if (typeof result !== 'object' || result === null) return 'ok';
  const r = result as Record<string, unknown>;
  if (Array.isArray(r.results))
    return (r.results as Array<{ service: string; ok: boolean }>)
      .map((x) => `${shortName(x.service)} ${x.ok ? 'ok' : 'failed'}`)
      .join(', ');
  if (r.failure && typeof r.failure === 'object') return `injected (${(r.body as { status?: string } | undefined)?.status ?? 'ok'})`;
  if (typeof r.state === 'string') return `run ${String(r.id)} ${r.state}`;
  const body = r.body as { status?: string } | undefined;
  return body?.status ?? 'ok';
}
