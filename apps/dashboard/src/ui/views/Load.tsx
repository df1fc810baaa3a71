import { useState } from 'react';
import type { LoadResponse, LoadRunView } from '../../shared/api-types.ts';
import { api, usePoll } from '../api.ts';

export function SummaryTable({ run }: { run: LoadRunView }) {
  const s = run.summary;
  if (run.error)
    return (
      <p className="warn">
        run {run.id} ({run.scenario}) failed: {run.error}
      </p>
    );
  if (!s) return null;
  return (
    <div className="summary" data-testid="load-summary">
      <h3>
        {s.scenario} — {s.passed ? 'thresholds passed' : 'thresholds breached'}
        {s.interrupted ? ' (interrupted)' : ''}
      </h3>
      <p className="muted">
        {s.load}, {s.durationS.toFixed(1)} s
      </p>
      <table>
        <tbody>
          <tr>
            <th>requests</th>
            <td>
              {s.requests.total} ({s.requests.ratePerS.toFixed(1)}/s)
            </td>
          </tr>
          <tr>
            <th>failed</th>
            <td>
              {s.requests.failed} ({(s.requests.failedRate * 100).toFixed(1)}%)
            </td>
          </tr>
          <tr>
            <th>latency p50 / p95 / p99 / max</th>
            <td>
              {s.latency.p50.toFixed(1)} / {s.latency.p95.toFixed(1)} / {s.latency.p99.toFixed(1)} / {s.latency.max.toFixed(1)} ms
            </td>
          </tr>
          <tr>
            <th>errors by status</th>
            <td>
              {Object.entries(s.errorsByStatus)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ') || 'none'}
            </td>
          </tr>
          {s.thresholds.map((t) => (
            <tr key={`${t.metric}${t.expression}`}>
              <th>
                {t.metric} {t.expression}
              </th>
              <td className={t.passed ? 'ok' : 'warn'}>
                {t.passed ? 'ok' : 'breached'} (actual {t.actual === null ? '–' : t.actual.toFixed(3)})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function LoadView() {
  const { data, error, refresh } = usePoll(() => api<LoadResponse>('/api/load'), 1000);
  const [scenario, setScenario] = useState('normal');
  const [vus, setVus] = useState('');
  const [duration, setDuration] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const current = data?.current ?? null;

  const start = async (): Promise<void> => {
    setMessage(null);
    try {
      await api('/api/load', { body: { scenario, ...(vus ? { vus: Number(vus) } : {}), ...(duration ? { duration } : {}) } });
    } catch (e) {
      setMessage((e as Error).message);
    }
    refresh();
  };

  return (
    <section>
      <h2>Load</h2>
      <form
        className="inject-form"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label>
          Scenario
          <select name="scenario" value={scenario} onChange={(e) => setScenario(e.target.value)}>
            {(data?.scenarios ?? ['normal']).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          VUs (optional)
          <input name="vus" type="number" min={1} max={100} value={vus} onChange={(e) => setVus(e.target.value)} />
        </label>
        <label>
          Duration (optional, e.g. 20s)
          <input name="duration" value={duration} onChange={(e) => setDuration(e.target.value)} />
        </label>
        <button type="submit" disabled={current !== null} data-testid="load-start">
          Start
        </button>
        <button
          type="button"
          className="danger"
          disabled={current === null}
          onClick={() => void api('/api/load/stop', { body: {} }).then(refresh)}
        >
          Stop
        </button>
      </form>
      {(message ?? error) && <p className="warn">{message ?? error}</p>}
      {current?.progress && (
        <div className="progress" data-testid="load-progress">
          <progress max={current.progress.plannedS} value={current.progress.elapsedS} />
          <code>{current.progress.line}</code>
        </div>
      )}
      {(data?.recent ?? []).map((run) => (
        <SummaryTable key={run.id} run={run} />
      ))}
    </section>
  );
}
