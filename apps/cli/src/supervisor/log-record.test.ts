import { describe, expect, it } from 'vitest';
import { toLogRecord } from './log-record.ts';

const NOW = new Date('2026-01-15T10:30:00.000Z');

describe(toLogRecord.name, () => {
  it('keeps a JSON object written on stdout exactly as written', () => {
    const line = '{"service":"db-service","level":"WARN","message":"slow","timestamp":"2026-01-15T10:29:59.000Z","trace_id":"abc"}';
    const record = toLogRecord('db-service', line, 'stdout', NOW);
    expect(record?.raw).toBe(line);
    expect(record?.level).toBe('WARN');
  });

  it('wraps a stderr line as an ERROR JSON line', () => {
    const record = toLogRecord('auth-service', 'TypeError: boom', 'stderr', NOW);
    expect(JSON.parse(record?.raw ?? '')).toEqual({
      service: 'auth-service',
      level: 'ERROR',
      message: 'TypeError: boom',
      timestamp: '2026-01-15T10:30:00.000Z',
      stream: 'stderr',
    });
  });

  it('wraps plain text and non-object JSON on stdout as INFO', () => {
    expect(JSON.parse(toLogRecord('x', 'hello', 'stdout', NOW)?.raw ?? '')).toMatchObject({
      level: 'INFO',
      message: 'hello',
      stream: 'stdout',
    });
    expect(JSON.parse(toLogRecord('x', '[1,2]', 'stdout', NOW)?.raw ?? '')).toMatchObject({ level: 'INFO', message: '[1,2]' });
    expect(JSON.parse(toLogRecord('x', '{broken', 'stdout', NOW)?.raw ?? '')).toMatchObject({ message: '{broken' });
  });

  it("marks Node's own warnings on stderr as WARN, and drops blank lines", () => {
    expect(toLogRecord('x', '(node:123) ExperimentalWarning: something', 'stderr', NOW)?.level).toBe('WARN');
    expect(toLogRecord('x', '   ', 'stderr', NOW)).toBeNull();
  });
});
