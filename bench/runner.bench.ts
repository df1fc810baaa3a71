// `node --import tsx bench/runner.bench.ts`: the built-in load runner's top request rate (load/src, its own
// HTTP/1.1 client, closed model: one VU per connection, no think time) against autocannon's, and the same
// runner through undici (LOAD_HTTP_CLIENT=undici) for reference, on a trivial node:http server
// answering 200 "ok" (in a worker thread of this script, so it has its own event loop), with the same
// connections, warm-up and duration; then the runner's open model at a share of that rate, to show what
// the schedule costs. The bench reports; it never fails on a missed target.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runScenario, type LoadProfile, type RunOptions, type ScenarioDefinition, type Summary } from '@archaics/load';
import { freePort } from './lib/free-port.ts';
import { runLoad, stopLoad } from './lib/load-runner.ts';
import { fixed, markdownTable, median } from './lib/markdown-table.ts';
import { benchInt } from './lib/bench-settings.ts';
import { machine } from './lib/machine.ts';

const settings = {
  durationS: benchInt('BENCH_DURATION_S', 10, 1, 600),
  warmupS: benchInt('BENCH_WARMUP_S', 2, 0, 120),
  connections: benchInt('BENCH_CONNECTIONS', 32, 1, 1_024),
  rounds: benchInt('BENCH_ROUNDS', 2, 1, 10),
  /** The open-model run's rate, in percent of the runner's best closed-model rate. */
  openSharePct: benchInt('BENCH_OPEN_SHARE_PCT', 50, 1, 200),
  /** Its VU pool, in multiples of the connections: arrivals come in ~1 ms timer batches, a pool absorbs them. */
  openPoolFactor: benchInt('BENCH_OPEN_POOL_FACTOR', 8, 1, 64),
};

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

const SERVER_SOURCE = `
const { createServer } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
  res.end('ok');
});
server.keepAliveTimeout = 60000;
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage('listening'));
parentPort.on('message', (m) => { if (m === 'stop') server.close(() => process.exit(0)); server.closeAllConnections(); });
`;

async function startServer(port: number): Promise<Worker> {
  const worker = new Worker(SERVER_SOURCE, { eval: true, workerData: { port } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return worker;
}

interface Row {
  tool: string;
  model: string;
  round: number | null;
  requests: number;
  durationS: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Runner, open model: p99 measured from the scheduled start. */
  scheduledP99Ms?: number;
  errors: number;
  dropped?: number;
}

function definition(load: LoadProfile): ScenarioDefinition {
  return {
    name: 'bench',
    description: 'GET / on the bench server',
    journey: {
      name: 'one',
      description: '',
      session: 'none',
      steps: [{ target: 'bench', method: 'GET', path: '/', expect: 200 }],
      thinkTime: { min: 0, max: 0 },
    },
    load,
    thresholds: {},
  };
}

const interrupt = new AbortController();
process.on('SIGINT', () => {
  log('interrupted: stopping the run in progress');
  interrupt.abort();
  stopLoad();
});

async function runner(url: string, load: LoadProfile, httpClient: NonNullable<RunOptions['httpClient']> = 'builtin'): Promise<Summary> {
  return runScenario(definition(load), { targets: { bench: url }, signal: interrupt.signal, httpClient });
}

const RUNNER = 'archaics load';
const RUNNER_UNDICI = 'archaics load (undici)';

function runnerRow(summary: Summary, model: string, round: number | null, tool = RUNNER): Row {
  const s = summary.latency.serviceTime;
  return {
    tool,
    model,
    round,
    requests: summary.requests.total,
    durationS: summary.durationS,
    rps: summary.durationS > 0 ? summary.requests.total / summary.durationS : 0,
    latencyMs: { p50: s.p50, p90: s.p90, p99: s.p99, max: s.max },
    ...(model.startsWith('open') ? { scheduledP99Ms: summary.latency.fromScheduledStart.p99, dropped: summary.iterations.dropped } : {}),
    errors: summary.requests.failed,
  };
}

async function main(): Promise<void> {
  const info = machine();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startServer(port);
  const rows: Row[] = [];
  const { connections, durationS, warmupS } = settings;
  const closed: LoadProfile = { executor: 'constant-vus', vus: connections, duration: `${durationS}s`, gracefulStop: '5s' };
  try {
    for (let round = 1; round <= settings.rounds && !interrupt.signal.aborted; round++) {
      log(`round ${round}: autocannon, ${connections} connections, ${warmupS}s warm-up + ${durationS}s`);
      const ac = await runLoad({ url: `${url}/`, connections, durationS, warmupS });
      rows.push({
        tool: 'autocannon',
        model: `closed, ${connections} connections`,
        round,
        requests: ac.requests,
        durationS: ac.durationS,
        rps: ac.rps,
        latencyMs: { p50: ac.latencyMs.p50, p90: ac.latencyMs.p90, p99: ac.latencyMs.p99, max: ac.latencyMs.max },
        errors: ac.errors + ac.non2xx,
      });
      if (interrupt.signal.aborted) break;
      log(`round ${round}: archaics load, ${connections} VUs, ${warmupS}s warm-up + ${durationS}s`);
      if (warmupS > 0) await runner(url, { ...closed, duration: `${warmupS}s` });
      rows.push(runnerRow(await runner(url, closed), `closed, ${connections} VUs`, round));
      if (interrupt.signal.aborted) break;
      log(`round ${round}: archaics load through undici, ${connections} VUs, ${warmupS}s warm-up + ${durationS}s`);
      if (warmupS > 0) await runner(url, { ...closed, duration: `${warmupS}s` }, 'undici');
      rows.push(runnerRow(await runner(url, closed, 'undici'), `closed, ${connections} VUs`, round, RUNNER_UNDICI));
    }
    const best = Math.max(0, ...rows.filter((r) => r.tool === RUNNER).map((r) => r.rps));
    const rate = Math.max(1, Math.round((best * settings.openSharePct) / 100 / 100) * 100);
    if (!interrupt.signal.aborted && best > 0) {
      const pool = connections * settings.openPoolFactor;
      log(`archaics load, open model at ${rate}/s (${settings.openSharePct}% of its best closed rate), pool of ${pool} VUs`);
      const open: LoadProfile = {
        executor: 'constant-arrival-rate',
        rate,
        timeUnit: '1s',
        duration: `${durationS}s`,
        preAllocatedVUs: pool,
        maxVUs: pool,
        gracefulStop: '5s',
      };
      rows.push(runnerRow(await runner(url, open), `open, ${rate}/s, ${pool} VUs`, null));
    }
  } finally {
    server.postMessage('stop');
    await server.terminate();
  }
  if (interrupt.signal.aborted) {
    log('interrupted: results not written');
    return;
  }

  const acMedian = median(rows.filter((r) => r.tool === 'autocannon').map((r) => r.rps));
  const runnerMedian = median(rows.filter((r) => r.tool === RUNNER && r.model.startsWith('closed')).map((r) => r.rps));
  const undiciMedian = median(rows.filter((r) => r.tool === RUNNER_UNDICI).map((r) => r.rps));
  const table = markdownTable(
    [
      'tool',
      'load',
      'round',
      'req/s',
      'vs autocannon',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'p99 from schedule ms',
      'dropped',
      'errors',
    ],
    rows.map((r) => [
      r.tool,
      r.model,
      r.round ?? '',
      fixed(r.rps),
      r.tool === 'autocannon' ? '' : `${fixed((r.rps / acMedian) * 100)}%`,
      fixed(r.latencyMs.p50, 2),
      fixed(r.latencyMs.p90, 2),
      fixed(r.latencyMs.p99, 2),
      fixed(r.latencyMs.max, 1),
      r.scheduledP99Ms === undefined ? '' : fixed(r.scheduledP99Ms, 2),
      r.dropped ?? '',
      r.errors,
    ]),
    ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const day = String(info.date).slice(0, 10);
  const markdown = [
    `# Load runner bench — ${day}`,
    '',
    `Machine: ${info.cpu}, ${info.cores} cores, ${info.memory_gib} GiB, Node ${info.node}, ${info.platform}; run at ${info.date}, load average ${info.load_average_1m} before it.`,
    `Target: a node:http server answering 200 "ok" in a worker thread of the bench (own event loop), 127.0.0.1.`,
    `Load: ${connections} connections (autocannon) or VUs (archaics load, one request per iteration, no think time), ${warmupS} s warm-up then ${durationS} s measured, ${settings.rounds} round(s), one after the other in the same process.`,
    '',
    table,
    '',
    `Median req/s: autocannon ${fixed(acMedian)}, archaics load ${fixed(runnerMedian)} (${fixed((runnerMedian / acMedian) * 100)}% of autocannon; target ≥ 80%), archaics load through undici ${fixed(undiciMedian)} (${fixed((undiciMedian / acMedian) * 100)}%).`,
    '',
    'autocannon drives raw sockets with its own HTTP parser and records latency in whole milliseconds. The runner sends',
    'http:// requests through its own keep-alive HTTP/1.1 client (load/src/http/http1-client.ts; https:// goes through undici)',
    'and records every request in HDR histograms (service time and time from the scheduled start, in microseconds) plus per',
    'endpoint, and checks every status; the "(undici)" rows are the same runner with LOAD_HTTP_CLIENT=undici. The open-model',
    'row runs a fixed schedule at a share of the closed rate (a VU pool larger than the connections absorbs the ~1 ms timer',
    'batches): "p99 from schedule" includes the time iterations waited for the event loop, which a closed-model tool cannot',
    'see; "dropped" are arrivals that found no free VU.',
    '',
  ].join('\n');
  process.stdout.write(`\n${markdown}\n`);
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `runner-${day}`);
  writeFileSync(`${base}.md`, markdown);
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ machine: info, settings, medians: { autocannon: acMedian, runner: runnerMedian, runnerUndici: undiciMedian }, rows }, null, 2)}\n`,
  );
  log(`results written to ${base}.md and ${base}.json`);
}

await main();
