import { describe, expect, it } from 'vitest';
import { AppError } from '@archaics/server';
import { matchesLog, mayMatchRaw, parseLogLine, parseLogQuery } from './log-query.ts';

const line = (fields: Record<string, unknown>) => parseLogLine('db-service', JSON.stringify(fields))!;
const base = {
  service: 'db-service',
  level: 'WARN',
  message: 'db-service timeout after 1002ms — upstream impact detected',
  timestamp: '2026-01-15T10:30:00.000Z',
  trace_id: '0af7651916cd43dd8448eb211c80319c',
};

describe(parseLogQuery.name, () => {
  it('does read every filter', () => {
    const { filter, limit } = parseLogQuery({
      service: 'db-service',
      level: 'warn,ERROR',
      trace_id: '0AF76519-16CD-43DD-8448-EB211C80319C',
      since: '2026-01-15T10:29:00Z',
      until: '1768473060000',
      q: 'Timeout',
      limit: '20',
    });
    expect(filter).toEqual({
      service: 'db-service',
      levels: new Set(['WARN', 'ERROR']),
      traceId: '0af7651916cd43dd8448eb211c80319c',
      sinceMs: Date.parse('2026-01-15T10:29:00Z'),
      untilMs: 1_768_473_060_000,
      text: 'timeout',
    });
    expect(limit).toBe(20);
    expect(parseLogQuery({}).limit).toBe(100);
  });

  it('does answer 400 naming a bad parameter', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ service: '../etc/passwd' }, /^service must/],
      [{ level: 'LOUD' }, /^level must be one of DEBUG, INFO, WARN, ERROR/],
      [{ trace_id: 'xyz!' }, /^trace_id must/],
      [{ since: 'yesterday' }, /^since must be an ISO-8601 time or unix milliseconds/],
      [{ until: '2026-13-45T99:00:00Z' }, /^until must/],
      [{ since: '2000', until: '1000' }, /^since must not be after until/],
      [{ limit: '0' }, /^limit must be an integer 1\.\.1000/],
      [{ limit: '1001' }, /^limit must/],
      [{ limit: 'ten' }, /^limit must/],
      [{ q: 'x'.repeat(1001) }, /^q must/],
    ];
    for (const [params, message] of cases) {
      try {
        parseLogQuery(params);
        expect.unreachable(JSON.stringify(params));
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).statusCode).toBe(400);
        expect((error as AppError).detail).toMatch(message);
      }
    }
  });
});

describe(matchesLog.name, () => {
  it('does apply every condition, the text case-insensitively on the message', () => {
    const entry = line(base);
    const { filter } = parseLogQuery({ level: 'WARN', trace_id: base.trace_id, q: 'TIMEOUT after', since: '2026-01-15T10:30:00Z' });
    expect(matchesLog(entry, filter)).toBe(true);
    expect(mayMatchRaw(entry.raw, filter)).toBe(true);
    expect(matchesLog(entry, parseLogQuery({ level: 'ERROR' }).filter)).toBe(false);
    expect(matchesLog(entry, parseLogQuery({ q: 'db-service timeout', service: 'auth-service' }).filter)).toBe(false);
    expect(matchesLog(entry, parseLogQuery({ q: 'level' }).filter)).toBe(false);
    expect(matchesLog(entry, parseLogQuery({ until: '2026-01-15T10:29:59.999Z' }).filter)).toBe(false);
    expect(mayMatchRaw(entry.raw, parseLogQuery({ trace_id: 'ffffffffffffffffffffffffffffffff' }).filter)).toBe(false);
  });

  it('does treat a line without a usable timestamp as outside any time window', () => {
    const entry = line({ ...base, timestamp: 'soon' });
    expect(entry.timeMs).toBeNull();
    expect(matchesLog(entry, parseLogQuery({}).filter)).toBe(true);
    expect(matchesLog(entry, parseLogQuery({ since: '0' }).filter)).toBe(false);
    expect(parseLogLine('x', '[1,2]')).toBeNull();
    expect(parseLogLine('x', '{"broken":')).toBeNull();
  });
});
