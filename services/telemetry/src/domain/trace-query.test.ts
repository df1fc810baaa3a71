import { describe, expect, it } from 'vitest';
import { DEFAULT_LOOKBACK_US, normalizeTraceId, parseTraceSearch, TraceQueryError } from './trace-query.ts';

const NOW_US = 1_768_473_000_000_000;

describe(parseTraceSearch.name, () => {
  it('does read a search as jaeger-query does, with its defaults', () => {
    expect(parseTraceSearch({ service: 'db-service' }, NOW_US)).toEqual({
      kind: 'query',
      query: {
        service: 'db-service',
        operation: undefined,
        tags: {},
        startUs: NOW_US - DEFAULT_LOOKBACK_US,
        endUs: NOW_US,
        minDurationUs: undefined,
        maxDurationUs: undefined,
        limit: 100,
      },
    });
    const search = parseTraceSearch(
      {
        service: 'db-service',
        operation: 'GET /products',
        tags: '{"error":"true","http.response.status_code":500}',
        tag: ['chaos.fault:timeout', 'url.full:http://x:1/y'],
        minDuration: '1.5ms',
        maxDuration: '2s',
        limit: '5000',
        end: String(NOW_US),
        lookback: '1h',
      },
      0,
    );
    expect(search).toEqual({
      kind: 'query',
      query: {
        service: 'db-service',
        operation: 'GET /products',
        tags: { error: 'true', 'http.response.status_code': '500', 'chaos.fault': 'timeout', 'url.full': 'http://x:1/y' },
        startUs: NOW_US - 3_600_000_000,
        endUs: NOW_US,
        minDurationUs: 1500,
        maxDurationUs: 2_000_000,
        limit: 1500,
      },
    });
  });

  it('does fetch trace ids instead when traceID is given, padding short ids', () => {
    expect(parseTraceSearch({ traceID: ['ABC', '0af7651916cd43dd8448eb211c80319c'] }, NOW_US)).toEqual({
      kind: 'ids',
      traceIds: ['00000000000000000000000000000abc', '0af7651916cd43dd8448eb211c80319c'],
    });
    expect(normalizeTraceId('g')).toBeNull();
    expect(normalizeTraceId('0'.repeat(33))).toBeNull();
  });

  it("does name the bad parameter in jaeger-query's words", () => {
    expect(() => parseTraceSearch({}, NOW_US)).toThrow(new TraceQueryError("parameter 'service' is required"));
    expect(() => parseTraceSearch({ service: 'x', lookback: 'custom' }, NOW_US)).not.toThrow();
    expect(() => parseTraceSearch({ service: 'x', end: '1.5' }, NOW_US)).toThrow(/unable to parse param 'end'/);
    expect(() => parseTraceSearch({ service: 'x', tags: '[1]' }, NOW_US)).toThrow(/malformed 'tags' parameter/);
    expect(() => parseTraceSearch({ service: 'x', tags: '{"a":{"b":1}}' }, NOW_US)).toThrow(/malformed 'tags' parameter/);
    expect(() => parseTraceSearch({ traceID: 'xyz' }, NOW_US)).toThrow(/cannot parse traceID param/);
  });
});
