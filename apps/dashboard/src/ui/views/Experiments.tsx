import { useState } from 'react';
import type { ExperimentsResponse } from '../../shared/api-types.ts';
import { api, usePoll } from '../api.ts';

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${Math.round(v * 100)} %`);
const sec = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${v} s`);
const STATUS_CLASS: Record<string, string> = { held: 'ok', healed: 'ok', deviated: 'warn', aborted: 'muted' };

function Scorecard({ card }: { card: NonNullable<ExperimentsResponse['scorecard']> }) {
  const s = card.json.summary;
  const [raw, setRaw] = useState(false);
  return (
    <div data-testid="scorecard">
      <h3>
        Latest scorecard{card.json.quick ? ' (quick)' : ''}{' '}
        <span className="muted">
          {card.json.started_at?.slice(0, 16).replace('T', ' ')} · {card.path}
        </span>
      </h3>
      {s ? (
        <table>
          <tbody>
            <tr>
              <th>detection rate</th>
              <td>
                {pct(s.detection_rate)} ({s.detected}/{s.fault_runs}), median {sec(s.ttd_median_s)}
              </td>
            </tr>
            <tr>
              <th>localisation AC@1 / AC@3</th>
              <td>
                {pct(s.ac1)} / {pct(s.ac3)}, median {sec(s.ttl_median_s)}
              </td>
            </tr>
            <tr>
              <th>mitigation success</th>
              <td>
                {pct(s.mitigation_rate)} ({s.mitigated}/{s.fault_runs}), median {sec(s.ttm_median_s)}
              </td>
            </tr>
            <tr>
              <th>false anomalies / incidents in the controls</th>
              <td>
                {s.false_anomalies} / {s.false_incidents} in {s.control_minutes} min ({s.control_runs} runs)
              </td>
            </tr>
          </tbody>
        </table>
      ) : null}
      {card.markdown ? (
        <p>
          <button type="button" onClick={() => setRaw(!raw)}>
            {raw ? 'hide' : 'show'} the full scorecard
          </button>
        </p>
      ) : null}
      {raw && card.markdown ? <pre className="scorecard-markdown">{card.markdown}</pre> : null}
    </div>
  );
}

/** The experiment journals of the state folder, a run's report, and the suite's latest scorecard. */
export function ExperimentsView() {
  const { data, error } = usePoll(() => api<ExperimentsResponse>('/api/experiments'), 5000);
  const [selected, setSelected] = useState<string | null>(null);
  const runs = data?.runs ?? [];
  return (
    <section>
      <h2>Experiments</h2>
      {error ? <p className="warn">{error}</p> : null}
      {data?.scorecard ? (
        <Scorecard card={data.scorecard} />
      ) : (
        <p className="muted">
          No scorecard yet: run <code>archaics experiment suite</code> (or <code>--quick</code>).
        </p>
      )}
      <h3>Runs</h3>
      {runs.length === 0 ? (
        <p className="muted">
          No experiment has run yet: experiment journals will appear here once one runs (<code>archaics experiment list</code>, then{' '}
          <code>archaics experiment run NAME</code>).
        </p>
      ) : (
        <table data-testid="experiment-runs">
          <thead>
            <tr>
              <th>started</th>
              <th>experiment</th>
              <th>status</th>
              <th>why</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.run_id} className={selected === run.run_id ? 'selected' : ''}>
                <td>{run.started_at.slice(0, 19).replace('T', ' ')}</td>
                <td title={run.run_id}>
                  {run.name}
                  {run.suite ? <span className="muted"> (suite)</span> : null}
                </td>
                <td className={STATUS_CLASS[run.status] ?? ''}>
                  {run.status} (exit {run.exit_code})
                </td>
                <td className="muted">{run.reason}</td>
                <td>
                  <button type="button" onClick={() => setSelected(run.run_id)}>
                    report
                  </button>{' '}
                  <a href={`/api/experiments/${encodeURIComponent(run.run_id)}/journal`} target="_blank" rel="noreferrer">
                    journal
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected ? (
        <div>
          <h3>
            Report <span className="muted">{selected}</span>{' '}
            <a href={`/api/experiments/${encodeURIComponent(selected)}/report`} target="_blank" rel="noreferrer">
              open
            </a>
          </h3>
          <iframe
            title="experiment report"
            sandbox=""
            src={`/api/experiments/${encodeURIComponent(selected)}/report`}
            style={{ width: '100%', height: '80vh', border: '1px solid #ddd' }}
          />
        </div>
      ) : null}
    </section>
  );
}
