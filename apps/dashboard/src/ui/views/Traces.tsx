import { useEffect, useState } from 'react';
import type {
  TraceDetail,
  TraceOperationsResponse,
  TraceSearchResponse,
  TraceServicesResponse,
  TraceSummary,
} from '../../shared/api-types.ts';
import { ApiError, api, formatUs, shortName, usePoll } from '../api.ts';
import { navigate } from '../router.ts';

const SERVICE_COLORS: Record<string, string> = {
  'auth-service': '#2563eb',
  'db-service': '#9333ea',
  'product-service': '#16a34a',
  'payment-service': '#d97706',
};

/** The waterfall of one trace; while spans are still arriving (a few seconds), it asks again. */
function Waterfall({ traceId }: { traceId: string }) {
  const [trace, setTrace] = useState<TraceDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    let timer = 0;
    let tries = 0;
    const load = async (): Promise<void> => {
      tries += 1;
      try {
        const t = await api<TraceDetail>(`/api/traces/${traceId}`);
        if (!alive) return;
        setTrace(t);
        setError(null);
      } catch (e) {
        if (!alive) return;
        setError(e instanceof ApiError && e.status === 404 ? 'not received yet, asking again…' : (e as Error).message);
      }
      if (alive && tries < 8) timer = window.setTimeout(() => void load(), 1500);
    };
    setTrace(null);
    void load();
    return () => {
      alive = false;
      window.clearTimeout(timer);
    };
  }, [traceId]);
  if (!trace)
    return (
      <p className="muted" data-testid="waterfall-wait">
        trace {traceId}: {error ?? 'loading…'}
      </p>
    );
  const total = Math.max(1, trace.duration);
  return (
    <div className="waterfall" data-testid="waterfall">
      <h3>
        Trace <code>{trace.traceID}</code> · {formatUs(trace.duration)} · {trace.rows.length} spans ·{' '}
        {trace.services.map(shortName).join(', ')}
      </h3>
      {trace.rows.map((row) => (
        <div key={row.spanID}>
          <div
            className={`span-row${row.error ? ' error' : ''}`}
            data-testid="span-row"
            data-service={row.service}
            onClick={() => setSelected(selected === row.spanID ? null : row.spanID)}
          >
            <div className="span-label" style={{ paddingLeft: `${row.depth * 14}px` }}>
              <span className="svc" style={{ color: SERVICE_COLORS[row.service] ?? '#374151' }}>
                {shortName(row.service)}
              </span>{' '}
              {row.operation}
            </div>
            <div className="span-track">
              <div
                className="span-bar"
                style={{
                  left: `${(row.offset / total) * 100}%`,
                  width: `${Math.max(0.5, (row.duration / total) * 100)}%`,
                  background: row.error ? '#dc2626' : (SERVICE_COLORS[row.service] ?? '#6b7280'),
                }}
              />
            </div>
            <div className="span-dur">{formatUs(row.duration)}</div>
          </div>
          {selected === row.spanID && (
            <table className="tags">
              <tbody>
                {row.tags.map((t) => (
                  <tr key={t.key}>
                    <th>{t.key}</th>
                    <td>{t.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </div>
  );
}

export function TracesView({ url }: { url: URL }) {
  const traceId = url.searchParams.get('trace');
  const services = usePoll(() => api<TraceServicesResponse>('/api/traces/services'), 10_000);
  const [service, setService] = useState(url.searchParams.get('service') ?? 'product-service');
  const [operation, setOperation] = useState('');
  const [idInput, setIdInput] = useState(traceId ?? '');
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [results, setResults] = useState<TraceSummary[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const operations = usePoll(() => api<TraceOperationsResponse>(`/api/traces/operations?service=${encodeURIComponent(service)}`), 10_000, [
    service,
  ]);

  const search = async (): Promise<void> => {
    setMessage(null);
    const q = new URLSearchParams({ service, limit: '30' });
    if (operation) q.set('operation', operation);
    if (errorsOnly) q.set('errors', 'true');
    try {
      setResults((await api<TraceSearchResponse>(`/api/traces?${q}`)).traces);
    } catch (e) {
      setMessage((e as Error).message);
    }
  };

  return (
    <section>
      <h2>Traces</h2>
      <form
        className="inject-form"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <label>
          Service
          <select
            value={service}
            onChange={(e) => {
              setService(e.target.value);
              setOperation('');
            }}
          >
            {(services.data?.services ?? [service]).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Operation
          <select value={operation} onChange={(e) => setOperation(e.target.value)}>
            <option value="">any</option>
            {(operations.data?.operations ?? []).map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={errorsOnly} onChange={(e) => setErrorsOnly(e.target.checked)} /> errors only
        </label>
        <button type="submit">Search</button>
      </form>
      <form
        className="inject-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (idInput.trim()) navigate(`/traces?trace=${encodeURIComponent(idInput.trim())}`);
        }}
      >
        <label>
          Trace id
          <input name="trace" value={idInput} placeholder="32 hex digits" onChange={(e) => setIdInput(e.target.value)} />
        </label>
        <button type="submit">Open</button>
      </form>
      {message && <p className="warn">{message}</p>}
      {traceId && <Waterfall key={traceId} traceId={traceId} />}
      {results && (
        <table className="results">
          <thead>
            <tr>
              <th>trace</th>
              <th>root</th>
              <th>duration</th>
              <th>spans</th>
              <th>services</th>
              <th>errors</th>
            </tr>
          </thead>
          <tbody>
            {results.map((t) => (
              <tr key={t.traceID}>
                <td>
                  <button type="button" className="link mono" onClick={() => navigate(`/traces?trace=${t.traceID}`)}>
                    {t.traceID.slice(0, 12)}…
                  </button>
                </td>
                <td>
                  {shortName(t.rootService)} {t.rootOperation}
                </td>
                <td>{formatUs(t.duration)}</td>
                <td>{t.spans}</td>
                <td>{t.services.map(shortName).join(', ')}</td>
                <td className={t.errors ? 'warn' : ''}>{t.errors}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
