import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../logging/logger.ts';

/** A logger whose lines are kept in memory, parsed, for tests. */
export interface CapturedLogger {
  logger: Logger;
  /** Raw lines written so far. */
  readonly lines: string[];
  /** Lines parsed as JSON. */
  records(): Array<Record<string, unknown>>;
  /** The first parsed line that matches. */
  find(predicate: (record: Record<string, unknown>) => boolean): Record<string, unknown> | undefined;
}

/** Creates a {@link CapturedLogger} for a service (level debug unless given). */
export function captureLogger(service: string, level = 'debug'): CapturedLogger {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
      callback();
    },
  });
  const records = (): Array<Record<string, unknown>> => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    logger: createLogger({ service, level, destination }),
    lines,
    records,
    find: (predicate) => records().find(predicate),
  };
}
