import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Env } from '@archaics/runtime';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { startControlServer, type ControlServer } from './control.server.ts';
import type { ServiceStatus } from './control.types.ts';
import { supervisorRecord, type LogRecord } from './log-record.ts';
import { LogSink } from './log-sink.ts';
import { ManagedProcess, formatMs } from './managed-process.ts';
import { isPortTaken } from './port-check.ts';
import { DEFAULT_CONTROL_PORT, REPO_ROOT, childEnv, resolveStack, type ProcessSpec } from './stack.ts';
import { isProcessAlive, readSupervisorFile, removeSupervisorFile, writeSupervisorFile } from './supervisor-file.ts';

const SUPERVISOR_NAME = 'supervisor';
const PARENT_WATCH = new URL('./parent-watch.preload.ts', import.meta.url).href;
// Startup gives up on a service that exits this many times before ever answering its health check.
const STARTUP_CRASH_LIMIT = 3;

export interface SupervisorOptions {
  /** The state folder (made absolute); logs go to `<home>/logs`. */
  readonly home: string;
  readonly services: readonly ProcessSpec[];
  /** Given to every child as `CHAOS_TOKEN`; also guards the control interface. */
  readonly chaosToken: string;
  /** Added to every service port (and to the default control port). Default 0. */
  readonly portOffset?: number;
  /** Port of the control interface; default 8099 + portOffset. */
  readonly controlPort?: number;
  /** Where relative `dir`s are resolved and children run. Default: the repository root. */
  readonly repoRoot?: string;
  /** The environment children inherit. Default: `process.env`. */
  readonly env?: Env;
  readonly logMaxBytes?: number;
  readonly logKeep?: number;
  /** How long a child gets between SIGTERM and SIGKILL. Default 5000. */
  readonly stopTimeoutMs?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  /** Every stored log record, of the children and of the supervisor itself. */
  readonly onRecord?: (record: LogRecord) => void;
}

export interface Supervisor {
  readonly home: string;
  readonly logsDir: string;
  readonly controlUrl: string;
  readonly startedAt: Date;
  /** A snapshot of every service, in stack order. */
  status(): ServiceStatus[];
  /** Resolves when every service answers its health check; rejects with {@link StartupError}. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Graceful restart of one service; false when no service has that name. */
  restart(name: string): boolean;
  /** Stops every child (SIGTERM, then SIGKILL), the control interface, and the log files. */
  stop(): Promise<void>;
  /** SIGKILL to every child and removes supervisor.json, synchronously. */
  killAll(): void;
  /** Every pid a child has had (for tests and diagnostics). */
  pids(): number[];
  /** Resolves when {@link Supervisor.stop} has finished. */
  readonly stopped: Promise<void>;
}

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly owner: string,
  ) {
    super(`port ${port} (${owner}) is already in use by another program`);
    this.name = 'PortInUseError';
  }
}

export class AlreadyRunningError extends Error {
  constructor(
    readonly pid: number,
    readonly controlUrl: string,
    readonly home: string,
  ) {
    super(`a supervisor (pid ${pid}, ${controlUrl}) is already running with the state folder ${home}`);
    this.name = 'AlreadyRunningError';
  }
}

export class MissingEntryError extends Error {
  constructor(
    readonly service: string,
    readonly entryPath: string,
  ) {
    super(`${service}: its entry ${entryPath} does not exist`);
    this.name = 'MissingEntryError';
  }
}

export interface UnhealthyService {
  readonly name: string;
  readonly state: ServiceStatus['state'];
  readonly lastExit: ServiceStatus['last_exit'];
  readonly recent: readonly LogRecord[];
}

export class StartupError extends Error {
  constructor(
    message: string,
    readonly unhealthy: readonly UnhealthyService[],
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

/**
 * Checks the ports, opens the control interface, spawns every service and writes
 * `<home>/supervisor.json`. Resolves once all are spawned (not yet healthy: see `waitHealthy`).
 */
export async function startSupervisor(options: SupervisorOptions): Promise<Supervisor> {
  const home = resolve(options.home);
  const portOffset = options.portOffset ?? 0;
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const stack = resolveStack(options.services, portOffset, repoRoot);
  const controlPort = options.controlPort ?? DEFAULT_CONTROL_PORT + portOffset;
  const backoff: BackoffPolicy = { ...DEFAULT_BACKOFF, ...options.backoff };
  const onRecord = options.onRecord ?? (() => {});

  const missing = stack.find((item) => !existsSync(item.entryPath));
  if (missing) throw new MissingEntryError(missing.name, missing.entryPath);
  const running = readSupervisorFile(home);
  if (running && isProcessAlive(running.pid)) {
    throw new AlreadyRunningError(running.pid, running.control_url, home);
  }
  const ports = stack.flatMap((p) => [
    { port: p.port, owner: p.name },
    ...p.extraPorts.map((e) => ({ port: e.port, owner: `${p.name} (${e.env})` })),
  ]);
  for (const item of [...ports, { port: controlPort, owner: 'supervisor control interface' }]) {
    if (await isPortTaken(item.port)) throw new PortInUseError(item.port, item.owner);
  }

  const logsDir = join(home, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const sinks: LogSink[] = [];
  const openSink = (name: string): LogSink => {
    const sink = new LogSink(join(logsDir, `${name}.log`), {
      maxBytes: options.logMaxBytes,
      keep: options.logKeep,
      onError: (error) => process.stderr.write(`archaics: cannot write ${name}.log: ${error.message}\n`),
    });
    sinks.push(sink);
    return sink;
  };
  const ownSink = openSink(SUPERVISOR_NAME);
  const say = (level: string, message: string, extra: Record<string, unknown> = {}): void => {
    const record = supervisorRecord(SUPERVISOR_NAME, level, message, new Date(), extra);
    ownSink.append([record.raw]);
    onRecord(record);
  };

  const baseEnv = options.env ?? process.env;
  const processes = stack.map(
    (item) =>
      new ManagedProcess({
        process: item,
        command: process.execPath,
        args: ['--import', 'tsx', '--import', PARENT_WATCH],
        cwd: repoRoot,
        env: childEnv(item, { baseEnv, home, chaosToken: options.chaosToken, stack }),
        backoff,
        stopTimeoutMs: options.stopTimeoutMs ?? 5000,
        sink: openSink(item.name),
        onRecords: (records) => records.forEach(onRecord),
        onEvent: (level, message, extra) => say(level, `${item.name} ${message}`, { target: item.name, ...extra }),
      }),
  );
  let stopping: Promise<void> | null = null;
  const byName = new Map(processes.map((p) => [p.name, p]));
  // Short names (`auth`) are accepted too; answers the full name, or null when unknown.
  const requestRestart = (name: string): string | null => {
    const target = byName.get(name) ?? byName.get(`${name}-service`);
    if (!target || stopping) return null;
    void target.restart();
    return target.name;
  };

  let control: ControlServer;
  try {
    control = await startControlServer({
      host: '127.0.0.1',
      port: controlPort,
      token: options.chaosToken,
      listServices: () => processes.map((p) => p.status()),
      restartService: (name) => {
        const restarting = requestRestart(name);
        return restarting === null ? null : { name: restarting, restarting: true };
      },
    });
  } catch (error) {
    for (const sink of sinks) sink.close();
    // Taken between the check and now.
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(controlPort, 'supervisor control interface');
    throw error;
  }

  const startedAt = new Date();
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });

  say('INFO', `starting ${processes.length} services (control ${control.url}, state ${home})`);
  for (const managed of processes) managed.start();
  writeSupervisorFile(home, {
    pid: process.pid,
    control_url: control.url,
    started_at: startedAt.toISOString(),
    services: processes.map((p) => ({ name: p.name, url: p.url })),
  });

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      say('INFO', 'stopping');
      await control.close();
      await Promise.all(processes.map((p) => p.stop()));
      removeSupervisorFile(home, process.pid);
      say('INFO', 'stopped');
      for (const sink of sinks) sink.close();
      resolveStopped();
    })();
    return stopping;
  };

  return {
    home,
    logsDir,
    controlUrl: control.url,
    startedAt,
    stopped,
    status: () => processes.map((p) => p.status()),
    pids: () => processes.flatMap((p) => [...p.pids]),
    restart: (name) => requestRestart(name) !== null,
    stop,
    killAll() {
      for (const managed of processes) managed.kill();
      removeSupervisorFile(home, process.pid);
    },
    async waitHealthy(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!stopping) {
        const failed = processes.filter((p) => p.crashesBeforeHealthy >= STARTUP_CRASH_LIMIT);
        const pending = processes.filter((p) => p.state !== 'running');
        if (pending.length === 0) return;
        if (failed.length > 0 || Date.now() >= deadline) {
          const culprits = failed.length > 0 ? failed : pending;
          const why =
            failed.length > 0
              ? `exited ${STARTUP_CRASH_LIMIT} times before answering its health check`
              : `did not answer its health check within ${formatMs(timeoutMs)}`;
          throw new StartupError(
            `${culprits.map((p) => p.name).join(', ')} ${why}`,
            culprits.map((p) => {
              const status = p.status();
              return { name: p.name, state: status.state, lastExit: status.last_exit, recent: p.recentRecords() };
            }),
          );
        }
        await sleep(Math.min(100, Math.max(deadline - Date.now(), 1)));
      }
      throw new StartupError('the supervisor was stopped before every service was healthy', []);
    },
  };
}
