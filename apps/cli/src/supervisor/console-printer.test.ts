import { describe, expect, it } from 'vitest';
import { createConsolePrinter } from './console-printer.ts';
import { toLogRecord } from './log-record.ts';

function printed(
  options: { format?: 'pretty' | 'json'; quiet?: boolean; timestamps?: boolean },
  lines: Array<[string, 'stdout' | 'stderr']>,
): string {
  let out = '';
  const print = createConsolePrinter({
    format: options.format ?? 'pretty',
    quiet: options.quiet ?? false,
    color: false,
    nameWidth: 15,
    timestamps: options.timestamps ?? false,
    write: (t) => (out += t),
  });
  for (const [line, stream] of lines) {
    const record = toLogRecord('auth-service', line, stream);
    if (record) print(record);
  }
  return out;
}

const INFO =
  '{"service":"auth-service","level":"INFO","message":"login ok","timestamp":"2026-01-15T10:30:00.000Z","trace_id":"abcd1234ef567890abcd1234ef567890"}';

describe(createConsolePrinter.name, () => {
  it('prints one readable line: service, level, message, short trace id', () => {
    expect(printed({}, [[INFO, 'stdout']])).toBe('auth-service    INFO  login ok  trace=abcd1234\n');
  });

  it('shows only WARN and ERROR when quiet', () => {
    expect(
      printed({ quiet: true }, [
        [INFO, 'stdout'],
        ['boom', 'stderr'],
      ]),
    ).toBe('auth-service    ERROR boom\n');
  });

  it('starts each line with the time of day of the record with timestamps', () => {
    expect(printed({ timestamps: true }, [[INFO, 'stdout']])).toBe('10:30:00.000 auth-service    INFO  login ok  trace=abcd1234\n');
  });

  it('prints the stored JSON line as is with json', () => {
    expect(printed({ format: 'json' }, [[INFO, 'stdout']])).toBe(`${INFO}\n`);
  });
});
