import { describe, expect, it } from 'vitest';
import { newestFirst, normaliseLevel, toLogLine } from './log-reader.ts';

describe(toLogLine.name, () => {
  it('does keep a SPEC line as it is, extra fields included', () => {
    const raw = {
      service: 'db-service',
      level: 'WARN',
      message: 'slow',
      timestamp: '2026-01-15T10:30:00.000Z',
      trace_id: 'abc',
      http: { status: 200 },
    };
    expect(toLogLine(raw)).toEqual(raw);
    expect(toLogLine(JSON.stringify(raw))).toEqual(raw);
  });

  it('does fill what a line lacks from its context, and map pino numbers and aliases to SPEC levels', () => {
    expect(toLogLine({ msg: 'hi', level: 50, time: 1768473000000 }, { service: 'auth-service' })).toEqual({
      service: 'auth-service',
      level: 'ERROR',
      message: 'hi',
      timestamp: '2026-01-15T10:30:00.000Z',
    });
    expect(toLogLine({ message: 'x', level: 'warning', timestamp: 't' }).level).toBe('WARN');
    expect(toLogLine({ message: 'x', timestamp: 't' }, { level: 'error' }).level).toBe('ERROR');
    expect(toLogLine({ message: 'x', timestamp: 't', trace_id: '' })).not.toHaveProperty('trace_id');
  });

  it('does turn a line that is not JSON into its message', () => {
    expect(toLogLine('Segmentation fault', { service: 'db-service', level: 'ERROR', timestamp: '2026-01-15T10:30:00.000Z' })).toEqual({
      service: 'db-service',
      level: 'ERROR',
      message: 'Segmentation fault',
      timestamp: '2026-01-15T10:30:00.000Z',
    });
    expect(toLogLine('[1,2]').message).toBe('[1,2]');
  });
});

describe(normaliseLevel.name, () => {
  it('does know the SPEC levels, pino numbers and common aliases, and nothing else', () => {
    expect(['debug', 'INFO', 'Warn', 'ERROR'].map(normaliseLevel)).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']);
    expect([10, 30, 40, 60].map(normaliseLevel)).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']);
    expect(['fatal', 'critical', 'trace'].map(normaliseLevel)).toEqual(['ERROR', 'ERROR', 'DEBUG']);
    expect([undefined, 'loud', 35].map(normaliseLevel)).toEqual([undefined, undefined, undefined]);
  });
});

describe(newestFirst.name, () => {
  it('does order by timestamp, newest first, keeping the order of equal timestamps', () => {
    const line = (message: string, timestamp: string) => toLogLine({ service: 's', level: 'INFO', message, timestamp });
    const ordered = newestFirst([
      line('a', '2026-01-15T10:30:00.000Z'),
      line('b', '2026-01-15T10:30:02.000Z'),
      line('c', '2026-01-15T10:30:00.000Z'),
    ]);
    expect(ordered.map((l) => l.message)).toEqual(['b', 'a', 'c']);
  });
});
