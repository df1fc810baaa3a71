import { useEffect, useMemo, useRef, useState } from 'react';
import type { MetricsPoint, MetricsResponse, OverviewResponse } from '../../shared/api-types.ts';
import { api, shortName, usePoll } from '../api.ts';
import { ServiceCards } from '../components/ServiceCards.tsx';
import { ServiceGraph } from '../components/ServiceGraph.tsx';
import { TimeChart } from '../components/TimeChart.tsx';

/** Keeps the metrics history the server has, fetching only what is new every interval. */
function useMetricsHistory(): { points: MetricsPoint[]; error: string | null } {
  const [points, setPoints] = useState<MetricsPoint[]>([]);
  const last = useRef(0);
  const { data, error } = usePoll(() => api<MetricsResponse>(`/api/metrics?since=${last.current}`), 2000);
  useEffect(() => {
    if (!data || data.points.length === 0) return;
    last.current = data.points[data.points.length - 1]!.t;
    setPoints((old) => [...old, ...data.points].slice(-180));
  }, [data]);
  return { points, error: error ?? data?.error ?? null };
}

export function OverviewView({ overview, readAt }: { overview: OverviewResponse | null; readAt: number }) {
  const { points, error } = useMetricsHistory();
  const names = overview?.services.map((s) => s.name) ?? [];
  const charts = useMemo(() => {
    const times = points.map((p) => p.t);
    const series = (pick: (p: MetricsPoint, s: string) => number | null) =>
      names.map((s) => ({ label: shortName(s), values: points.map((p) => pick(p, s)) }));
    return {
      times,
      rps: series((p, s) => p.services[s]?.rps ?? null),
      errors: series((p, s) => (p.services[s] ? p.services[s].errorRatio * 100 : null)),
      p95: series((p, s) => (p.services[s]?.p95 == null ? null : p.services[s].p95 * 1000)),
      cpu: series((p, s) => (p.services[s]?.cpu == null ? null : p.services[s].cpu * 100)),
    };
    // The dependency list is deliberate (fewer entries than the values the effect reads).
  }, [points, names.join()]);

  if (!overview) return <p className="muted">Loading…</p>;
  const healthy = overview.services.filter((s) => s.status === 'healthy').length;
  return (
    <section>
      <h2>
        Overview{' '}
        <small className="muted" data-testid="healthy-count">
          {healthy}/{overview.services.length} healthy
        </small>
      </h2>
      <div className="overview-top">
        <ServiceGraph overview={overview} />
        <div className="platform">
          <div>anomaly-detector: {overview.platform.detector.running ? 'running' : 'not running'}</div>
          <div>ai-operator: {overview.platform.operator.running ? 'running' : 'not running'}</div>
        </div>
      </div>
      <ServiceCards services={overview.services} readAt={readAt} />
      {error && <p className="warn">metrics: {error}</p>}
      <div className="charts">
        <TimeChart title="Requests per second" times={charts.times} series={charts.rps} format={(v) => v.toFixed(1)} />
        <TimeChart title="Error ratio (%)" times={charts.times} series={charts.errors} format={(v) => `${v.toFixed(0)}%`} />
        <TimeChart title="p95 latency (ms)" times={charts.times} series={charts.p95} format={(v) => `${v.toFixed(0)}`} />
        <TimeChart title="CPU (% of a core)" times={charts.times} series={charts.cpu} format={(v) => `${v.toFixed(0)}%`} />
      </div>
    </section>
  );
}
