import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';
import type { ExitInfo, ServiceState, ServiceStatus } from './control.types.ts';
import { probeStatus } from './http-probe.ts';
import { LineSplitter } from './line-splitter.ts';
import { toLogRecord, type LogRecord, type OutputStream } from './log-record.ts';
import type { LogSink } from './log-sink.ts';
import type { ResolvedProcess } from './stack.ts';

const RECENT_LINES = 20;
const HEALTH_PROBE_TIMEOUT_MS = 1000;
// A process that never answers its health check is still watched for this long, then left alone.
const HEALTH_WATCH_LIMIT_MS = 10 * 60_000;
// After `exit`, pipes still held by a grandchild are cut after this long so `close` comes.
const STREAM_GRACE_MS = 1000;
const KILL_WAIT_MS = 5000;
// Process groups let a stop reach anything the service itself started.
const USE_PROCESS_GROUPS = process.platform !== 'win32';

export interface ManagedProcessOptions {
  readonly process: ResolvedProcess;
  readonly command: string;
  /** Arguments before the entry path (e.g. `--import tsx`). */
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly backoff: BackoffPolicy;
  readonly stopTimeoutMs: number;
  readonly sink: LogSink;
  /** Every stored record of this process, after it was written to the log file. */
  readonly onRecords: (records: readonly LogRecord[]) => void;
  /** What the supervisor has to say about this process (spawned, exited, restarting, ...). */
  readonly onEvent: (level: 'INFO' | 'WARN' | 'ERROR', message: string, extra?: Record<string, unknown>) => void;
}

/** One supervised process: spawns it, keeps its output, restarts it with backoff when it exits on its own. */
export class ManagedProcess {
  readonly name: string;
  readonly url: string;
  readonly #options: ManagedProcessOptions;
  #state: ServiceState = 'stopped';
  #wanted: 'up' | 'down' = 'down';
  #child: ChildProcess | null = null;
  #closed: Promise<void> | null = null;
  #generation = 0;
  #startedAt: Date | null = null;
  #lastExit: ExitInfo | null = null;
  #restarts = 0;
  #crashStreak = 0;
  #everHealthy = false;
  #crashesBeforeHealthy = 0;
  #restartTimer: NodeJS.Timeout | null = null;
  #manualRestart: Promise<void> | null = null;
  readonly #recent: LogRecord[] = [];
  readonly #pids: number[] = [];

  constructor(options: ManagedProcessOptions) {
    this.#options = options;
    this.name = options.process.name;
    this.url = options.process.url;
  }

  get state(): ServiceState {
    return this.#state;
  }

  /** Exits before the process ever answered its health check (startup gives up after a few). */
  get crashesBeforeHealthy(): number {
    return this.#crashesBeforeHealthy;
  }

  /** Every pid this process has had, oldest first. */
  get pids(): readonly number[] {
    return this.#pids;
  }

  /** The last lines it printed, oldest first. */
  recentRecords(): readonly LogRecord[] {
    return [...this.#recent];
  }

  status(): ServiceStatus {
    return {
      name: this.name,
      url: this.url,
      pid: this.#child?.pid ?? null,
      state: this.#state,
      restarts: this.#restarts,
      last_exit: this.#lastExit,
      started_at: this.#startedAt?.toISOString() ?? null,
    };
  }

  start(): void {
    if (this.#wanted === 'up') return;
    this.#wanted = 'up';
    this.#spawn();
  }

  /** Stops the current process gracefully and starts a new one at once (no backoff). */
  restart(): Promise<void> {
    if (this.#wanted === 'down') return Promise.resolve();
    if (this.#manualRestart) return this.#manualRestart;
    this.#state = 'restarting';
    this.#options.onEvent('INFO', 'restart requested');
    const run = async (): Promise<void> => {
      if (this.#restartTimer) {
        clearTimeout(this.#restartTimer);
        this.#restartTimer = null;
      } else {
        await this.#terminate();
      }
      if (this.#wanted === 'down') return;
      this.#restarts++;
      this.#spawn();
    };
    this.#manualRestart = run().finally(() => {
      this.#manualRestart = null;
    });
    return this.#manualRestart;
  }

  /** SIGTERM, then SIGKILL after the stop timeout; resolves when the process is gone. */
  async stop(): Promise<void> {
    this.#wanted = 'down';
    if (this.#restartTimer) {
      clearTimeout(this.#restartTimer);
      this.#restartTimer = null;
    }
    await this.#terminate();
    this.#state = 'stopped';
  }

  /** SIGKILL at once, synchronously (a second Ctrl-C, or the supervisor dying). */
  kill(): void {
    this.#wanted = 'down';
    if (this.#restartTimer) {
      clearTimeout(this.#restartTimer);
      this.#restartTimer = null;
    }
    if (this.#child) this.#signal(this.#child, 'SIGKILL');
  }

  #spawn(): void {
    this.#restartTimer = null;
    const generation = ++this.#generation;
    const options = this.#options;
    this.#state = 'starting';
    const startedAt = new Date();
    this.#startedAt = startedAt;
    let child: ChildProcess;
    try {
      child = spawn(options.command, [...options.args, options.process.entryPath], {
        cwd: options.cwd,
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: USE_PROCESS_GROUPS,
      });
    } catch (error) {
      options.onEvent('ERROR', `could not start: ${(error as Error).message}`);
      this.#lastExit = { code: null, signal: null, at: new Date().toISOString() };
      this.#startedAt = null;
      this.#afterExit(this.#lastExit, 0);
      return;
    }
    this.#child = child;
    if (child.pid !== undefined) this.#pids.push(child.pid);

    let resolveClosed: () => void = () => {};
    this.#closed = new Promise((resolve) => {
      resolveClosed = resolve;
    });
    const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = child[stream];
      readable?.on('data', (chunk: Buffer) => this.#ingest(splitters[stream].push(chunk), stream));
      readable?.on('end', () => this.#ingest(splitters[stream].end(), stream));
      readable?.on('error', () => {});
    }

    let exit: ExitInfo | null = null;
    let finished = false;
    const finish = (info: ExitInfo): void => {
      if (finished) return;
      finished = true;
      this.#ingest(splitters.stdout.end(), 'stdout');
      this.#ingest(splitters.stderr.end(), 'stderr');
      this.#child = null;
      this.#startedAt = null;
      this.#lastExit = info;
      resolveClosed();
      if (generation === this.#generation) this.#afterExit(info, Date.now() - startedAt.getTime());
    };
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: new Date().toISOString() };
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, STREAM_GRACE_MS).unref();
    });
    child.once('close', (code, signal) => finish(exit ?? { code, signal, at: new Date().toISOString() }));
    child.on('error', (error) => {
      options.onEvent('ERROR', `process error: ${error.message}`);
      if (child.pid === undefined) finish({ code: null, signal: null, at: new Date().toISOString() });
    });

    if (child.pid !== undefined) options.onEvent('INFO', `started (pid ${child.pid})`, { pid: child.pid });
    void this.#watchHealth(generation);
  }

  #afterExit(info: ExitInfo, upMs: number): void {
    const how = info.signal ? `signal ${info.signal}` : `code ${info.code}`;
    if (this.#wanted === 'down') {
      this.#state = 'stopped';
      this.#options.onEvent('INFO', `stopped (${how})`);
      return;
    }
    if (this.#manualRestart) {
      this.#options.onEvent('INFO', `stopped for a restart (${how})`);
      return;
    }
    if (!this.#everHealthy) this.#crashesBeforeHealthy++;
    if (upMs >= this.#options.backoff.resetAfterMs) this.#crashStreak = 0;
    const delay = backoffDelay(this.#options.backoff, this.#crashStreak);
    this.#crashStreak++;
    this.#state = 'restarting';
    this.#options.onEvent('WARN', `exited (${how}) after ${formatMs(upMs)}; restarting in ${formatMs(delay)}`, {
      exit_code: info.code,
      signal: info.signal,
    });
    this.#restartTimer = setTimeout(() => {
      this.#restarts++;
      this.#spawn();
    }, delay);
  }

  async #watchHealth(generation: number): Promise<void> {
    const deadline = Date.now() + HEALTH_WATCH_LIMIT_MS;
    let interval = 100;
    while (Date.now() < deadline) {
      const status = await probeStatus(this.#options.process.healthUrl, HEALTH_PROBE_TIMEOUT_MS);
      if (generation !== this.#generation || this.#state !== 'starting') return;
      if (status === 200) {
        this.#state = 'running';
        this.#everHealthy = true;
        this.#options.onEvent('INFO', `healthy at ${this.url}`);
        return;
      }
      await sleep(interval);
      if (generation !== this.#generation || this.#state !== 'starting') return;
      interval = Math.min(Math.round(interval * 1.5), 1000);
    }
    this.#options.onEvent(
      'WARN',
      `no 200 from ${this.#options.process.healthUrl} after ${formatMs(HEALTH_WATCH_LIMIT_MS)}; no longer probing`,
    );
  }

  async #terminate(): Promise<void> {
    const child = this.#child;
    const closed = this.#closed;
    if (!child || !closed) return;
    this.#signal(child, 'SIGTERM');
    if (await settlesWithin(closed, this.#options.stopTimeoutMs)) return;
    this.#options.onEvent('WARN', `did not stop within ${formatMs(this.#options.stopTimeoutMs)}; killing`);
    this.#signal(child, 'SIGKILL');
    await settlesWithin(closed, KILL_WAIT_MS);
  }

  #signal(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.pid === undefined) return;
    if (USE_PROCESS_GROUPS) {
      try {
        process.kill(-child.pid, signal);
        return;
      } catch {
        // the group is gone; fall back to the process itself
      }
    }
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }

  #ingest(lines: readonly string[], stream: OutputStream): void {
    if (lines.length === 0) return;
    const records: LogRecord[] = [];
    for (const line of lines) {
      const record = toLogRecord(this.name, line, stream);
      if (record) records.push(record);
    }
    if (records.length === 0) return;
    this.#options.sink.append(records.map((record) => record.raw));
    this.#recent.push(...records.slice(-RECENT_LINES));
    if (this.#recent.length > RECENT_LINES) this.#recent.splice(0, this.#recent.length - RECENT_LINES);
    this.#options.onRecords(records);
  }
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
