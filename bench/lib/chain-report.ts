// The chain bench's report: rows, summary against the issue's targets, and the readings of
// where the time goes, rendered as markdown.
import { cpus } from 'node:os';
import { HOPS, type Hop } from './chains.ts';
import type { LoadResult } from './load-runner.ts';
import { fixed, formatBytes, markdownTable, median, type Align, type Cell } from './markdown-table.ts';
import type { SerializerRow, SerializerSettings } from './span-serializers.ts';
import type { StoreCheck } from './telemetry-store.ts';

export const TARGET_RPS_RATIO = 0.4;
export const TARGET_P99_MS = 25;
/** Issue "Local telemetry": req/s with export to the local store ≥ this share of req/s with export off. */
export const TARGET_STORE_RATIO = 0.85;
/** Spans per chain request: product server + 2 client spans + auth server + db server. */
export const SPANS_PER_REQUEST = 5;

/** `export`: the measured pair, same instrumented chain with export off / export to the telemetry process. */
export type RowGroup = 'chain' | 'hop' | 'variant' | 'export';
export type ExportPair = 'off' | 'store';

/** One measured run. */
export interface Row {
  chain: string;
  group: RowGroup;
  kind: 'bare' | 'instrumented';
  round: number | null;
  target: string;
  load: LoadResult;
  /** Which side of the export pair (group `export` only). */
  pair?: ExportPair;
  /**
   * CPU microseconds per completed request, per process and for the load generator. In the
   * export pair, `telemetry` is the telemetry process (the local store) and is part of `services`.
   */
  cpuUsPerRequest: Record<Hop, number> & { services: number; loadGenerator: number; telemetry?: number };
  /** CPU microseconds per request of the OTLP sink (the bench's own helper). */
  sinkCpuUsPerRequest: number;
  /** Cores kept busy by processes that are not part of the bench during the run (noise). */
  otherCores: number;
  logBytes: number;
  otlp: { requests: number; bytes: number; spans: number; expectedSpans: number } | null;
  /** Export to the telemetry process (pair `store`): accepted and refused export requests, spans written to SQLite. */
  store?: { requests: number; refused: number; spans: number; expectedSpans: number };
}

/** Self time per bucket (ms) of each instrumented process during a profiled run. */
export interface ProfileResult {
  rps: number;
  windowMs: number;
  byHop: Record<Hop, Record<string, number>>;
  /** The functions with the most self time, per process (ms). */
  topFunctions: Record<Hop, Array<[string, number]>>;
}

const RESULT_HEADER = ['chain', 'run', 'target', 'req/s', 'vs bare', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors / non-2xx'];
const RESULT_ALIGN: Align[] = ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'];

function runLabel(row: Row): string {
  return row.round === null ? '1' : String(row.round);
}

function resultRow(row: Row, bareRps: number): Cell[] {
  const l = row.load;
  return [
    row.chain,
    runLabel(row),
    row.target,
    fixed(l.rps),
    row.group !== 'hop' && Number.isFinite(bareRps) && bareRps > 0 ? `${fixed((100 * l.rps) / bareRps)}%` : '',
    fixed(l.latencyMs.p50, 1),
    fixed(l.latencyMs.p90, 1),
    fixed(l.latencyMs.p99, 1),
    fixed(l.latencyMs.max, 1),
    `${l.errors} / ${l.non2xx}`,
  ];
}

function costRow(row: Row): Cell[] {
  const c = row.cpuUsPerRequest;
  const exported = row.store
    ? [String(row.store.requests), '(store)', `${row.store.spans} / ${row.store.expectedSpans}`]
    : row.otlp
      ? [String(row.otlp.requests), formatBytes(row.otlp.bytes), `${row.otlp.spans} / ${row.otlp.expectedSpans}`]
      : ['', '', ''];
  return [
    row.chain,
    runLabel(row),
    row.target,
    fixed(c.product),
    fixed(c.auth),
    fixed(c.db),
    c.telemetry === undefined ? '' : fixed(c.telemetry),
    fixed(c.services),
    fixed(c.loadGenerator),
    fixed(row.load.requests > 0 ? row.logBytes / row.load.requests : Number.NaN),
    ...exported,
    fixed(row.otherCores, 2),
  ];
}

/** Best and median req/s and median p99 of a set of runs. */
export interface RunStats {
  runs: number;
  bestRps: number;
  medianRps: number;
  medianP99: number;
}

function runStats(rows: Row[]): RunStats {
  return {
    runs: rows.length,
    bestRps: Math.max(...rows.map((r) => r.load.rps)),
    medianRps: median(rows.map((r) => r.load.rps)),
    medianP99: median(rows.map((r) => r.load.latencyMs.p99)),
  };
}

/** The export pair: the same instrumented chain with export off and with export to the telemetry process. */
export interface ExportPairSummary {
  off: RunStats;
  store: RunStats;
  /** Export-to-store req/s ÷ export-off req/s, medians (the issue's measure) and bests. */
  ratioMedian: number;
  ratioBest: number;
  /** Medians of CPU µs per request. `storeServices` includes the telemetry process. */
  cpu: {
    offChain: number;
    storeChain: number;
    storeTelemetry: number;
    offServices: number;
    storeServices: number;
    storeLoadGenerator: number;
    offLoadGenerator: number;
  };
  /** Spans written to the store in the measured windows, and expected (5 per request). */
  spans: { written: number; expected: number };
  exportRequests: number;
  refusedRequests: number;
  medianOtherCores: number;
}

export interface Summary {
  bare: { runs: number; bestRps: number; medianRps: number; medianP99: number };
  instrumented: { runs: number; bestRps: number; medianRps: number; medianP99: number; bestP99: number } | null;
  ratioMedian: number;
  ratioBest: number;
  targets: {
    rpsRatio: { target: number; value: number; met: boolean };
    p99: { targetMs: number; valueMs: number; met: boolean };
    /** Issue "Local telemetry"; absent when the export pair was not measured. */
    exportToStore?: { target: number; value: number; met: boolean };
  } | null;
  exportPair: ExportPairSummary | null;
}

function summariseExportPair(rows: Row[]): ExportPairSummary | null {
  const off = rows.filter((r) => r.group === 'export' && r.pair === 'off');
  const store = rows.filter((r) => r.group === 'export' && r.pair === 'store');
  if (off.length === 0 || store.length === 0) return null;
  const offStats = runStats(off);
  const storeStats = runStats(store);
  const med = (rs: Row[], pick: (r: Row) => number): number => median(rs.map(pick));
  const chainCpu = (r: Row): number => r.cpuUsPerRequest.product + r.cpuUsPerRequest.auth + r.cpuUsPerRequest.db;
  return {
    off: offStats,
    store: storeStats,
    ratioMedian: storeStats.medianRps / offStats.medianRps,
    ratioBest: storeStats.bestRps / offStats.bestRps,
    cpu: {
      offChain: med(off, chainCpu),
      storeChain: med(store, chainCpu),
      storeTelemetry: med(store, (r) => r.cpuUsPerRequest.telemetry ?? Number.NaN),
      offServices: med(off, (r) => r.cpuUsPerRequest.services),
      storeServices: med(store, (r) => r.cpuUsPerRequest.services),
      offLoadGenerator: med(off, (r) => r.cpuUsPerRequest.loadGenerator),
      storeLoadGenerator: med(store, (r) => r.cpuUsPerRequest.loadGenerator),
    },
    spans: {
      written: store.reduce((sum, r) => sum + (r.store?.spans ?? 0), 0),
      expected: store.reduce((sum, r) => sum + (r.store?.expectedSpans ?? 0), 0),
    },
    exportRequests: store.reduce((sum, r) => sum + (r.store?.requests ?? 0), 0),
    refusedRequests: store.reduce((sum, r) => sum + (r.store?.refused ?? 0), 0),
    medianOtherCores: med([...off, ...store], (r) => r.otherCores),
  };
}

/** Best and median per chain, the ratio, and the targets met or not. */
export function summarise(rows: Row[]): Summary {
  const bare = rows.filter((r) => r.group === 'chain' && r.kind === 'bare');
  const inst = rows.filter((r) => r.group === 'chain' && r.kind === 'instrumented');
  const rps = (rs: Row[]): number[] => rs.map((r) => r.load.rps);
  const p99 = (rs: Row[]): number[] => rs.map((r) => r.load.latencyMs.p99);
  const bareSummary = {
    runs: bare.length,
    bestRps: Math.max(...rps(bare)),
    medianRps: median(rps(bare)),
    medianP99: median(p99(bare)),
  };
  const exportPair = summariseExportPair(rows);
  if (inst.length === 0) {
    return { bare: bareSummary, instrumented: null, ratioMedian: Number.NaN, ratioBest: Number.NaN, targets: null, exportPair };
  }
  const instSummary = {
    runs: inst.length,
    bestRps: Math.max(...rps(inst)),
    medianRps: median(rps(inst)),
    medianP99: median(p99(inst)),
    bestP99: Math.min(...p99(inst)),
  };
  const ratioMedian = instSummary.medianRps / bareSummary.medianRps;
  return {
    bare: bareSummary,
    instrumented: instSummary,
    ratioMedian,
    ratioBest: instSummary.bestRps / bareSummary.bestRps,
    targets: {
      rpsRatio: { target: TARGET_RPS_RATIO, value: ratioMedian, met: ratioMedian >= TARGET_RPS_RATIO },
      p99: { targetMs: TARGET_P99_MS, valueMs: instSummary.medianP99, met: instSummary.medianP99 <= TARGET_P99_MS },
      ...(exportPair
        ? {
            exportToStore: { target: TARGET_STORE_RATIO, value: exportPair.ratioMedian, met: exportPair.ratioMedian >= TARGET_STORE_RATIO },
          }
        : {}),
    },
    exportPair,
  };
}

function pct(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a';
  const change = (100 * (a - b)) / b;
  return `${change >= 0 ? '+' : ''}${fixed(change)}%`;
}

/** Sentences computed from the rows: what each piece of instrumentation costs. */
function readings(rows: Row[], summary: Summary): string[] {
  const lines: string[] = [];
  const chainRows = (kind: 'bare' | 'instrumented'): Row[] => rows.filter((r) => r.group === 'chain' && r.kind === kind);
  const medianOf = (rs: Row[], pick: (r: Row) => number): number => median(rs.map(pick));
  const bare = chainRows('bare');
  const inst = chainRows('instrumented');
  if (inst.length > 0) {
    const bareCpu = medianOf(bare, (r) => r.cpuUsPerRequest.services);
    const instCpu = medianOf(inst, (r) => r.cpuUsPerRequest.services);
    lines.push(
      `Service CPU per request: bare ${fixed(bareCpu)} µs, instrumented ${fixed(instCpu)} µs (×${fixed(instCpu / bareCpu, 1)}); ` +
        `split product/auth/db = ${fixed(medianOf(inst, (r) => r.cpuUsPerRequest.product))}/` +
        `${fixed(medianOf(inst, (r) => r.cpuUsPerRequest.auth))}/${fixed(medianOf(inst, (r) => r.cpuUsPerRequest.db))} µs instrumented vs ` +
        `${fixed(medianOf(bare, (r) => r.cpuUsPerRequest.product))}/${fixed(medianOf(bare, (r) => r.cpuUsPerRequest.auth))}/` +
        `${fixed(medianOf(bare, (r) => r.cpuUsPerRequest.db))} µs bare.`,
    );
    const cores = cpus().length;
    const busy = (rs: Row[]): { ours: number; other: number } => ({
      ours: medianOf(
        rs,
        (r) => ((r.cpuUsPerRequest.services + r.cpuUsPerRequest.loadGenerator + r.sinkCpuUsPerRequest) * r.load.rps) / 1e6,
      ),
      other: medianOf(rs, (r) => r.otherCores),
    });
    const busyBare = busy(bare);
    const busyInst = busy(inst);
    const saturated = (b: { ours: number; other: number }): string => (b.ours + b.other >= 0.85 * cores ? 'saturated' : 'not saturated');
    lines.push(
      `Load generator (autocannon, same machine): ${fixed(medianOf(bare, (r) => r.cpuUsPerRequest.loadGenerator))} µs/request on the bare chain, ` +
        `${fixed(medianOf(inst, (r) => r.cpuUsPerRequest.loadGenerator))} µs on the instrumented one. ` +
        `The bench's processes kept ${fixed(busyInst.ours, 2)} cores busy during the instrumented runs and ${fixed(busyBare.ours, 2)} during the bare ones, ` +
        `other processes ${fixed(busyInst.other, 2)} and ${fixed(busyBare.other, 2)}: the ${cores} cores were ${saturated(busyInst)} (instrumented) / ` +
        `${saturated(busyBare)} (bare); when saturated, req/s ≈ the cores left over ÷ the CPU per request, so the req/s ratio follows the CPU-per-request ratio ` +
        `(${fixed(
          (100 * medianOf(bare, (r) => r.cpuUsPerRequest.services + r.cpuUsPerRequest.loadGenerator)) /
            medianOf(inst, (r) => r.cpuUsPerRequest.services + r.cpuUsPerRequest.loadGenerator + r.sinkCpuUsPerRequest),
        )}% here, load generator and OTLP sink included).`,
    );
    const logPerReq = medianOf(inst, (r) => r.logBytes / Math.max(1, r.load.requests));
    const totalLog = inst.reduce((sum, r) => sum + r.logBytes, 0);
    lines.push(
      `Logs (INFO): ${fixed(logPerReq)} bytes per chain request on stdout (files), ${formatBytes(totalLog)} in the instrumented chain runs.`,
    );
    const exported = inst.reduce((sum, r) => sum + (r.otlp?.spans ?? 0), 0);
    const expected = inst.reduce((sum, r) => sum + (r.otlp?.expectedSpans ?? 0), 0);
    const exportRequests = inst.reduce((sum, r) => sum + (r.otlp?.requests ?? 0), 0);
    const exportBytes = inst.reduce((sum, r) => sum + (r.otlp?.bytes ?? 0), 0);
    lines.push(
      `Trace export: ${exportRequests} OTLP/HTTP requests (${formatBytes(exportBytes)}) reached the sink in the instrumented chain runs, ` +
        `carrying ${exported} spans for ${expected} expected (${SPANS_PER_REQUEST} per request)` +
        (expected > 0 && exported < expected * 0.95
          ? ` — ${fixed(100 - (100 * exported) / expected)}% were not exported (the exporter's bounded queue drops spans when export falls behind).`
          : '.') +
        ` The sink itself used ${fixed(medianOf(inst, (r) => r.sinkCpuUsPerRequest))} µs CPU per request.`,
    );
  }
  const others = rows.map((r) => r.otherCores).filter(Number.isFinite);
  if (others.length > 0) {
    lines.push(
      `Background: processes outside the bench kept ${fixed(median(others), 2)} cores busy (median over runs, max ${fixed(Math.max(...others), 2)}) ` +
        `of ${cpus().length}; runs with a high value were slowed by the machine, not by the chain.`,
    );
  }
  const hop = (kind: 'bare' | 'instrumented', target: string): Row | undefined =>
    rows.find((r) => r.group === 'hop' && r.kind === kind && r.target.startsWith(target));
  for (const target of ['db ', 'auth ']) {
    const b = hop('bare', target);
    const i = hop('instrumented', target);
    if (b && i) {
      lines.push(
        `${target.trim()} alone: bare ${fixed(b.load.rps)} req/s at ${fixed(b.cpuUsPerRequest[target.trim() as Hop])} µs CPU/request, instrumented ` +
          `${fixed(i.load.rps)} req/s at ${fixed(i.cpuUsPerRequest[target.trim() as Hop])} µs (${pct(i.load.rps, b.load.rps)} req/s).`,
      );
    }
  }
  const variants = rows.filter((r) => r.group === 'variant');
  if (variants.length > 0 && summary.instrumented) {
    const base = summary.instrumented.medianRps;
    const baseCpu = medianOf(inst, (r) => r.cpuUsPerRequest.services);
    for (const v of variants) {
      lines.push(
        `${v.chain}: ${fixed(v.load.rps)} req/s (${pct(v.load.rps, base)} vs full instrumentation), ` +
          `${fixed(v.cpuUsPerRequest.services)} µs service CPU/request (${pct(v.cpuUsPerRequest.services, baseCpu)}), p99 ${fixed(v.load.latencyMs.p99, 1)} ms.`,
      );
    }
  }
  return lines;
}

const PROFILE_TOP = 14;

function renderProfile(profile: ProfileResult): string[] {
  const busy = (hop: Hop): number =>
    Object.entries(profile.byHop[hop]).reduce((sum, [bucket, ms]) => (bucket === '(idle)' ? sum : sum + ms), 0);
  const busyMs = { product: busy('product'), auth: busy('auth'), db: busy('db') };
  const buckets = new Map<string, number>();
  for (const hop of HOPS) {
    for (const [bucket, ms] of Object.entries(profile.byHop[hop])) {
      if (bucket !== '(idle)') buckets.set(bucket, (buckets.get(bucket) ?? 0) + ms);
    }
  }
  const ranked = [...buckets.entries()].sort((a, b) => b[1] - a[1]);
  const share = (hop: Hop, bucket: string): string => {
    const ms = profile.byHop[hop][bucket] ?? 0;
    return ms > 0 ? `${fixed((100 * ms) / busyMs[hop], 1)}%` : '';
  };
  const rows: Cell[][] = ranked
    .slice(0, PROFILE_TOP)
    .map(([bucket, ms]) => [
      bucket,
      share('product', bucket),
      share('auth', bucket),
      share('db', bucket),
      `${fixed((100 * ms) / (busyMs.product + busyMs.auth + busyMs.db), 1)}%`,
    ]);
  const rest = ranked.slice(PROFILE_TOP).reduce((sum, [, ms]) => sum + ms, 0);
  if (rest > 0) rows.push(['(everything else)', '', '', '', `${fixed((100 * rest) / (busyMs.product + busyMs.auth + busyMs.db), 1)}%`]);
  const idle = (hop: Hop): string => fixed((100 * (profile.byHop[hop]['(idle)'] ?? 0)) / profile.windowMs);
  return [
    '## CPU profile of the instrumented chain (self time by package)',
    '',
    `One more instrumented chain (same settings) under \`node --cpu-prof\`, samples of the ${fixed(profile.windowMs / 1000, 1)} s measured run only ` +
      `(${fixed(profile.rps)} req/s under the profiler). Shares of each process's busy (non-idle) main-thread time; ` +
      `idle share of the window: product ${idle('product')}%, auth ${idle('auth')}%, db ${idle('db')}%.`,
    '',
    markdownTable(['where (self time)', 'product', 'auth', 'db', 'all three'], rows, ['left', 'right', 'right', 'right', 'right']),
    '',
    '"node:X" is Node\'s own JavaScript (streams, http, net, crypto, async_hooks...); "(native...)" is code without a script ' +
      '(socket and file writes — the syscall time lands there —, JSON, microtasks...); "(program)" is V8/libuv work outside JavaScript; ' +
      "a package name is time spent in that dependency's own functions (not in what it calls).",
    '',
    "Top functions by self time (share of the process's busy time):",
    '',
    ...HOPS.map(
      (hop) => `- ${hop}: ` + profile.topFunctions[hop].map(([fn, ms]) => `\`${fn}\` ${fixed((100 * ms) / busyMs[hop], 1)}%`).join(', '),
    ),
    '',
  ];
}

const EXPORT_HEADER = [
  'chain',
  'run',
  'req/s',
  'vs export off',
  'p50 ms',
  'p99 ms',
  'CPU µs/req chain',
  'telemetry',
  'services',
  'load gen',
  'export reqs',
  'spans stored / expected',
  'other load (cores)',
];
const EXPORT_ALIGN: Align[] = ['left', 'left', ...Array<Align>(11).fill('right')];

function exportRow(row: Row, offMedianRps: number): Cell[] {
  const c = row.cpuUsPerRequest;
  return [
    row.chain,
    runLabel(row),
    fixed(row.load.rps),
    `${fixed((100 * row.load.rps) / offMedianRps)}%`,
    fixed(row.load.latencyMs.p50, 1),
    fixed(row.load.latencyMs.p99, 1),
    fixed(c.product + c.auth + c.db),
    fixed(c.telemetry ?? Number.NaN),
    fixed(c.services),
    fixed(c.loadGenerator),
    row.store ? `${row.store.requests}${row.store.refused > 0 ? ` (+${row.store.refused} refused)` : ''}` : '0',
    row.store ? `${row.store.spans} / ${row.store.expectedSpans}` : '',
    fixed(row.otherCores, 2),
  ];
}

/** The export pair's section: per-run table, what it says, and the check through the query API. */
function renderExportPair(rows: Row[], pair: ExportPairSummary, check: StoreCheck | null): string[] {
  const pairRows = rows.filter((r) => r.group === 'export');
  const c = pair.cpu;
  const met = pair.ratioMedian >= TARGET_STORE_RATIO;
  const lines: string[] = [
    `Export to the local store: ${fixed(pair.store.medianRps)} req/s against ${fixed(pair.off.medianRps)} req/s with export off (medians of ${pair.store.runs} and ${pair.off.runs} runs) = ` +
      `**${fixed(100 * pair.ratioMedian)}%** (bests: ${fixed(100 * pair.ratioBest)}%); target ≥ ${fixed(100 * TARGET_STORE_RATIO)}%: ${met ? 'met' : 'NOT met'}. ` +
      `p99 ${fixed(pair.store.medianP99, 1)} ms against ${fixed(pair.off.medianP99, 1)} ms.`,
    `CPU per request (medians): the three services ${fixed(c.storeChain)} µs with export against ${fixed(c.offChain)} µs without ` +
      `(${pct(c.storeChain, c.offChain)}: the OTLP exporter — encoding 5 spans per request and the HTTP posts — and the cores the telemetry process takes); ` +
      `the telemetry process ${fixed(c.storeTelemetry)} µs (receiving and decoding the OTLP requests, SQLite inserts and retention of those 5 spans); ` +
      `services with the store ${fixed(c.storeServices)} µs against ${fixed(c.offServices)} µs (${pct(c.storeServices, c.offServices)}). ` +
      `When the ${cpus().length} cores are the limit, req/s follows the inverse of the CPU per request; with the load generator (${fixed(c.storeLoadGenerator)} / ${fixed(c.offLoadGenerator)} µs) ` +
      `that predicts a ratio of ${fixed((100 * (c.offServices + c.offLoadGenerator)) / (c.storeServices + c.storeLoadGenerator))}%.`,
    `Spans: the store wrote ${pair.spans.written} spans in the measured windows of the export runs for ${pair.spans.expected} expected (5 per request)` +
      (pair.spans.expected > 0 && pair.spans.written < 0.95 * pair.spans.expected
        ? ` — ${fixed(100 - (100 * pair.spans.written) / pair.spans.expected)}% missing (dropped by the services' export queue when the store fell behind, or refused)`
        : '') +
      `, in ${pair.exportRequests} export requests` +
      (pair.refusedRequests > 0 ? ` (${pair.refusedRequests} refused)` : ', none refused') +
      '.',
    `Background: processes outside the bench kept ${fixed(pair.medianOtherCores, 2)} cores busy during the pair's runs (median).`,
  ];
  if (check) {
    const byService = Object.entries(check.spansStoredByService)
      .map(([service, n]) => `${service} ${n}`)
      .join(', ');
    lines.push(
      `Check through the query API after the runs: \`/api/services\` lists ${check.services.map((s) => `\`${s}\``).join(', ') || 'nothing'}` +
        (check.missingServices.length > 0 ? ` — ${check.missingServices.join(', ')} MISSING` : '') +
        '; ' +
        (check.trace
          ? `\`/api/traces?service=product-service&limit=1\` returns trace ${check.trace.traceId} with ${check.trace.spans} spans from ${check.trace.services.join(', ')}`
          : '`/api/traces?service=product-service&limit=1` returns NO trace') +
        `. ${check.ok ? 'The spans arrived.' : `Check failed: ${check.problems.join('; ')}.`}`,
      `Store at the end: ${check.spansStored} spans (${byService}) in ${check.tracesStored} traces, ${formatBytes(check.fileBytes)} of SQLite file and WAL; ` +
        `${check.spansWritten} spans written over the whole pair (warm-ups included) in ${check.exportRequests} export requests. ` +
        `The store keeps at most ${check.maxSpans} spans (its default TELEMETRY_MAX_SPANS)` +
        (check.spansWritten > check.maxSpans
          ? `: it filled up during the pair, after which every batch also trimmed the oldest spans — the steady state of a store in use.`
          : '.'),
    );
  } else {
    lines.push('The store was not checked through the query API (see the notes).');
  }
  return [
    '## Export to the local store (issue "Local telemetry")',
    '',
    'The same instrumented chain (INFO logs, metrics, tracing at 100%) twice, both started for the pair and measured alternately ' +
      '(export off, export to store, ...): once without `OTEL_EXPORTER_OTLP_ENDPOINT` (spans recorded, not exported), once exporting to the real ' +
      'telemetry process (`services/telemetry`, own temporary ARCHAICS_HOME and SQLite file, free ports, LOG_LEVEL=info, default retention). ' +
      'The telemetry process\'s CPU is counted in "services" (exporting locally costs that too) and shown apart in "telemetry"; ' +
      '"chain" is product + auth + db. Spans stored are the spans its /metrics counts as written (`telemetry_spans_written_total`) over the measured window (+1.5 s to flush).',
    '',
    markdownTable(
      EXPORT_HEADER,
      pairRows.map((r) => exportRow(r, pair.off.medianRps)),
      EXPORT_ALIGN,
    ),
    '',
    ...lines.map((line) => `- ${line}`),
    '',
  ];
}

/** How close otlp-transformer's serialisers must come to the project's encoder to replace it (issue "One way to do each thing"). */
export const SERIALIZER_ADOPT_RATIO = 0.9;

function renderSerializers(rows: readonly SerializerRow[], settings: SerializerSettings): string[] {
  const protobuf = rows.find((r) => r.format === 'protobuf' && !r.serializer.startsWith('@archaics'));
  const verdict =
    protobuf === undefined
      ? []
      : [
          `otlp-transformer's protobuf serialiser runs at ${fixed(100 * protobuf.vsEncoder)}% of the encoder's throughput ` +
            `(to be adopted at ≥ ${fixed(100 * SERIALIZER_ADOPT_RATIO)}%): ` +
            (protobuf.vsEncoder >= SERIALIZER_ADOPT_RATIO ? 'within the bound.' : 'not within the bound, the encoder stays.'),
        ];
  return [
    '## Span serialisers',
    '',
    `The same ${settings.batch} chain-shaped spans (product, auth and db server spans and the two client spans of each request) ` +
      `encoded as whole ExportTraceServiceRequests, in this process before the chains start: each serialiser for ${settings.roundMs} ms ` +
      `in turn, ${settings.rounds} rounds, the median round shown. "vs encoder" is throughput over the project's encoder of the same format.`,
    '',
    markdownTable(
      ['serialiser', 'format', 'µs/span', 'spans/s', 'bytes/span', 'vs encoder'],
      rows.map((r) => [
        r.serializer,
        r.format,
        fixed(r.usPerSpan, 2),
        fixed(r.spansPerS),
        fixed(r.bytesPerSpan),
        `${fixed(100 * r.vsEncoder)}%`,
      ]),
      ['left', 'left', 'right', 'right', 'right', 'right'],
    ),
    '',
    ...verdict.map((line) => `- ${line}`),
    ...(verdict.length > 0 ? [''] : []),
  ];
}

/** Everything the report shows besides the rows. */
export interface ReportContext {
  machine: Record<string, string | number>;
  settings: { connections: number; warmupS: number; durationS: number; rounds: number };
  notes: string[];
  profile: ProfileResult | null;
  /** The query-API check of the telemetry process after the export pair, when it ran. */
  store: StoreCheck | null;
  /** The span serialisers against the project's encoder, when they were measured. */
  serializers: { rows: SerializerRow[]; settings: SerializerSettings } | null;
}

/** The markdown report: results, summary against the targets, where the time goes, CPU profile. */
export function renderMarkdown(rows: Row[], summary: Summary, context: ReportContext): string {
  const { machine: info, settings, notes, profile, store, serializers } = context;
  const bareMedian = summary.bare.medianRps;
  const out: string[] = [];
  out.push(`# Chain bench — ${String(info.date).slice(0, 10)}`, '');
  out.push(
    `Machine: ${info.cpu}, ${info.cores} cores, ${info.memory_gib} GiB, Node ${info.node}, ${info.platform}; run at ${info.date}.`,
    `Load: autocannon, ${settings.connections} connections, ${settings.warmupS} s warm-up then ${settings.durationS} s measured per run, ` +
      `${settings.rounds} round(s) of bare then instrumented` +
      (summary.exportPair
        ? `, then ${summary.exportPair.off.runs} round(s) of the export pair (export off then export to the local store); ` +
          'everything (load generator, services, OTLP sink, telemetry process) on this machine, 127.0.0.1.'
        : '; everything (load generator, services, OTLP sink) on this machine, 127.0.0.1.'),
    "Instrumented: the real auth, db and product services (tracing at 100% with OTLP/HTTP export to the bench's sink, " +
      'LOG_LEVEL=info with stdout to files, metrics, idle chaos hook, DB_PATH=:memory:). ' +
      'Bare: bench/bare, three node:http processes (keep-alive agents, JSON parse and serialize, nothing else).',
    '',
    '## Results',
    '',
    markdownTable(
      RESULT_HEADER,
      rows.map((r) => resultRow(r, bareMedian)),
      RESULT_ALIGN,
    ),
    '',
    '"vs bare" is the run\'s req/s over the median of the bare chain runs. Latency from autocannon (ms resolution).',
    '',
    '## Summary',
    '',
  );
  const summaryRows: Cell[][] = [
    ['bare', summary.bare.runs, fixed(summary.bare.bestRps), fixed(summary.bare.medianRps), fixed(summary.bare.medianP99, 1)],
  ];
  if (summary.instrumented) {
    summaryRows.push([
      'instrumented',
      summary.instrumented.runs,
      fixed(summary.instrumented.bestRps),
      fixed(summary.instrumented.medianRps),
      fixed(summary.instrumented.medianP99, 1),
    ]);
  }
  const pair = summary.exportPair;
  if (pair) {
    summaryRows.push(
      ['instrumented, export off (pair)', pair.off.runs, fixed(pair.off.bestRps), fixed(pair.off.medianRps), fixed(pair.off.medianP99, 1)],
      [
        'instrumented, export to store (pair)',
        pair.store.runs,
        fixed(pair.store.bestRps),
        fixed(pair.store.medianRps),
        fixed(pair.store.medianP99, 1),
      ],
    );
  }
  out.push(
    markdownTable(['chain', 'runs', 'best req/s', 'median req/s', 'median p99 ms'], summaryRows, [
      'left',
      'right',
      'right',
      'right',
      'right',
    ]),
    '',
  );
  if (summary.targets) {
    const t = summary.targets;
    out.push(
      `Instrumented / bare req/s: ${fixed(100 * summary.ratioMedian)}% (medians), ${fixed(100 * summary.ratioBest)}% (bests).` +
        (pair
          ? ` Export to store / export off req/s: ${fixed(100 * pair.ratioMedian)}% (medians), ${fixed(100 * pair.ratioBest)}% (bests).`
          : ''),
      '',
      '| target (from the issue) | measured (median) | |',
      '|---|---:|---|',
      `| instrumented ≥ ${fixed(100 * t.rpsRatio.target)}% of bare req/s | ${fixed(100 * t.rpsRatio.value)}% | ${t.rpsRatio.met ? 'met' : 'NOT met'} |`,
      `| instrumented p99 ≤ ${t.p99.targetMs} ms | ${fixed(t.p99.valueMs, 1)} ms | ${t.p99.met ? 'met' : 'NOT met'} |`,
      ...(t.exportToStore
        ? [
            `| export to the local store ≥ ${fixed(100 * t.exportToStore.target)}% of export-off req/s (issue "Local telemetry") | ` +
              `${fixed(100 * t.exportToStore.value)}% | ${t.exportToStore.met ? 'met' : 'NOT met'} |`,
          ]
        : []),
      '',
    );
  } else {
    out.push('The instrumented chain was not measured (see the notes).', '');
  }
  out.push(
    '## Where the time goes',
    '',
    markdownTable(
      [
        'chain',
        'run',
        'target',
        'CPU µs/req product',
        'auth',
        'db',
        'telemetry',
        'services',
        'load gen',
        'log B/req',
        'OTLP reqs',
        'OTLP bytes',
        'spans got / expected',
        'other load (cores)',
      ],
      rows.map(costRow),
      ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    'CPU is user+system time of each process over the measured window (from /proc, 10 ms resolution) divided by the requests completed; ' +
      '"load gen" is the bench process itself (autocannon); "telemetry" is the telemetry process in the export pair, included in "services" there. ' +
      "Exports are counted by the bench's OTLP sink in the same window (+1.5 s to flush); for the export-to-store runs, by the telemetry process " +
      '(accepted export requests and spans written, both from its /metrics). ' +
      '"other load" is the CPU the rest of the machine used meanwhile (/proc/stat minus the bench\'s processes), in cores.',
    '',
    ...readings(rows, summary).map((line) => `- ${line}`),
    '',
  );
  if (pair) out.push(...renderExportPair(rows, pair, store));
  if (profile) out.push(...renderProfile(profile));
  if (serializers) out.push(...renderSerializers(serializers.rows, serializers.settings));
  if (notes.length > 0) out.push('## Notes', '', ...notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}
