import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  warmupS: number;
}

/** One measured run, latencies in milliseconds. */
export interface LoadResult {
  requests: number;
  durationS: number;
  rps: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** Connection errors (timeouts included). */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

let running: autocannon.Instance | undefined;

/** Stops the run in progress, if any (for Ctrl-C). */
export function stopLoad(): void {
  running?.stop();
}

async function fire(options: LoadOptions, durationS: number): Promise<autocannon.Result> {
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: durationS,
    timeout: 10,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  running = instance;
  try {
    return await instance;
  } finally {
    running = undefined;
  }
}

export interface LoadHooks {
  /** Runs between the warm-up and the measured run (e.g. a settle pause and counters). */
  beforeMeasure?: () => Promise<void>;
  /** Runs right after the measured run, before the result is summarised. */
  afterMeasure?: () => Promise<void>;
}

/** Warm-up (discarded), then the measured run, with the same URL, headers and connections. */
export async function runLoad(options: LoadOptions, hooks: LoadHooks = {}): Promise<LoadResult> {
  if (options.warmupS > 0) await fire(options, options.warmupS);
  await hooks.beforeMeasure?.();
  const result = await fire(options, options.durationS);
  await hooks.afterMeasure?.();
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(stats.count);
  return {
    requests: result.requests.total,
    durationS: result.duration,
    rps: result.duration > 0 ? result.requests.total / result.duration : 0,
    latencyMs: {
      mean: result.latency.average,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
  };
}
