import { useMemo, useState } from 'react';
import type { AiopsResponse, AnomalyView, ApproveAnswer, Incident, IncidentSummary, ServiceScore } from '../../shared/api-types.ts';
import { api, shortName, usePoll } from '../api.ts';
import { TimeChart, type Series } from '../components/TimeChart.tsx';

const time = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleTimeString() : '–');

/** Seconds from `from` to `to` ("+4.2 s"). */
function offset(from: string, to: string): string {
  const s = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(s) ? `+${s.toFixed(1)} s` : '';
}

function statusClass(status: string): string {
  if (status === 'resolved') return 'healthy';
  if (status === 'awaiting_approval' || status === 'acting' || status === 'verifying' || status === 'analyzing') return 'degraded';
  if (status === 'escalated') return 'down';
  return '';
}

const FEATURE_UNITS: Record<string, (v: number) => string> = {
  error_ratio: (v) => `${(v * 100).toFixed(0)} %`,
  upstream_error_ratio: (v) => `${(v * 100).toFixed(0)} %`,
  p95_latency_s: (v) => `${(v * 1000).toFixed(0)} ms`,
  upstream_p95_s: (v) => `${(v * 1000).toFixed(0)} ms`,
  cpu_per_request_ms: (v) => `${v.toFixed(2)} ms`,
  cpu_cores: (v) => v.toFixed(2),
  request_rate: (v) => `${v.toFixed(1)}/s`,
  down: (v) => (v >= 1 ? 'yes' : 'no'),
};
const featureValue = (feature: string, v: number): string => (FEATURE_UNITS[feature] ?? ((x: number) => x.toFixed(3)))(v);

function Driver({ feature, value, baseline, z }: { feature: string; value: number; baseline: number; z: number }) {
  return (
    <span className="driver">
      {feature} {featureValue(feature, value)}{' '}
      <span className="muted">
        (baseline {featureValue(feature, baseline)}, z {z.toFixed(1)})
      </span>
    </span>
  );
}

function DetectorCard({ detector }: { detector: AiopsResponse['detector'] }) {
  const h = detector.health;
  return (
    <div className="card" data-testid="detector-status">
      <div className="card-head">
        <strong>anomaly-detector</strong>
        <span className={`pill ${detector.running ? 'healthy' : 'down'}`}>{detector.running ? 'running' : 'not running'}</span>
      </div>
      {!detector.running && (
        <p className="muted">
          {detector.url}: {detector.error}. Start it with <code>npm start</code>.
        </p>
      )}
      {h && (
        <>
          <p>
            {h.model}, <strong data-testid="detector-trained">{h.trained ? 'trained' : 'learning the baseline'}</strong>
            {detector.threshold !== null ? ` · threshold ${detector.threshold}` : ''}
          </p>
          <progress max={h.baseline_required} value={Math.min(h.baseline_samples, h.baseline_required)} />{' '}
          <span data-testid="baseline-progress">
            baseline {Math.min(h.baseline_samples, h.baseline_required)}/{h.baseline_required}
          </span>
          {detector.open ? (
            <p className="warn" data-testid="open-anomaly">
              anomaly open since {time(detector.open.opened_at)}: {detector.open.services.map(shortName).join(', ')}
            </p>
          ) : (
            <p className="ok">no anomaly open</p>
          )}
        </>
      )}
    </div>
  );
}

function OperatorCard({ operator }: { operator: AiopsResponse['operator'] }) {
  const h = operator.health;
  const waiting = (operator.incidents ?? []).filter((i) => i.status === 'awaiting_approval').length;
  return (
    <div className="card" data-testid="operator-status">
      <div className="card-head">
        <strong>ai-operator</strong>
        <span className={`pill ${operator.running ? 'healthy' : 'down'}`}>{operator.running ? 'running' : 'not running'}</span>
      </div>
      {!operator.running && (
        <p className="muted">
          {operator.url}: {operator.error}.
        </p>
      )}
      {h && (
        <>
          <p data-testid="operator-mode">
            mode <strong>{h.mode ?? '?'}</strong>
            {h.executor ? ` · executor ${h.executor}` : ''}
          </p>
          <p>
            LLM {h.llm?.provider ?? 'none'}
            {h.llm?.model ? ` (${h.llm.model})` : ''}
            {h.llm && !h.llm.configured ? ' — deterministic plans' : ''}
          </p>
          {h.mode === 'approve' && <p className={waiting > 0 ? 'warn' : 'muted'}>{waiting} incident(s) awaiting approval</p>}
        </>
      )}
    </div>
  );
}

function LatestScores({ latest, threshold }: { latest: readonly ServiceScore[]; threshold: number | null }) {
  if (latest.length === 0) return null;
  return (
    <table className="scores" data-testid="latest-scores">
      <thead>
        <tr>
          <th>service</th>
          <th>score</th>
          <th>top drivers (now vs baseline)</th>
        </tr>
      </thead>
      <tbody>
        {latest.map((s) => (
          <tr key={s.service} className={s.anomalous ? 'anomalous' : ''}>
            <td>{s.service}</td>
            <td>
              <strong>{s.score.toFixed(2)}</strong>
              {threshold !== null && <span className="muted"> / {threshold}</span>}{' '}
              {s.anomalous && <span className="pill down">anomalous</span>}
            </td>
            <td>
              {s.drivers.slice(0, 2).map((d) => (
                <Driver key={d.feature} feature={d.feature} value={d.value} baseline={d.baseline_mean} z={d.z} />
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Anomalies({ anomalies, onOpen }: { anomalies: readonly AnomalyView[] | null; onOpen: (incidentId: string) => void }) {
  if (anomalies === null) return <p className="muted">none to show</p>;
  if (anomalies.length === 0) return <p className="muted">no anomalies</p>;
  return (
    <table data-testid="anomalies">
      <thead>
        <tr>
          <th>opened</th>
          <th>closed</th>
          <th>services (peak score)</th>
          <th>drivers</th>
          <th>webhook → incident</th>
        </tr>
      </thead>
      <tbody>
        {anomalies.slice(0, 10).map((a) => (
          <tr key={a.id} data-testid="anomaly-row">
            <td>{time(a.opened_at)}</td>
            <td>{a.closed_at ? time(a.closed_at) : <span className="pill down">open</span>}</td>
            <td>{a.services.map((s) => `${shortName(s)} ${(a.peak_scores[s] ?? 0).toFixed(2)}`).join(', ')}</td>
            <td>
              {[...new Set(a.drivers.map((d) => d.service))].map((service) => (
                <div key={service}>
                  <strong>{shortName(service)}</strong>
                  {a.drivers
                    .filter((d) => d.service === service)
                    .map((d) => (
                      <Driver key={d.feature} feature={d.feature} value={d.value} baseline={d.baseline_mean} z={d.z} />
                    ))}
                </div>
              ))}
            </td>
            <td>
              {a.webhook ? `${a.webhook.status} (${a.webhook.attempts}×)` : '–'}{' '}
              {a.webhook?.incident_id && (
                <button type="button" className="link" onClick={() => onOpen(a.webhook!.incident_id!)}>
                  {a.webhook.incident_id.slice(0, 12)}…
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Incidents({
  incidents,
  selected,
  onOpen,
}: {
  incidents: readonly IncidentSummary[];
  selected: string | null;
  onOpen: (id: string) => void;
}) {
  return (
    <table className="incident-list" data-testid="incidents">
      <thead>
        <tr>
          <th>opened</th>
          <th>status</th>
          <th>root cause</th>
          <th>trigger</th>
          <th>actions</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {incidents.slice(0, 15).map((inc) => (
          <tr
            key={inc.id}
            data-testid="incident-row"
            data-id={inc.id}
            data-status={inc.status}
            data-root-cause={inc.root_cause ?? ''}
            className={inc.id === selected ? 'selected' : ''}
          >
            <td>{time(inc.opened_at)}</td>
            <td>
              <span className={`pill ${statusClass(inc.status)}`}>{inc.status}</span>
            </td>
            <td>{inc.root_cause ?? 'undetermined'}</td>
            <td className="muted">{inc.trigger}</td>
            <td>{inc.actions.join('; ') || '–'}</td>
            <td>
              <button type="button" className="link" data-testid="incident-link" onClick={() => onOpen(inc.id)}>
                {inc.id === selected ? 'shown below' : 'open'}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * One incident in full. `listed` is how the list last saw it (status, root cause, actions): when that
 * changes the detail fetches at once, so the two never disagree for longer than one request.
 */
function IncidentDetail({ id, listed }: { id: string; listed: string }) {
  const { data, error, refresh } = usePoll(() => api<Incident>(`/api/aiops/incidents/${encodeURIComponent(id)}`), 2000, [id, listed]);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (error && !data) return <p className="warn">{error}</p>;
  if (!data) return <p className="muted">Loading incident…</p>;
  const approve = async (): Promise<void> => {
    setBusy(true);
    try {
      const answer = await api<ApproveAnswer>(`/api/aiops/incidents/${encodeURIComponent(id)}/approve`, { body: {} });
      setMessage(`approved: the operator is ${answer?.status ?? 'acting'}`);
    } catch (e) {
      setMessage((e as Error).message);
    }
    setBusy(false);
    refresh();
  };
  const top = Math.max(0.0001, ...data.ranking.map((r) => r.score));
  const llm = data.llm;
  return (
    <div className="incident" data-testid="incident-detail" data-id={data.id} data-status={data.status}>
      <h3>
        Incident <code>{data.id}</code>{' '}
        <span className={`pill ${statusClass(data.status)}`} data-testid="incident-status">
          {data.status}
        </span>
      </h3>
      <p>
        root cause <strong data-testid="root-cause">{data.root_cause ?? 'undetermined'}</strong> · opened {time(data.opened_at)}
        {data.resolved_at && (
          <>
            {' '}
            · resolved {time(data.resolved_at)} (<strong data-testid="time-to-mitigate">{offset(data.opened_at, data.resolved_at)}</strong>{' '}
            after the incident opened)
          </>
        )}{' '}
        · verified <strong data-testid="verified">{data.verified ? 'yes' : 'no'}</strong>
      </p>
      {data.status === 'awaiting_approval' && (
        <div className="approve-box">
          <span>
            The operator waits for approval (<code>OPERATOR_MODE=approve</code>) before it carries out:{' '}
            {data.actions
              .filter((a) => a.status === 'awaiting_approval')
              .map((a) => JSON.stringify(a.action))
              .join(', ')}
          </span>
          <button type="button" data-testid="approve" disabled={busy} onClick={() => void approve()}>
            Approve the plan
          </button>
        </div>
      )}
      {message && <p data-testid="approve-message">{message}</p>}
      <div className="incident-grid">
        <div>
          <h4>Explanation</h4>
          <blockquote data-testid="explanation">
            <div className="llm-line" data-testid="llm">
              {llm.used ? (
                <span className="pill healthy">
                  LLM {llm.provider}
                  {llm.model ? ` (${llm.model})` : ''}
                </span>
              ) : (
                <span className="pill">deterministic plan</span>
              )}{' '}
              {!llm.used && llm.fallback_reason && <span className="muted">LLM not used: {llm.fallback_reason}</span>}
            </div>
            {data.plan ? data.plan.explanation : <span className="muted">no plan yet</span>}
          </blockquote>
          <h4>Root-cause ranking</h4>
          <ol className="ranking" data-testid="ranking">
            {data.ranking.map((r) => (
              <li key={r.service} data-service={r.service}>
                <div className="rank-head">
                  <strong>{r.service}</strong> <span className="mono">{r.score.toFixed(3)}</span>
                </div>
                <div className="rank-bar">
                  <span style={{ width: `${Math.max(1, (r.score / top) * 100)}%` }} />
                </div>
                <ul className="evidence">
                  {r.evidence.map((e, i) => (
                    <li key={i}>{e}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
          <h4>Actions</h4>
          {data.actions.length === 0 ? (
            <p className="muted">none yet</p>
          ) : (
            <table data-testid="actions">
              <tbody>
                {data.actions.map((a, i) => (
                  <tr key={i} data-status={a.status}>
                    <td>{time(a.at)}</td>
                    <td>
                      <code>{JSON.stringify(a.action)}</code>
                    </td>
                    <td>
                      <span
                        className={`pill ${a.status === 'succeeded' ? 'healthy' : a.status === 'failed' || a.status === 'refused' ? 'down' : 'degraded'}`}
                      >
                        {a.status}
                      </span>
                    </td>
                    <td className="muted">
                      {a.source ?? ''}
                      {a.reason ? ` — ${a.reason}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h4>Timeline</h4>
          <ol className="timeline" data-testid="timeline">
            {data.timeline.map((t, i) => (
              <li key={i} data-event={t.event}>
                <span className="t-at">{offset(data.opened_at, t.at)}</span> <strong>{t.event}</strong>
                {t.detail && <div className="t-detail">{t.detail}</div>}
              </li>
            ))}
          </ol>
        </div>
      </div>
    </div>
  );
}

/** What the list shows of an incident, as one string that changes when any of it does. */
function listedState(summary: IncidentSummary | undefined): string {
  return summary ? [summary.status, summary.root_cause ?? '', summary.resolved_at ?? '', ...summary.actions].join('|') : '';
}

const THRESHOLD_COLOR = '#dc2626';

export function AiopsView() {
  const { data, error } = usePoll(() => api<AiopsResponse>('/api/aiops'), 2000);
  const [selected, setSelected] = useState<string | null>(null);
  const chart = useMemo(() => {
    const scores = data?.detector.scores ?? [];
    const names = [...new Set(scores.flatMap((s) => Object.keys(s.scores)))].sort();
    const series: Series[] = names.map((n) => ({ label: shortName(n), values: scores.map((s) => s.scores[n] ?? null) }));
    const threshold = data?.detector.threshold;
    if (typeof threshold === 'number' && names.length > 0)
      series.push({ label: 'threshold', values: scores.map(() => threshold), color: THRESHOLD_COLOR, dashed: true });
    return { times: scores.map((s) => s.t), series };
  }, [data]);
  if (error && !data) return <p className="warn">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const { detector, operator } = data;
  const incidents = operator.incidents ?? [];
  // Without a choice, the newest incident is shown.
  const shown = selected ?? incidents[0]?.id ?? null;
  return (
    <section className="aiops">
      <h2>AI-Ops</h2>
      <div className="cards">
        <DetectorCard detector={detector} />
        <OperatorCard operator={operator} />
      </div>
      {detector.running && (
        <div className="aiops-scores">
          <TimeChart
            title="Anomaly scores (Isolation Forest, per service)"
            times={chart.times}
            series={chart.series}
            format={(v) => v.toFixed(2)}
          />
          <LatestScores latest={detector.latest} threshold={detector.threshold} />
        </div>
      )}
      <h3>Anomalies</h3>
      <Anomalies anomalies={detector.anomalies} onOpen={setSelected} />
      <h3>Incidents</h3>
      {operator.incidents === null ? (
        <p className="muted">none to show</p>
      ) : incidents.length === 0 ? (
        <p className="muted">no incidents</p>
      ) : (
        <Incidents incidents={incidents} selected={shown} onOpen={setSelected} />
      )}
      {shown && <IncidentDetail key={shown} id={shown} listed={listedState(incidents.find((i) => i.id === shown))} />}
    </section>
  );
}
