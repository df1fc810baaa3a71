import { BUSINESS_SERVICES, type BusinessService } from '@archaics/contracts';
import type { Journal, ServicePoint } from '../run/journal.ts';

/** One vertical marker of the charts. */
export interface Marker {
  readonly at: string;
  readonly kind: 'injection' | 'reset' | 'detection' | 'root cause' | 'action' | 'mitigated' | 'recovery' | 'stop';
  readonly label: string;
}

const COLORS: Readonly<Record<BusinessService, string>> = {
  'auth-service': '#2563eb',
  'db-service': '#dc2626',
  'product-service': '#16a34a',
  'payment-service': '#9333ea',
};
const MARKER_COLORS: Readonly<Record<Marker['kind'], string>> = {
  injection: '#dc2626',
  reset: '#6b7280',
  detection: '#f59e0b',
  'root cause': '#0891b2',
  action: '#7c3aed',
  mitigated: '#16a34a',
  recovery: '#15803d',
  stop: '#111827',
};

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The markers of a run: each injection, detection, root cause, action, mitigation and recovery. */
export function markersOf(journal: Journal): Marker[] {
  const markers: Marker[] = [];
  for (const e of journal.events) {
    if (e.kind === 'inject') markers.push({ at: e.at, kind: 'injection', label: e.detail });
    else if (e.kind === 'reset') markers.push({ at: e.at, kind: 'reset', label: `reset ${e.detail}` });
    else if (e.kind === 'stop' || e.kind === 'interrupt') markers.push({ at: e.at, kind: 'stop', label: e.detail });
  }
  for (const a of journal.aiops.anomalies)
    markers.push({ at: a.opened_at, kind: 'detection', label: `anomaly ${a.id}: ${a.services.join(', ')}` });
  for (const i of journal.aiops.incidents) {
    if (i.ranked_at)
      markers.push({
        at: i.ranked_at,
        kind: 'root cause',
        label: `root cause ${i.root_cause ?? '?'} (${i.ranking
          .slice(0, 3)
          .map((r) => r.service)
          .join(' > ')})`,
      });
    for (const a of i.actions) if (a.status !== 'planned') markers.push({ at: a.at, kind: 'action', label: `${a.action} ${a.status}` });
    if (i.resolved_at) markers.push({ at: i.resolved_at, kind: 'mitigated', label: `incident ${i.id} ${i.status}` });
  }
  if (journal.hypothesis.recovered_at)
    markers.push({ at: journal.hypothesis.recovered_at, kind: 'recovery', label: 'the hypothesis holds again' });
  return markers.sort((a, b) => a.at.localeCompare(b.at));
}

interface ChartSpec {
  readonly title: string;
  readonly unit: string;
  readonly value: (point: ServicePoint) => number | null;
}

const CHARTS: readonly ChartSpec[] = [
  { title: 'Requests per second', unit: 'rps', value: (p) => (p.up ? p.rps : 0) },
  { title: 'Error ratio (5xx)', unit: '%', value: (p) => (p.up ? p.error_ratio * 100 : null) },
  { title: 'p95 latency', unit: 'ms', value: (p) => (p.up ? p.p95_ms : null) },
];

/** One chart as inline SVG: a line per service, a dashed vertical line per marker. */
export function chartSvg(journal: Journal, spec: ChartSpec, markers: readonly Marker[], width = 860, height = 220): string {
  const start = Date.parse(journal.started_at);
  const end = Math.max(Date.parse(journal.ended_at), start + 1000);
  const pad = { left: 56, right: 12, top: 12, bottom: 28 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  let max = 0;
  for (const sample of journal.samples)
    for (const service of BUSINESS_SERVICES) {
      const p = sample.services[service];
      const v = p ? spec.value(p) : null;
      if (v !== null && Number.isFinite(v)) max = Math.max(max, v);
    }
  max = max <= 0 ? 1 : niceCeil(max);
  const x = (ms: number): number => pad.left + ((ms - start) / (end - start)) * w;
  const y = (v: number): number => pad.top + h - (v / max) * h;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escape(spec.title)}">`,
  );
  parts.push(`<rect x="${pad.left}" y="${pad.top}" width="${w}" height="${h}" fill="#fff" stroke="#d1d5db"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(
      `<line x1="${pad.left}" x2="${pad.left + w}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#f3f4f6"/><text x="${pad.left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end" fill="#6b7280">${formatTick(v)}</text>`,
    );
  }
  const totalS = (end - start) / 1000;
  const stepS = niceCeil(totalS / 8);
  for (let s = 0; s <= totalS; s += stepS)
    parts.push(
      `<text x="${x(start + s * 1000).toFixed(1)}" y="${height - 8}" font-size="10" text-anchor="middle" fill="#6b7280">${Math.round(s)} s</text>`,
    );
  for (const marker of markers) {
    const mx = x(Date.parse(marker.at));
    if (mx < pad.left || mx > pad.left + w) continue;
    parts.push(
      `<line x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="${pad.top}" y2="${pad.top + h}" stroke="${MARKER_COLORS[marker.kind]}" stroke-dasharray="4 3" stroke-width="1.5"><title>${escape(`${marker.kind}: ${marker.label}`)}</title></line>`,
    );
  }
  for (const service of BUSINESS_SERVICES) {
    const points: string[] = [];
    for (const sample of journal.samples) {
      const p = sample.services[service];
      const v = p ? spec.value(p) : null;
      if (v === null || !Number.isFinite(v)) continue;
      points.push(`${x(Date.parse(sample.at)).toFixed(1)},${y(v).toFixed(1)}`);
    }
    if (points.length > 0)
      parts.push(
        `<polyline fill="none" stroke="${COLORS[service]}" stroke-width="1.6" points="${points.join(' ')}"><title>${service}</title></polyline>`,
      );
  }
  parts.push('</svg>');
  return parts.join('');
}

function niceCeil(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}

function formatTick(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1).replace(/\.0$/, '') : value.toFixed(2).replace(/\.?0+$/, '');
}

const STATUS_COLORS: Readonly<Record<string, string>> = { held: '#16a34a', healed: '#0891b2', deviated: '#dc2626', aborted: '#6b7280' };

/** The run's report: one self-contained HTML page (inline CSS and SVG, no script, nothing fetched). */
export function renderReport(journal: Journal): string {
  const markers = markersOf(journal);
  const e = journal.experiment;
  const s = journal.score;
  const start = Date.parse(journal.started_at);
  const rel = (at: string): string => `${((Date.parse(at) - start) / 1000).toFixed(1)} s`;
  const evaluation = (title: string, ev: Journal['hypothesis']['before']): string =>
    ev === null
      ? `<h3>${title}</h3><p class="muted">not evaluated</p>`
      : `<h3>${title}: ${ev.held ? 'held' : 'not met'} <span class="muted">(at ${rel(ev.at)})</span></h3><ul>${ev.probes.map((p) => `<li class="${p.held ? 'ok' : 'bad'}">${p.held ? '✔' : '✘'} <b>${escape(p.name)}</b> — ${escape(p.detail)}</li>`).join('')}</ul>`;
  const legend = BUSINESS_SERVICES.map((service) => `<span><i style="background:${COLORS[service]}"></i>${service}</span>`).join('');
  const markerLegend = (Object.keys(MARKER_COLORS) as Array<Marker['kind']>)
    .map((kind) => `<span><i class="dash" style="border-color:${MARKER_COLORS[kind]}"></i>${kind}</span>`)
    .join('');
  const scoreRows: Array<[string, string]> = s
    ? [
        ['kind', s.kind],
        ['target', s.target ?? '–'],
        [
          'detected',
          s.detected
            ? `yes, ${s.ttd_s} s after the injection (${s.anomaly_services.join(', ')})`
            : s.kind === 'control'
              ? `${s.anomalies_opened} anomalies opened (false)`
              : 'no',
        ],
        [
          'root cause',
          s.incident_id ? `${s.root_cause ?? '–'} (rank of the target: ${s.rank ?? 'absent'}; ${s.ttl_s ?? '–'} s)` : 'no incident',
        ],
        ['actions', s.actions.join(', ') || '–'],
        ['mitigated', s.mitigated ? `yes, ${s.ttm_s} s after the injection` : 'no'],
        ['recovered', s.ttr_s === null ? (journal.hypothesis.recovered_at ? 'held throughout' : 'no') : `${s.ttr_s} s after the injection`],
      ]
    : [];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(e.name)} — ${journal.status}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:920px;color:#111827;padding:0 1rem}
h1{font-size:1.4rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:1.6rem}h3{font-size:1rem}
.status{display:inline-block;padding:.15rem .6rem;border-radius:.4rem;color:#fff;font-weight:600}
.muted{color:#6b7280}.ok{color:#166534}.bad{color:#991b1b}
table{border-collapse:collapse;font-size:.9rem}td,th{border-bottom:1px solid #e5e7eb;padding:.25rem .6rem;text-align:left;vertical-align:top}
.legend span{margin-right:1rem;font-size:.8rem}.legend i{display:inline-block;width:12px;height:3px;margin-right:4px;vertical-align:middle}
.legend i.dash{height:0;border-top:2px dashed;width:14px}
</style></head><body>
<h1>${escape(e.title)}</h1>
<p class="muted">${escape(e.name)} · run ${escape(journal.run_id)} · ${escape(journal.started_at)} → ${escape(journal.ended_at)} · ${escape(e.source)}</p>
<p><span class="status" style="background:${STATUS_COLORS[journal.status] ?? '#6b7280'}">${journal.status}</span> exit ${journal.exit_code} — ${escape(journal.reason)}</p>
${e.description ? `<p>${escape(e.description)}</p>` : ''}
<h2>Over time</h2>
<div class="legend">${legend}</div><div class="legend">${markerLegend}</div>
${CHARTS.map((spec) => `<h3>${spec.title} <span class="muted">(${spec.unit})</span></h3>${chartSvg(journal, spec, markers)}`).join('\n')}
<h2>Self-healing loop</h2>
<table>${scoreRows.map(([k, v]) => `<tr><th>${k}</th><td>${escape(v)}</td></tr>`).join('')}</table>
<h2>Hypothesis: ${escape(e.hypothesis.title)}</h2>
${evaluation('Before', journal.hypothesis.before)}
<h3>During</h3><p>${journal.hypothesis.during.held}/${journal.hypothesis.during.evaluations} evaluations held${
    journal.hypothesis.during.first_breach
      ? ` — first breach at ${rel(journal.hypothesis.during.first_breach.at)}: ${escape(
          journal.hypothesis.during.first_breach.probes
            .filter((p) => !p.held)
            .map((p) => p.detail)
            .join('; '),
        )}`
      : ''
  }</p>
${evaluation('After', journal.hypothesis.after)}
<h2>Timeline</h2>
<table><tr><th>t</th><th>what</th><th></th></tr>${[
    ...journal.events.map((ev) => ({ at: ev.at, kind: ev.kind, detail: ev.detail })),
    ...markers
      .filter((m) => ['detection', 'root cause', 'action', 'mitigated'].includes(m.kind))
      .map((m) => ({ at: m.at, kind: m.kind, detail: m.label })),
  ]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((row) => `<tr><td>${rel(row.at)}</td><td>${escape(row.kind)}</td><td>${escape(row.detail)}</td></tr>`)
    .join('')}</table>
<h2>Rollbacks</h2>
<ul>${journal.rollbacks.map((r) => `<li class="${r.ok ? 'ok' : 'bad'}">${escape(r.action)}: ${escape(r.detail)}</li>`).join('') || '<li class="muted">none needed</li>'}</ul>
<p>${journal.final?.clear ? 'Afterwards every service answered /health with no fault active.' : `Afterwards: ${escape(journal.final?.detail.join(', ') ?? 'not checked')}`}</p>
${journal.load ? `<p class="muted">Load ${escape(journal.load.scenario)}: ${journal.load.requests} requests, ${(journal.load.error_rate * 100).toFixed(1)} % failed, p95 ${journal.load.p95_ms ?? '–'} ms.</p>` : ''}
</body></html>
`;
}
