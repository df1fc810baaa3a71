import { readdirSync, statSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseLogLine, type LogEntry } from '../domain/log-query.ts';
import { ROTATED_FILES, servicesOfFiles } from './log-files.ts';

export interface LogFollowerOptions {
  /** How often the files are looked at. */
  readonly pollMs: number;
  /** Most bytes read from one file per poll, so a burst is spread over several polls. */
  readonly maxReadBytes?: number;
  /** Told when a poll fails (it never throws into the timer). */
  readonly onError?: (error: Error) => void;
}

type Listener = (entry: LogEntry) => void;

interface FileState {
  dev: number;
  ino: number;
  offset: number;
  /** Bytes after the last newline read so far: the start of a line still being written. */
  partial: Buffer;
}

/**
 * Follows the `<service>.log` files of the supervisor's folder, as `tail -F` would: polls
 * their size, reads what was appended, and hands every new complete line to the listeners.
 * A rotation (the file renamed to `.1`, a new one created) is noticed by the inode change:
 * the rest of the old file is read from its new name before the new file is read from its
 * start. Polling runs only while someone listens, and starts at the files' current ends.
 */
export class LogFollower {
  private readonly listeners = new Set<Listener>();
  private readonly files = new Map<string, FileState>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private generation = 0;
  private readonly maxReadBytes: number;

  constructor(
    private readonly dir: string,
    private readonly options: LogFollowerOptions,
  ) {
    this.maxReadBytes = options.maxReadBytes ?? 4 * 1024 * 1024;
  }

  /** Starts delivering lines written from now on; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.timer === null) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  close(): void {
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    this.generation++;
    this.files.clear();
    // Synchronous, so that nothing written after subscribe() returns is missed.
    for (const service of this.serviceNamesSync()) {
      try {
        const info = statSync(join(this.dir, `${service}.log`));
        this.files.set(service, { dev: info.dev, ino: info.ino, offset: info.size, partial: Buffer.alloc(0) });
      } catch {
        // Gone between readdir and stat: found again by the next poll.
      }
    }
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.generation++;
    this.files.clear();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const generation = this.generation;
    try {
      for (const service of await this.serviceNames()) {
        if (generation !== this.generation) return;
        await this.pollFile(service, generation);
      }
    } catch (error) {
      this.options.onError?.(error as Error);
    } finally {
      this.polling = false;
    }
  }

  private async pollFile(service: string, generation: number): Promise<void> {
    const path = join(this.dir, `${service}.log`);
    let info;
    try {
      info = await stat(path);
    } catch {
      return;
    }
    let state = this.files.get(service);
    if (state === undefined) {
      // A file that appeared after the start: every line of it is new.
      state = { dev: info.dev, ino: info.ino, offset: 0, partial: Buffer.alloc(0) };
      this.files.set(service, state);
    } else if (state.ino !== info.ino || state.dev !== info.dev) {
      await this.drainRotated(service, path, state, generation);
      state = { dev: info.dev, ino: info.ino, offset: 0, partial: Buffer.alloc(0) };
      this.files.set(service, state);
    } else if (info.size < state.offset) {
      state.offset = 0;
      state.partial = Buffer.alloc(0);
    }
    if (info.size > state.offset) await this.readFrom(service, path, state, info.size, generation);
  }

  /** Reads the end of a file that was renamed away, wherever rotation put it. */
  private async drainRotated(service: string, path: string, state: FileState, generation: number): Promise<void> {
    for (let index = 1; index <= ROTATED_FILES; index++) {
      const rotated = `${path}.${index}`;
      try {
        const info = await stat(rotated);
        if (info.ino === state.ino && info.dev === state.dev) {
          if (info.size > state.offset) await this.readFrom(service, rotated, state, info.size, generation);
          if (state.partial.length > 0) this.emit(service, state.partial.toString('utf8'), generation);
          return;
        }
      } catch {
        // Not there: look at the next generation.
      }
    }
  }

  private async readFrom(service: string, path: string, state: FileState, size: number, generation: number): Promise<void> {
    const length = Math.min(size - state.offset, this.maxReadBytes);
    const handle = await open(path, 'r');
    let bytesRead: number;
    const buffer = Buffer.alloc(length);
    try {
      ({ bytesRead } = await handle.read(buffer, 0, length, state.offset));
    } finally {
      await handle.close();
    }
    if (generation !== this.generation) return;
    state.offset += bytesRead;
    const data = state.partial.length > 0 ? Buffer.concat([state.partial, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
    let start = 0;
    for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a, start)) {
      if (newline > start) this.emit(service, data.subarray(start, newline).toString('utf8'), generation);
      start = newline + 1;
    }
    state.partial = Buffer.from(data.subarray(start));
  }

  private emit(service: string, raw: string, generation: number): void {
    if (generation !== this.generation) return;
    const entry = parseLogLine(service, raw);
    if (!entry) return;
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch (error) {
        this.options.onError?.(error as Error);
      }
    }
  }

  private serviceNamesSync(): string[] {
    try {
      return servicesOfFiles(readdirSync(this.dir));
    } catch {
      return [];
    }
  }

  private async serviceNames(): Promise<string[]> {
    try {
      return servicesOfFiles(await readdir(this.dir));
    } catch {
      return [];
    }
  }
}
