// `npm run bench`: GET /products through the instrumented product → auth → db chain
// (tracing at 100% with OTLP export, INFO logs, metrics, idle chaos hook) against a bare
// node:http chain of the same three hops, same load tool, connections, warm-up and duration;
// then the export pair: the instrumented chain with export off against the same chain
// exporting to the real telemetry process (the local span store).
// The bench reports; it never fails on a missed target.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessGroup, type RunningChild } from './lib/child-processes.ts';
import {
  HOPS,
  HOST,
  probe,
  serviceEntryPoints,
  snapshot,
  startBareChain,
  startInstrumentedChain,
  type BenchPlace,
  type Chain,
  type ChainSnapshot,
  type Hop,
  type InstrumentedSettings,
} from './lib/chains.ts';
import { isMainThreadProfile, summariseProfile } from './lib/cpu-profile.ts';
import { freePort } from './lib/free-port.ts';
import { runLoad, stopLoad } from './lib/load-runner.ts';
import {
  SPANS_PER_REQUEST,
  renderMarkdown,
  summarise,
  type ExportPair,
  type ProfileResult,
  type Row,
  type RowGroup,
} from './lib/chain-report.ts';
import { fixed } from './lib/markdown-table.ts';
import type { SinkStats } from './lib/otlp-sink.server.ts';
import { measureSerializers, type SerializerRow, type SerializerSettings } from './lib/span-serializers.ts';
import { startTelemetryStore, type StoreCheck, type StoreCounters, type TelemetryStore } from './lib/telemetry-store.ts';
import { benchInt } from './lib/bench-settings.ts';
import { machine } from './lib/machine.ts';

const TOP_FUNCTIONS = 6;
/** Pause around each measured run so batched exports of the run land in its window. */
const SETTLE_MS = 1_500;

const settings = {
  durationS: benchInt('BENCH_DURATION_S', 10, 1, 600),
  warmupS: benchInt('BENCH_WARMUP_S', 3, 0, 120),
  connections: benchInt('BENCH_CONNECTIONS', 32, 1, 1_024),
  rounds: benchInt('BENCH_ROUNDS', 2, 1, 10),
  extras: process.env.BENCH_EXTRAS !== '0',
  /** The export pair (export off / export to the telemetry process); on unless BENCH_STORE=0. */
  store: process.env.BENCH_STORE !== '0',
  profile: process.env.BENCH_EXTRAS !== '0' && process.env.BENCH_PROFILE !== '0',
  keepTmp: process.env.BENCH_KEEP_TMP === '1',
  /** The span serialisers against the project's encoder; on unless BENCH_SERIALIZERS=0. */
  serializers: process.env.BENCH_SERIALIZERS !== '0',
  serializer: {
    batch: benchInt('BENCH_SERIALIZER_BATCH', 512, 5, 8192),
    roundMs: benchInt('BENCH_SERIALIZER_MS', 500, 50, 10_000),
    rounds: benchInt('BENCH_SERIALIZER_ROUNDS', 5, 1, 50),
  } satisfies SerializerSettings,
};

const root = fileURLToPath(new URL('..', import.meta.url));
const group = new ProcessGroup();
const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

/** The bench's temporary folder (state, logs, profiles); removed at the end unless BENCH_KEEP_TMP=1. */
let scratch: string | undefined;
let sinkUrl = '';
let sink: RunningChild | undefined;
async function sinkStats(): Promise<SinkStats> {
  const response = await fetch(`${sinkUrl}/stats`, { signal: AbortSignal.timeout(5_000) });
  return (await response.json()) as SinkStats;
}

/** The export pair's side and its telemetry process, for {@link measure}. */
interface PairContext {
  pair: ExportPair;
  telemetry: TelemetryStore;
}

async function measure(
  chain: Chain,
  hop: Hop,
  path: string,
  rowChain: string,
  rowGroup: RowGroup,
  round: number | null,
  pairContext?: PairContext,
): Promise<Row> {
  const url = `${chain.urls[hop]}${path}`;
  const needsAuth = hop !== 'db';
  log(`${rowChain}${round === null ? '' : ` (round ${round})`}: ${settings.warmupS}s warm-up + ${settings.durationS}s on ${url}`);
  let before: ChainSnapshot | undefined;
  let after: ChainSnapshot | undefined;
  let sinkBefore: SinkStats | undefined;
  let sinkAfter: SinkStats | undefined;
  let storeBefore: StoreCounters | undefined;
  let storeAfter: StoreCounters | undefined;
  const telemetryChild = pairContext?.telemetry.child;
  const load = await runLoad(
    {
      url,
      connections: settings.connections,
      durationS: settings.durationS,
      warmupS: settings.warmupS,
      ...(needsAuth ? { headers: { authorization: chain.authorization } } : {}),
    },
    {
      beforeMeasure: async () => {
        await sleep(SETTLE_MS);
        sinkBefore = await sinkStats();
        if (pairContext) storeBefore = await pairContext.telemetry.counters();
        before = snapshot(chain, sink ? [sink] : [], telemetryChild);
      },
      afterMeasure: async () => {
        await sleep(SETTLE_MS);
        after = snapshot(chain, sink ? [sink] : [], telemetryChild);
        sinkAfter = await sinkStats();
        if (pairContext) storeAfter = await pairContext.telemetry.counters();
      },
    },
  );
  if (!before || !after || !sinkBefore || !sinkAfter) throw new Error('measurement hooks did not run');
  if (pairContext && (!storeBefore || !storeAfter)) throw new Error('measurement hooks did not run');
  const perRequest = (seconds: number): number => (load.requests > 0 ? (seconds * 1e6) / load.requests : Number.NaN);
  const cpu = {} as Record<Hop, number>;
  for (const h of HOPS) cpu[h] = perRequest(after.cpuS[h] - before.cpuS[h]);
  const telemetryS = after.telemetryCpuS - before.telemetryCpuS;
  const oursS =
    HOPS.reduce((sum, h) => sum + after!.cpuS[h] - before!.cpuS[h], 0) +
    (after.loadGenCpuS - before.loadGenCpuS) +
    (after.helperCpuS - before.helperCpuS) +
    telemetryS;
  // In the export pair the telemetry process is part of the services: exporting locally costs its CPU too.
  const telemetryUs = pairContext ? perRequest(telemetryS) : undefined;
  const otherCores = Math.max(0, (after.systemBusyS - before.systemBusyS - oursS) / (after.atS - before.atS));
  const row: Row = {
    chain: rowChain,
    group: rowGroup,
    kind: chain.kind,
    round,
    ...(pairContext ? { pair: pairContext.pair } : {}),
    target: `${hop} GET ${path}`,
    load,
    cpuUsPerRequest: {
      ...cpu,
      ...(telemetryUs === undefined ? {} : { telemetry: telemetryUs }),
      services: cpu.product + cpu.auth + cpu.db + (telemetryUs ?? 0),
      loadGenerator: perRequest(after.loadGenCpuS - before.loadGenCpuS),
    },
    sinkCpuUsPerRequest: perRequest(after.helperCpuS - before.helperCpuS),
    otherCores,
    logBytes: Math.max(0, after.logBytes - before.logBytes),
    // The export-to-store runs export to the telemetry process, not to the sink: counted in `store`.
    otlp:
      chain.kind === 'instrumented' && pairContext?.pair !== 'store'
        ? {
            requests: sinkAfter.requests - sinkBefore.requests,
            bytes: sinkAfter.bytes - sinkBefore.bytes,
            spans: sinkAfter.spans - sinkBefore.spans,
            // A chain request makes 5 spans; a direct call to one service makes its server span.
            expectedSpans: load.requests * (hop === 'product' ? SPANS_PER_REQUEST : 1),
          }
        : null,
    ...(pairContext?.pair === 'store' && storeBefore && storeAfter
      ? {
          store: {
            requests: storeAfter.exportRequests - storeBefore.exportRequests,
            refused: storeAfter.refusedRequests - storeBefore.refusedRequests,
            spans: storeAfter.spansWritten - storeBefore.spansWritten,
            expectedSpans: load.requests * SPANS_PER_REQUEST,
          },
        }
      : {}),
  };
  log(
    `  → ${fixed(load.rps)} req/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, ` +
      `errors ${load.errors}, non-2xx ${load.non2xx}, other load ${fixed(otherCores, 2)} cores` +
      (telemetryUs === undefined ? '' : `, telemetry ${fixed(telemetryUs)} µs CPU/req`) +
      (row.store ? `, ${row.store.spans}/${row.store.expectedSpans} spans stored` : ''),
  );
  return row;
}

/**
 * The export pair: two instrumented chains (INFO logs, metrics, tracing at 100%), one with
 * export off, one exporting to a telemetry process started here, measured alternately for the
 * configured rounds; then the spans are looked up through the telemetry query API.
 */
async function measureExportPair(
  place: BenchPlace,
  scripts: Record<Hop, string>,
  chaosToken: string,
  rows: Row[],
  notes: string[],
): Promise<StoreCheck | null> {
  let telemetry: TelemetryStore | undefined;
  let off: Chain | undefined;
  let store: Chain | undefined;
  try {
    telemetry = await startTelemetryStore(place, join(place.logDir, '..', 'telemetry'), chaosToken);
    log(`telemetry process: OTLP ${telemetry.otlpUrl}, query ${telemetry.queryUrl}, store ${telemetry.dbPath}`);
    off = await startInstrumentedChain(place, 'pair-off', scripts, { otlpEndpoint: undefined, logLevel: 'info' }, chaosToken);
    await checkChain(off);
    store = await startInstrumentedChain(place, 'pair-store', scripts, { otlpEndpoint: telemetry.otlpUrl, logLevel: 'info' }, chaosToken);
    await checkChain(store);
    for (let round = 1; round <= settings.rounds; round++) {
      rows.push(await measure(off, 'product', '/products', 'instrumented, export off', 'export', round, { pair: 'off', telemetry }));
      rows.push(
        await measure(store, 'product', '/products', 'instrumented, export to store', 'export', round, { pair: 'store', telemetry }),
      );
    }
    await Promise.all([off.stop(), store.stop()]);
    off = store = undefined;
    // The services flush their last batch on SIGTERM; the sweep timer does not matter here.
    const check = await telemetry.check();
    log(
      `telemetry store: services [${check.services.join(', ')}], ` +
        (check.trace ? `newest product trace ${check.trace.traceId} with ${check.trace.spans} spans` : 'no product trace') +
        `, ${check.spansStored} spans stored (${check.spansWritten} written)`,
    );
    if (!check.ok) notes.push(`the telemetry store check failed: ${check.problems.join('; ')}.`);
    return check;
  } catch (error) {
    notes.push(`export pair not fully measured: ${(error as Error).message}`);
    log(notes[notes.length - 1]!);
    return null;
  } finally {
    await Promise.all([off?.stop(), store?.stop()]);
    if (telemetry) await group.stop(telemetry.child, 10_000);
  }
}

async function checkChain(chain: Chain): Promise<void> {
  const answer = await probe(`${chain.urls.product}/products`, chain.authorization);
  if (answer.status !== 200) {
    throw new Error(`${chain.label} GET /products answered ${answer.status} before the load: ${answer.text.slice(0, 400)}`);
  }
  let count = -1;
  try {
    const body: unknown = JSON.parse(answer.text);
    if (Array.isArray(body)) count = body.length;
  } catch {
    // reported below
  }
  if (count !== 5) throw new Error(`${chain.label} GET /products did not answer the five products: ${answer.text.slice(0, 400)}`);
}

/** One more instrumented chain under `--cpu-prof`: warm-up, measured run, stop; self time by package. */
async function profileChain(
  place: BenchPlace,
  scripts: Record<Hop, string>,
  base: InstrumentedSettings,
  chaosToken: string,
): Promise<ProfileResult> {
  const dir = join(place.logDir, '..', 'profiles');
  const dirOf = (hop: Hop): string => join(dir, hop);
  for (const hop of HOPS) mkdirSync(dirOf(hop), { recursive: true });
  const profiled = { ...base, cpuProfileDir: dir };
  let chain: Chain | undefined = await startInstrumentedChain(place, 'profiled', scripts, profiled, chaosToken);
  try {
    await checkChain(chain);
    log(`profiled instrumented chain: ${settings.warmupS}s warm-up + ${settings.durationS}s under --cpu-prof`);
    let measureStart = 0;
    const load = await runLoad(
      {
        url: `${chain.urls.product}/products`,
        headers: { authorization: chain.authorization },
        connections: settings.connections,
        durationS: settings.durationS,
        warmupS: settings.warmupS,
      },
      { beforeMeasure: async () => void (measureStart = performance.now()) },
    );
    const windowMs = performance.now() - measureStart;
    await chain.stop(10_000);
    chain = undefined;
    const byHop = {} as Record<Hop, Record<string, number>>;
    const topFunctions = {} as Record<Hop, Array<[string, number]>>;
    for (const hop of HOPS) {
      const file = readdirSync(dirOf(hop)).find(isMainThreadProfile);
      if (!file) throw new Error(`no main-thread CPU profile was written by the ${hop} process`);
      const summary = summariseProfile(join(dirOf(hop), file), windowMs);
      byHop[hop] = Object.fromEntries(summary.buckets);
      topFunctions[hop] = [...summary.functions.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP_FUNCTIONS);
    }
    log(`  → ${fixed(load.rps)} req/s under the profiler`);
    return { rps: load.rps, windowMs, byHop, topFunctions };
  } finally {
    if (chain) await chain.stop(10_000);
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const info = machine();
  scratch = mkdtempSync(join(tmpdir(), 'archaics-bench-'));
  const home = join(scratch, 'home');
  const logDir = join(scratch, 'logs');
  mkdirSync(home, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const place: BenchPlace = { root, home, logDir, group };
  const chaosToken = randomBytes(24).toString('hex');
  const notes: string[] = [];
  const rows: Row[] = [];
  log(`state in ${home}, logs in ${logDir}`);

  // First, while no child process competes for the cores.
  let serializers: SerializerRow[] | null = null;
  if (settings.serializers) {
    const { batch, roundMs, rounds } = settings.serializer;
    log(`span serialisers: ${batch} spans a request, ${roundMs} ms each, ${rounds} rounds`);
    serializers = await measureSerializers(settings.serializer);
    for (const r of serializers)
      log(`  ${r.serializer} (${r.format}): ${fixed(r.usPerSpan, 2)} µs/span, ${fixed(100 * r.vsEncoder)}% of the encoder`);
  }

  const sinkPort = await freePort(HOST);
  sinkUrl = `http://${HOST}:${sinkPort}`;
  sink = await group.start({
    name: 'otlp-sink',
    script: join(root, 'bench', 'lib', 'otlp-sink.server.ts'),
    env: { PORT: String(sinkPort), HOST },
    logDir,
    healthUrl: `${sinkUrl}/health`,
    cwd: root,
  });

  const fullSettings: InstrumentedSettings = { otlpEndpoint: sinkUrl, logLevel: 'info' };
  const bare = await startBareChain(place);
  await checkChain(bare);

  let instrumented: Chain | undefined;
  const entry = serviceEntryPoints(root);
  if (!entry.ok) {
    notes.push(`instrumented chain not measured: ${entry.missing} does not exist yet.`);
    log(notes[notes.length - 1]!);
  } else {
    try {
      instrumented = await startInstrumentedChain(place, 'instrumented', entry.scripts, fullSettings, chaosToken);
      await checkChain(instrumented);
    } catch (error) {
      notes.push(`instrumented chain not measured: ${(error as Error).message}`);
      log(notes[notes.length - 1]!);
      if (instrumented) await instrumented.stop();
      instrumented = undefined;
    }
  }

  for (let round = 1; round <= settings.rounds; round++) {
    rows.push(await measure(bare, 'product', '/products', 'bare', 'chain', round));
    if (instrumented) rows.push(await measure(instrumented, 'product', '/products', 'instrumented', 'chain', round));
  }

  if (settings.extras) {
    rows.push(await measure(bare, 'db', '/products', 'bare db alone', 'hop', null));
    if (instrumented) rows.push(await measure(instrumented, 'db', '/products', 'instrumented db alone', 'hop', null));
    rows.push(await measure(bare, 'auth', '/validate', 'bare auth alone', 'hop', null));
    if (instrumented) rows.push(await measure(instrumented, 'auth', '/validate', 'instrumented auth alone', 'hop', null));
  }
  await bare.stop();
  if (instrumented) await instrumented.stop();

  let storeCheck: StoreCheck | null = null;
  if (settings.store && instrumented && entry.ok) {
    storeCheck = await measureExportPair(place, entry.scripts, chaosToken, rows, notes);
  } else if (settings.store) {
    notes.push('export pair not measured: the instrumented chain did not start.');
  }

  if (settings.extras && instrumented && entry.ok) {
    const variants: Array<{ label: string; settings: InstrumentedSettings }> = [
      { label: 'instrumented, export off', settings: { otlpEndpoint: undefined, logLevel: 'info' } },
      { label: 'instrumented, export off, LOG_LEVEL=warn', settings: { otlpEndpoint: undefined, logLevel: 'warn' } },
      {
        label: 'instrumented, sampling 0, export off, warn',
        settings: { otlpEndpoint: undefined, logLevel: 'warn', sampleRatio: 0 },
      },
    ];
    for (const [index, variant] of variants.entries()) {
      let chain: Chain | undefined;
      try {
        chain = await startInstrumentedChain(place, `variant${index + 1}`, entry.scripts, variant.settings, chaosToken);
        await checkChain(chain);
        rows.push(await measure(chain, 'product', '/products', variant.label, 'variant', null));
      } catch (error) {
        notes.push(`${variant.label} not measured: ${(error as Error).message}`);
        log(notes[notes.length - 1]!);
      } finally {
        if (chain) await chain.stop();
      }
    }
  }

  let profile: ProfileResult | null = null;
  if (settings.profile && instrumented && entry.ok) {
    try {
      profile = await profileChain(place, entry.scripts, fullSettings, chaosToken);
    } catch (error) {
      notes.push(`CPU profile not taken: ${(error as Error).message}`);
      log(notes[notes.length - 1]!);
    }
  }

  const final = await sinkStats();
  if (instrumented && final.requests === 0) notes.push('the OTLP sink received no export request: tracing export did not happen.');
  if (final.protobufRequests > 0) notes.push(`${final.protobufRequests} export requests were protobuf (spans not counted for those).`);

  const summary = summarise(rows);
  const markdown = renderMarkdown(rows, summary, {
    machine: info,
    settings,
    notes,
    profile,
    store: storeCheck,
    serializers: serializers ? { rows: serializers, settings: settings.serializer } : null,
  });
  process.stdout.write(`\n${markdown}\n`);

  if (summary.instrumented) {
    const day = String(info.date).slice(0, 10);
    const dir = join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `chain-${day}`);
    writeFileSync(`${base}.md`, markdown);
    writeFileSync(
      `${base}.json`,
      `${JSON.stringify(
        {
          machine: info,
          settings: { ...settings, settle_ms: SETTLE_MS, spans_per_request: SPANS_PER_REQUEST, load_tool: 'autocannon 8' },
          targets: summary.targets,
          summary,
          rows,
          otlp_sink_total: final,
          telemetry_store: storeCheck,
          span_serializers: serializers,
          cpu_profile: profile,
          notes,
        },
        null,
        2,
      )}\n`,
    );
    log(`results written to ${base}.md and ${base}.json`);
  } else {
    log('instrumented chain not measured: results not written to bench/results');
  }

  await group.stopAll();
  removeScratch();
}

function removeScratch(): void {
  if (!scratch) return;
  if (settings.keepTmp) log(`kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping the load and the child processes`);
  stopLoad();
  await group.stopAll();
  removeScratch();
  process.exit(130);
}
process.once('SIGINT', (signal) => void shutdown(signal));
process.once('SIGTERM', (signal) => void shutdown(signal));
process.once('exit', () => group.killAllNow());

main().catch(async (error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  stopLoad();
  await group.stopAll();
  if (scratch) log(`state and logs kept for diagnosis in ${scratch}`);
  process.exitCode = 1;
});
