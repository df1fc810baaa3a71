import { useEffect, useState } from 'react';
import type { LogLineView, LogsResponse } from '../../shared/api-types.ts';
import { api, shortName } from '../api.ts';
import { navigate } from '../router.ts';

const LEVELS = ['', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
const SERVICES = ['', 'auth-service', 'db-service', 'product-service', 'payment-service', 'telemetry', 'dashboard'];
const MAX_LINES = 500;

/** Recent lines, then a live tail (server-sent events) with the same filters. */
export function LogsView() {
  const [service, setService] = useState('');
  const [level, setLevel] = useState('');
  const [traceId, setTraceId] = useState('');
  const [lines, setLines] = useState<LogLineView[]>([]);
  const [live, setLive] = useState(true);
  const [state, setState] = useState('connecting');

  useEffect(() => {
    const q = new URLSearchParams();
    if (service) q.set('service', service);
    if (level) q.set('level', level);
    const trace = traceId.trim();
    if (/^[0-9a-fA-F-]{16,36}$/.test(trace)) q.set('trace_id', trace);
    let alive = true;
    let source: EventSource | null = null;
    setLines([]);
    void api<LogsResponse>(`/api/logs?${q}&limit=200`).then(
      (res) => {
        if (!alive) return;
        setLines(res.lines);
        if (!live) return;
        source = new EventSource(`/api/logs/stream?${q}`);
        source.onopen = () => setState('live');
        source.onerror = () => setState('reconnecting');
        source.onmessage = (event: MessageEvent<string>) => {
          const line = JSON.parse(event.data) as LogLineView;
          setLines((old) => [line, ...old].slice(0, MAX_LINES));
        };
      },
      (e: Error) => alive && setState(`error: ${e.message}`),
    );
    return () => {
      alive = false;
      source?.close();
    };
  }, [service, level, traceId, live]);

  return (
    <section>
      <h2>
        Logs <small className="muted">{live ? state : 'paused'}</small>
      </h2>
      <form className="inject-form" onSubmit={(e) => e.preventDefault()}>
        <label>
          Service
          <select name="service" value={service} onChange={(e) => setService(e.target.value)}>
            {SERVICES.map((s) => (
              <option key={s} value={s}>
                {s || 'all'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Level
          <select name="level" value={level} onChange={(e) => setLevel(e.target.value)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l || 'all'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Trace id
          <input name="trace_id" value={traceId} onChange={(e) => setTraceId(e.target.value)} placeholder="filter by trace" />
        </label>
        <label className="inline">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> live
        </label>
      </form>
      <table className="logs" data-testid="log-lines">
        <tbody>
          {lines.map((line, i) => (
            <tr key={`${line.timestamp}-${i}`} className={`level-${line.level}`} data-testid="log-line">
              <td className="mono">{line.timestamp.slice(11, 23)}</td>
              <td>{shortName(line.service)}</td>
              <td>{line.level}</td>
              <td className="msg">{line.message}</td>
              <td>
                {line.trace_id && (
                  <button
                    type="button"
                    className="link mono"
                    data-testid="trace-link"
                    onClick={() => navigate(`/traces?trace=${line.trace_id}`)}
                  >
                    {line.trace_id.slice(0, 12)}…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
