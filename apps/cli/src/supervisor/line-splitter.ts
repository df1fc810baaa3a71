import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is cut, so that a process printing without newlines cannot grow memory. */
export const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Turns a byte stream into lines: keeps a partial line across chunks and never splits
 * a multi-byte character.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';

  constructor(private readonly maxLineChars: number = MAX_LINE_CHARS) {}

  /** The complete lines the chunk finished (without their `\n` or `\r\n`). */
  push(chunk: Buffer | string): string[] {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const parts = text.split('\n');
    this.#partial = parts.pop() ?? '';
    const lines = parts.map(stripCarriageReturn);
    while (this.#partial.length > this.maxLineChars) {
      lines.push(this.#partial.slice(0, this.maxLineChars));
      this.#partial = this.#partial.slice(this.maxLineChars);
    }
    return lines;
  }

  /** What is left when the stream ends (a last line without a newline), if anything. */
  end(): string[] {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    return rest === '' ? [] : [stripCarriageReturn(rest)];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
