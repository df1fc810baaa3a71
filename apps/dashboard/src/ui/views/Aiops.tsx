import { useMemo, useState } from 'react';
import type { AiopsResponse, Incident } from '../../shared/api-types.ts';
import { api, shortName, usePoll } from '../api.ts';
import { TimeChart } from '../components/TimeChart.tsx';

function IncidentDetail({ id, approveMode }: { id: string; approveMode: boolean }) {
  const { data, error, refresh } = usePoll(() => api<Incident>(`/api/aiops/incidents/${encodeURIComponent(id)}`), 3000, [id]);
  const [message, setMessage] = useState<string | null>(null);
  if (error) return <p className="warn">{error}</p>;
  if (!data) return <p className="muted">Loading incident…</p>;
  const approve = async (): Promise<void> => {
    try {
      await api(`/api/aiops/incidents/${encodeURIComponent(id)}/approve`, { body: {} });
      setMessage('approved');
    } catch (e) {
      setMessage((e as Error).message);
    }
    refresh();
  };
  return (
    <div className="incident" data-testid="incident-detail">
      <h3>
        Incident {data.id} <span className="pill">{data.status}</span>
      </h3>
      <p>
        root cause: <strong>{data.root_cause ?? 'undetermined'}</strong> · verified: {String(data.verified)} · LLM: {data.llm?.provider}
        {data.llm?.model ? ` (${data.llm.model})` : ''} {data.llm?.used ? 'used' : 'not used'}
        {data.llm?.fallback_reason ? ` — ${data.llm.fallback_reason}` : ''}
      </p>
      {data.plan && (
        <blockquote>
          <strong>Explanation ({data.plan.source}):</strong> {data.plan.explanation}
        </blockquote>
      )}
      <h4>Ranking</h4>
      <ol>
        {(data.ranking ?? []).map((r) => (
          <li key={r.service}>
            {r.service} — {Number(r.score).toFixed(2)}
            <ul>{(r.evidence ?? []).map((e) => <li key={e}>{e}</li>)}</ul>
          </li>
        ))}
      </ol>
      <h4>Actions</h4>
      <ul>
        {(data.actions ?? []).map((a, i) => (
          <li key={i}>
            <code>{JSON.stringify(a.action)}</code> — {a.status}
            {a.reason ? ` (${a.reason})` : ''}
          </li>
        ))}
      </ul>
      {approveMode && data.status === 'awaiting_approval' && (
        <button type="button" data-testid="approve" onClick={() => void approve()}>Approve the plan</button>
      )}
      {message && <p>{message}</p>}
      <h4>Timeline</h4>
      <ul className="timeline">
        {(data.timeline ?? []).map((t, i) => (
          <li key={i}>
            <time>{new Date(t.at).toLocaleTimeString()}</time> {t.event}
            {t.detail ? ` — ${t.detail}` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function AiopsView() {
  const { data, error } = usePoll(() => api<AiopsResponse>('/api/aiops'), 2000);
  const [selected, setSelected] = useState<string | null>(null);
  const chart = useMemo(() => {
    const scores = data?.detector.scores ?? [];
    const names = [...new Set(scores.flatMap((s) => Object.keys(s.scores)))].sort();
    return { times: scores.map((s) => s.t), series: names.map((n) => ({ label: shortName(n), values: scores.map((s) => s.scores[n] ?? null) })) };
  }, [data]);
  if (error) return <p className="warn">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const { detector, operator } = data;
  const h = detector.health;
  const approveMode = operator.health?.mode === 'approve';
  return (
    <section>
      <h2>AI-Ops</h2>
      <div className="cards">
        <div className="card" data-testid="detector-status">
          <div className="card-head"><strong>anomaly-detector</strong><span className={`pill ${detector.running ? 'healthy' : 'down'}`}>{detector.running ? 'running' : 'not running'}</span></div>
          {!detector.running && <p className="muted">{detector.url}: {detector.error}. Start it with <code>npm start</code>.</p>}
          {h && (
            <>
              <p>model {h.model}, {h.trained ? 'trained' : 'learning the baseline'}</p>
              <progress max={h.baseline_required} value={Math.min(h.baseline_samples, h.baseline_required)} /> {h.baseline_samples}/{h.baseline_required} baseline samples
            </>
          )}
        </div>
        <div className="card" data-testid="operator-status">
          <div className="card-head"><strong>ai-operator</strong><span className={`pill ${operator.running ? 'healthy' : 'down'}`}>{operator.running ? 'running' : 'not running'}</span></div>
          {!operator.running && <p className="muted">{operator.url}: {operator.error}.</p>}
          {operator.health && (
            <p>
              mode {operator.health.mode ?? '?'}, LLM {operator.health.llm?.provider ?? 'none'}
              {operator.health.llm?.model ? ` (${operator.health.llm.model})` : ''}
            </p>
          )}
        </div>
      </div>
      {detector.running && <TimeChart title="Anomaly scores" times={chart.times} series={chart.series} format={(v) => v.toFixed(2)} />}
      <h3>Anomalies</h3>
      {detector.anomalies === null ? <p className="muted">none to show</p> : detector.anomalies.length === 0 ? <p className="muted">no anomalies</p> : (
        <ul>{detector.anomalies.slice(0, 20).map((a, i) => <li key={i}><code>{JSON.stringify(a).slice(0, 240)}</code></li>)}</ul>
      )}
      <h3>Incidents</h3>
      {operator.incidents === null || operator.incidents.length === 0 ? <p className="muted">no incidents</p> : (
        <ul className="incident-list">
          {operator.incidents.map((inc) => (
            <li key={inc.id}>
              <button type="button" className="link" data-testid="incident-link" onClick={() => setSelected(inc.id ?? null)}>{inc.id}</button> {inc.status} · {inc.opened_at} · root cause {inc.root_cause ?? '?'}
            </li>
          ))}
        </ul>
      )}
      {selected && <IncidentDetail id={selected} approveMode={approveMode} />}
    </section>
  );
}
