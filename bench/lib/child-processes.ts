import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Variables the services read; inherited values are dropped so the bench sets every one itself. */
const SERVICE_VARIABLES =
  /^(PORT|HOST|ARCHAICS_HOME|CHAOS_TOKEN|CHAOS_OPEN|LOG_LEVEL|TRACE_SAMPLE_RATIO|DB_PATH|AUTH_DB_PATH|JWT_SECRET|[A-Z_]+_SERVICE_URL|[A-Z_]+_TIMEOUT_MS|OTEL_[A-Z_]+|TELEMETRY_[A-Z_]+)$/;

export interface ChildSpec {
  /** Name used for log files and messages, e.g. `instrumented-auth`. */
  name: string;
  /** Absolute path of the TypeScript entry point (run with `node --import tsx`). */
  script: string;
  /** Variables on top of the inherited environment; `undefined` leaves a variable unset. */
  env: Record<string, string | undefined>;
  /** Folder that receives `<name>.stdout.log` and `<name>.stderr.log`. */
  logDir: string;
  /** Polled until it answers 2xx. */
  healthUrl: string;
  /** Working directory (the repository root, so `tsx` and workspaces resolve). */
  cwd: string;
  /** Extra node flags before `--import tsx` (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

export interface RunningChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly stdoutPath: string;
  readonly stderrPath: string;
}

/** Bytes written so far to a file (0 when it does not exist). */
export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function tail(path: string, chars = 1_500): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(-chars).trim();
  } catch {
    return '';
  }
}

function childEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!SERVICE_VARIABLES.test(key)) env[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** Polls `url` until it answers 2xx, the child exits, or the deadline passes. */
async function waitForHealth(child: RunningChild, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      const stderr = tail(child.stderrPath);
      const stdout = tail(child.stdoutPath, 600);
      throw new Error(
        `${child.name} exited (code ${child.process.exitCode}, signal ${child.process.signalCode}) before ${url} answered` +
          (stderr ? `\n--- stderr ---\n${stderr}` : '') +
          (stdout ? `\n--- stdout ---\n${stdout}` : ''),
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await sleep(150);
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms (${lastProblem})\n${tail(child.stderrPath)}`);
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Child processes started by the bench; every one of them is stopped by {@link ProcessGroup.stopAll}. */
export class ProcessGroup {
  private readonly children = new Set<RunningChild>();

  /** Starts `node --import tsx <script>` with stdout/stderr to files and waits for its health URL. */
  async start(spec: ChildSpec): Promise<RunningChild> {
    const stdoutPath = join(spec.logDir, `${spec.name}.stdout.log`);
    const stderrPath = join(spec.logDir, `${spec.name}.stderr.log`);
    mkdirSync(spec.logDir, { recursive: true });
    const out = openSync(stdoutPath, 'a');
    const err = openSync(stderrPath, 'a');
    let proc: ChildProcess;
    try {
      proc = spawn(process.execPath, [...(spec.nodeArgs ?? []), '--import', 'tsx', spec.script], {
        cwd: spec.cwd,
        env: childEnv(spec.env),
        stdio: ['ignore', out, err],
      });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    const child: RunningChild = { name: spec.name, process: proc, stdoutPath, stderrPath };
    this.children.add(child);
    proc.once('error', () => undefined);
    await waitForHealth(child, spec.healthUrl, spec.startTimeoutMs ?? 30_000);
    return child;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(child: RunningChild, graceMs = 3_000): Promise<void> {
    this.children.delete(child);
    const proc = child.process;
    if (hasExited(proc)) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = sleep(graceMs).then(() => 'timeout' as const);
    if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout' && !hasExited(proc)) {
      proc.kill('SIGKILL');
      await Promise.race([exited, sleep(1_000)]);
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => this.stop(child)));
  }

  /** Last resort for `process.on('exit')`: synchronous SIGKILL of whatever is still running. */
  killAllNow(): void {
    for (const child of this.children) {
      if (!hasExited(child.process)) child.process.kill('SIGKILL');
    }
    this.children.clear();
  }
}
