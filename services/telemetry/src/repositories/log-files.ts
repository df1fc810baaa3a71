import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { matchesLog, mayMatchRaw, parseLogLine, SERVICE_NAME, type LogEntry, type LogFilter } from '../domain/log-query.ts';

/** Rotated generations the supervisor keeps next to `<service>.log` (`.1` is the newest). */
export const ROTATED_FILES = 3;
const CHUNK_BYTES = 64 * 1024;
/** A longer line is skipped rather than assembled. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
/**
 * Lines of one file are in write order, and their timestamps are nearly so (a process's own
 * lines and the supervisor's may cross by a little): a file is read past `since` by this much.
 */
const SINCE_SLACK_MS = 60_000;

/** The services that have a log file in the folder, sorted. */
export async function logServices(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return servicesOfFiles(names);
}

/** The services whose current log file is among these file names, sorted. */
export function servicesOfFiles(names: readonly string[]): string[] {
  return names
    .filter((name) => name.endsWith('.log'))
    .map((name) => name.slice(0, -'.log'.length))
    .filter((service) => SERVICE_NAME.test(service))
    .sort();
}

/**
 * The newest lines matching the filter, newest first, across services (merged by
 * timestamp) and across each service's current and rotated files. Files are read
 * backwards in chunks, and reading stops once enough lines are found or the lines get
 * older than `since`; lines still being written (no final newline) are left out.
 */
export async function readLogs(dir: string, filter: LogFilter, limit: number): Promise<LogEntry[]> {
  const services = filter.service === undefined ? await logServices(dir) : [filter.service];
  const cursors = (await Promise.all(services.map((service) => ServiceCursor.open(dir, service, filter)))).filter(
    (cursor): cursor is ServiceCursor => cursor !== null,
  );
  try {
    const heads = await Promise.all(cursors.map((cursor) => cursor.next()));
    const result: LogEntry[] = [];
    while (result.length < limit) {
      let pick = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head && (pick === -1 || (head.timeMs ?? 0) > (heads[pick]!.timeMs ?? 0))) pick = i;
      }
      if (pick === -1) break;
      result.push(heads[pick]!);
      heads[pick] = await cursors[pick]!.next();
    }
    return result;
  } finally {
    await Promise.all(cursors.map((cursor) => cursor.close()));
  }
}

/** Matching lines of one service, newest first, over its files. */
class ServiceCursor {
  private fileIndex = 0;
  private lines: AsyncGenerator<string> | null = null;
  /** Time of the last line read: a line without a timestamp takes its newer neighbour's. */
  private lastTimeMs: number | null = null;

  private constructor(
    private readonly service: string,
    private readonly files: Array<{ handle: FileHandle; size: number }>,
    private readonly filter: LogFilter,
  ) {}

  /** Opens the current and rotated files at once, so that a rotation while reading changes nothing. */
  static async open(dir: string, service: string, filter: LogFilter): Promise<ServiceCursor | null> {
    const base = join(dir, `${service}.log`);
    const paths = [base, ...Array.from({ length: ROTATED_FILES }, (_, i) => `${base}.${i + 1}`)];
    const opened = await Promise.all(paths.map((path) => open(path, 'r').catch(() => null)));
    const files: Array<{ handle: FileHandle; size: number }> = [];
    const seen = new Set<string>();
    for (const handle of opened) {
      if (!handle) continue;
      const stat = await handle.stat();
      // A rotation between two opens shows the same file twice: read it once.
      const identity = `${stat.dev}:${stat.ino}`;
      if (seen.has(identity)) {
        await handle.close();
        continue;
      }
      seen.add(identity);
      files.push({ handle, size: stat.size });
    }
    return files.length === 0 ? null : new ServiceCursor(service, files, filter);
  }

  async next(): Promise<LogEntry | null> {
    while (this.fileIndex < this.files.length) {
      const file = this.files[this.fileIndex]!;
      this.lines ??= linesBackward(file.handle, file.size);
      for (let step = await this.lines.next(); !step.done; step = await this.lines.next()) {
        const raw = step.value;
        if (!mayMatchRaw(raw, this.filter)) continue;
        const parsed = parseLogLine(this.service, raw);
        if (!parsed) continue;
        const entry = parsed.timeMs === null ? { ...parsed, timeMs: this.lastTimeMs } : parsed;
        this.lastTimeMs = entry.timeMs;
        if (this.filter.sinceMs !== undefined && entry.timeMs !== null && entry.timeMs < this.filter.sinceMs - SINCE_SLACK_MS) {
          this.fileIndex = this.files.length;
          return null;
        }
        if (matchesLog(entry, this.filter)) return entry;
      }
      this.lines = null;
      this.fileIndex++;
    }
    return null;
  }

  async close(): Promise<void> {
    await Promise.all(this.files.map((file) => file.handle.close().catch(() => undefined)));
  }
}

/** The complete lines of a file from its end to its start (a last line without newline is skipped). */
export async function* linesBackward(handle: FileHandle, size: number, chunkBytes = CHUNK_BYTES): AsyncGenerator<string> {
  let position = size;
  let pending: Buffer = Buffer.alloc(0);
  let afterLastNewline = true;
  let oversized = false;
  while (position > 0) {
    const length = Math.min(chunkBytes, position);
    position -= length;
    const chunk = Buffer.alloc(length);
    const { bytesRead } = await handle.read(chunk, 0, length, position);
    const data = pending.length > 0 ? Buffer.concat([chunk.subarray(0, bytesRead), pending]) : chunk.subarray(0, bytesRead);
    let end = data.length;
    let newline = end > 0 ? data.lastIndexOf(0x0a, end - 1) : -1;
    while (newline !== -1) {
      const line = data.subarray(newline + 1, end);
      if (afterLastNewline) afterLastNewline = false;
      else if (oversized) oversized = false;
      else if (line.length > 0) yield line.toString('utf8');
      end = newline;
      newline = end > 0 ? data.lastIndexOf(0x0a, end - 1) : -1;
    }
    pending = data.subarray(0, end);
    if (pending.length > MAX_LINE_BYTES) {
      pending = Buffer.alloc(0);
      // The unfinished last line is skipped anyway; any other is skipped when its start is reached.
      oversized = !afterLastNewline;
    }
  }
  if (!afterLastNewline && !oversized && pending.length > 0) yield pending.toString('utf8');
}
