import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 3;

export interface LogSinkOptions {
  /** Rotate before a write would make the file larger than this. */
  readonly maxBytes?: number;
  /** How many rotated files to keep (`<file>.1` is the newest). */
  readonly keep?: number;
  /** Called once per failing write; the sink never throws into the caller. */
  readonly onError?: (error: Error) => void;
}

/**
 * Appends lines to one log file, rotating it by size (`x.log` → `x.log.1` → … → `x.log.<keep>`).
 * Writes are synchronous so that a stop or a crash of the supervisor loses nothing.
 */
export class LogSink {
  readonly #maxBytes: number;
  readonly #keep: number;
  readonly #onError: (error: Error) => void;
  #fd: number | null = null;
  #size = 0;
  #failed = false;
  #closed = false;

  constructor(
    readonly path: string,
    options: LogSinkOptions = {},
  ) {
    this.#maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_LOG_MAX_BYTES);
    this.#keep = Math.max(1, options.keep ?? DEFAULT_LOG_KEEP);
    this.#onError = options.onError ?? (() => {});
  }

  /** Appends each line (without its newline) as one line of the file. */
  append(lines: readonly string[]): void {
    if (lines.length === 0 || this.#closed) return;
    try {
      this.#open();
      let pending = '';
      let pendingBytes = 0;
      for (const line of lines) {
        const text = `${line}\n`;
        const bytes = Buffer.byteLength(text);
        if (this.#size + pendingBytes + bytes > this.#maxBytes && this.#size + pendingBytes > 0) {
          this.#write(pending, pendingBytes);
          pending = '';
          pendingBytes = 0;
          this.#rotate();
        }
        pending += text;
        pendingBytes += bytes;
      }
      this.#write(pending, pendingBytes);
    } catch (error) {
      this.#report(error as Error);
    }
  }

  /** Closes the file; later appends are dropped. */
  close(): void {
    this.#closed = true;
    this.#closeFile();
  }

  #closeFile(): void {
    if (this.#fd === null) return;
    try {
      closeSync(this.#fd);
    } catch (error) {
      this.#report(error as Error);
    }
    this.#fd = null;
  }

  #open(): number {
    if (this.#fd !== null) return this.#fd;
    mkdirSync(dirname(this.path), { recursive: true });
    this.#fd = openSync(this.path, 'a');
    this.#size = fstatSync(this.#fd).size;
    return this.#fd;
  }

  #write(text: string, bytes: number): void {
    if (bytes === 0) return;
    writeSync(this.#open(), text);
    this.#size += bytes;
  }

  #rotate(): void {
    this.#closeFile();
    rmSync(`${this.path}.${this.#keep}`, { force: true });
    for (let index = this.#keep - 1; index >= 1; index--) {
      renameIfExists(`${this.path}.${index}`, `${this.path}.${index + 1}`);
    }
    renameIfExists(this.path, `${this.path}.1`);
    this.#open();
  }

  #report(error: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#onError(error);
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
