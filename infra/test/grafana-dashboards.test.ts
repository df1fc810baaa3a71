import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '@archaics/server';
import { K8S_OBSERVABILITY, promtool, readYaml, ROOT } from './infra-files.ts';

const DASHBOARDS = join(K8S_OBSERVABILITY, 'grafana/dashboards');
const PROMQL_FUNCTIONS_AND_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression selects (functions, keywords, labels, strings and durations left out). */
function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping label lists
  const names = new Set<string>();
  for (const match of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (call || PROMQL_FUNCTIONS_AND_KEYWORDS.has(name!.toLowerCase())) continue;
    const before = stripped[match.index - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue; // 1e3, 0.95
    names.add(name!);
  }
  return [...names].sort();
}

/** Every series name a metric of this type puts on /metrics. */
const seriesNames = (name: string, type: string): string[] =>
  type === 'histogram'
    ? [`${name}_bucket`, `${name}_sum`, `${name}_count`]
    : type === 'summary'
      ? [name, `${name}_sum`, `${name}_count`]
      : [name];

/** `.ts` files under a folder, tests left out. */
function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return entry.endsWith('.ts') && !entry.endsWith('.test.ts') ? [path] : [];
  });
}

/** Metrics a service defines itself with prom-client (`new Gauge({ name: '...' })`), read from its source. */
function metricsDefinedIn(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /new (Counter|Gauge|Histogram|Summary)(?:<[^>]*>)?\(\s*\{\s*name:\s*['"]([a-zA-Z_:][a-zA-Z0-9_:]*)['"]/g,
    )) {
      found.set(m[2]!, m[1]!.toLowerCase());
    }
  }
  return found;
}

/** Every series name the archaics services export: SPEC §6 and prom-client's defaults (from the real registry), the detector's and the operator's own, and Prometheus's `up`. */
async function exportedSeries(): Promise<{ all: Set<string>; aiops: Map<string, string> }> {
  const registry = createMetrics('any-service').registry;
  const all = new Set<string>(['up']);
  for (const metric of await registry.getMetricsAsJSON()) for (const s of seriesNames(metric.name, String(metric.type))) all.add(s);
  const aiops = new Map([
    ...metricsDefinedIn(join(ROOT, 'services/anomaly-detector/src')),
    ...metricsDefinedIn(join(ROOT, 'services/ai-operator/src')),
  ]);
  for (const [name, type] of aiops) for (const s of seriesNames(name, type)) all.add(s);
  return { all, aiops };
}

interface Panel {
  id: number;
  title: string;
  type: string;
  datasource?: { uid: string };
  targets?: Array<{ expr: string; legendFormat?: string; datasource?: { uid: string } }>;
  fieldConfig?: { defaults?: { unit?: string } };
  panels?: Panel[];
}

/** A dashboard annotation query (Prometheus): marks the time ranges where `expr` has series. */
interface Annotation {
  name: string;
  enable: boolean;
  expr?: string;
  titleFormat?: string;
  textFormat?: string;
  tagKeys?: string;
  datasource?: { uid: string };
}

interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  annotations: { list: Annotation[] };
}

const dashboardFiles = (): string[] => readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'));
const load = (file: string): Dashboard => JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8'));
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
/** Every PromQL expression of a dashboard: panel queries and annotation queries. */
const allExprs = (dashboard: Dashboard): string[] => [
  ...allPanels(dashboard.panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...dashboard.annotations.list.flatMap((a) => (a.expr === undefined ? [] : [a.expr])),
];
/** The label lists of every `by (...)` in an expression. */
const groupings = (expr: string): string[][] =>
  [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].map((m) => m[1]!.split(',').map((label) => label.trim()));

/**
 * Evaluates `expr` with promtool over the given series (`name{labels} value`, each value held
 * for a minute) and passes if it returns exactly `expected` (label sets in PromQL form → value).
 */
function promqlReturns(expr: string, series: string[], expected: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'archaics-promql-'));
  try {
    const test = {
      rule_files: [],
      evaluation_interval: '15s',
      tests: [
        {
          interval: '15s',
          input_series: series.map((s) => ({ series: s.replace(/ \S+$/, ''), values: `${s.split(' ').pop()}x4` })),
          promql_expr_test: [
            { expr, eval_time: '30s', exp_samples: Object.entries(expected).map(([labels, value]) => ({ labels, value })) },
          ],
        },
      ],
    };
    const file = join(dir, 'dashboard-query.test.yml');
    writeFileSync(file, JSON.stringify(test)); // JSON is YAML
    return promtool('test', 'rules', file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let exported: Awaited<ReturnType<typeof exportedSeries>>;
beforeAll(async () => {
  exported = await exportedSeries();
});

describe(promqlMetricNames.name, () => {
  it('finds the selected metrics and nothing else', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket{route!~"/health|/x",status=~"5.."}[1m]))) > 1e3',
      ),
    ).toEqual(['http_request_duration_seconds_bucket']);
    expect(promqlMetricNames('sum by (service) (rate(a_total[5m])) / on (service) group_left sum(b) or vector(0)')).toEqual([
      'a_total',
      'b',
    ]);
    expect(promqlMetricNames('up{job=~"auth-service"} == 0')).toEqual(['up']);
  });
});

describe('exported metric names', () => {
  it('come from the real registry (SPEC §6 and process defaults) and from the detector and operator sources', () => {
    for (const name of [
      'http_requests_total',
      'http_request_duration_seconds_bucket',
      'upstream_requests_total',
      'chaos_failure_active',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(exported.all.has(name), name).toBe(true);
    }
    // The detector's and operator's own metrics are read from their source, so a rename there shows here.
    expect([...exported.aiops.keys()]).toEqual(
      expect.arrayContaining(['anomaly_score', 'operator_incidents_total', 'operator_actions_total']),
    );
    expect(exported.all.has('no_such_metric_total')).toBe(false);
  });
});

describe('Grafana dashboards', () => {
  it('provisions every dashboard file through the kustomization, and the data sources they use exist', () => {
    const kustomization = readYaml(join(K8S_OBSERVABILITY, 'kustomization.yaml'));
    const generator = kustomization.configMapGenerator.find((g: { name: string }) => g.name === 'grafana-dashboards');
    expect(generator.files.map((f: string) => f.replace('grafana/dashboards/', '')).sort()).toEqual(dashboardFiles().sort());
    const datasources = readYaml(join(K8S_OBSERVABILITY, 'grafana/datasources.yml')).datasources as Array<{
      uid: string;
      type: string;
      url: string;
    }>;
    expect(datasources.map((d) => d.type).sort()).toEqual(['jaeger', 'loki', 'prometheus']);
    const uids = new Set(datasources.map((d) => d.uid));
    for (const file of dashboardFiles()) {
      for (const panel of allPanels(load(file).panels)) {
        for (const ds of [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)])
          if (ds) expect(uids.has(ds.uid), `${file} ${panel.title}`).toBe(true);
      }
    }
  });

  it.each(dashboardFiles())('%s parses, has unique panel ids and uid, and every query names only exported metrics', (file) => {
    const dashboard = load(file);
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    const panels = allPanels(dashboard.panels);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const unknown: string[] = [];
    let queries = 0;
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        queries++;
        const names = promqlMetricNames(target.expr);
        expect(names.length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
        for (const name of names) if (!exported.all.has(name)) unknown.push(`${panel.title}: ${name}`);
      }
    }
    for (const annotation of dashboard.annotations.list) {
      if (annotation.expr === undefined) continue;
      for (const name of promqlMetricNames(annotation.expr))
        if (!exported.all.has(name)) unknown.push(`annotation ${annotation.name}: ${name}`);
    }
    expect(queries).toBeGreaterThan(3);
    expect(unknown).toEqual([]);
  });

  it('covers what the issue asks: per-service rate, errors and duration, dependency calls, active faults, detector scores, operator incidents', () => {
    const exprs = dashboardFiles().flatMap((f) => allPanels(load(f).panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr)));
    const uses = (metric: string) => exprs.some((e) => promqlMetricNames(e).includes(metric));
    for (const metric of [
      'http_requests_total',
      'http_request_duration_seconds_bucket',
      'upstream_requests_total',
      'upstream_request_duration_seconds_bucket',
      'chaos_failure_active',
      'anomaly_score',
      'operator_incidents_total',
      'operator_actions_total',
    ]) {
      expect(uses(metric), metric).toBe(true);
    }
    expect(exprs.some((e) => e.includes('status=~"5.."'))).toBe(true);
  });

  it('shows every active fault with its scope (SPEC 2.1): one row per service, type and scope', () => {
    const services = load('archaics-services.json');
    const active = allPanels(services.panels).filter((p) =>
      (p.targets ?? []).some((t) => promqlMetricNames(t.expr).includes('chaos_failure_active')),
    );
    expect(active.map((p) => p.title)).toEqual(['Active faults']);
    const target = active[0]!.targets![0]!;
    expect(target.legendFormat).toContain('{{scope}}');

    // No query anywhere folds the scopes of chaos_failure_active together.
    const faultExprs = dashboardFiles()
      .flatMap((f) => allExprs(load(f)))
      .filter((e) => promqlMetricNames(e).includes('chaos_failure_active'));
    expect(faultExprs.length).toBeGreaterThan(1);
    for (const expr of faultExprs) {
      expect(groupings(expr).length, expr).toBeGreaterThan(0);
      for (const labels of groupings(expr)) expect(labels, expr).toEqual(expect.arrayContaining(['service', 'type', 'scope']));
    }

    // The same type under two scopes stays two rows; an inactive fault is not shown.
    const out = promqlReturns(
      target.expr,
      [
        'chaos_failure_active{service="product-service",type="latency",scope="service",job="product-service",instance="a:8003"} 1',
        'chaos_failure_active{service="product-service",type="latency",scope="edge:db-service",job="product-service",instance="a:8003"} 1',
        'chaos_failure_active{service="product-service",type="partition",scope="edge:auth-service",job="product-service",instance="a:8003"} 1',
        'chaos_failure_active{service="db-service",type="error",scope="route:/cart/add",job="db-service",instance="b:8002"} 1',
        'chaos_failure_active{service="db-service",type="error",scope="service",job="db-service",instance="b:8002"} 0',
      ],
      {
        '{service="product-service",type="latency",scope="service"}': 1,
        '{service="product-service",type="latency",scope="edge:db-service"}': 1,
        '{service="product-service",type="partition",scope="edge:auth-service"}': 1,
        '{service="db-service",type="error",scope="route:/cart/add"}': 1,
      },
    );
    expect(out).toContain('SUCCESS');
  });

  it('marks active faults, with their scope, on the time axis of every dashboard', () => {
    for (const file of dashboardFiles()) {
      const faults = load(file).annotations.list.filter(
        (a) => a.expr !== undefined && promqlMetricNames(a.expr).includes('chaos_failure_active'),
      );
      expect(faults, file).toHaveLength(1);
      expect(faults[0]).toMatchObject({ enable: true, datasource: { uid: 'prometheus' } });
      expect(`${faults[0]!.titleFormat} ${faults[0]!.textFormat}`).toMatch(/\{\{service\}\}[\s\S]*\{\{type\}\}[\s\S]*\{\{scope\}\}/);
      expect(faults[0]!.tagKeys?.split(',')).toEqual(expect.arrayContaining(['service', 'type', 'scope']));
    }
  });

  it('has a memory panel per service, where a leak fault shows', () => {
    const memory = allPanels(load('archaics-services.json').panels).filter((p) =>
      (p.targets ?? []).some((t) => promqlMetricNames(t.expr).includes('process_resident_memory_bytes')),
    );
    expect(memory).toHaveLength(1);
    expect(memory[0]).toMatchObject({ type: 'timeseries', fieldConfig: { defaults: { unit: 'bytes' } } });
    const target = memory[0]!.targets![0]!;
    // Process metrics carry no service label: the scrape job is named after the service.
    expect(groupings(target.expr)).toEqual([['job']]);
    expect(target.legendFormat).toBe('{{job}}');
    const out = promqlReturns(
      target.expr,
      [
        'process_resident_memory_bytes{job="db-service",instance="b:8002"} 629145600',
        'process_resident_memory_bytes{job="product-service",instance="a:8003"} 83886080',
        'process_resident_memory_bytes{job="prometheus",instance="localhost:9090"} 629145600',
      ],
      { '{job="db-service"}': 629145600, '{job="product-service"}': 83886080 },
    );
    expect(out).toContain('SUCCESS');
  });
});
