import type { TraceQuery } from '../repositories/span.repository.ts';
import { parseDuration } from './duration.ts';

/** A query string value as Fastify hands it over: absent, one value, or repeated. */
export type QueryValue = string | string[] | undefined;

/** Raised for a bad search parameter; the message names it, in jaeger-query's words. */
export class TraceQueryError extends Error {}

export const DEFAULT_TRACE_LIMIT = 100;
/** The largest `limit` honoured (the Jaeger UI offers at most 1500). */
export const MAX_TRACE_LIMIT = 1500;
/** jaeger-query's default search window when `start` is absent. */
export const DEFAULT_LOOKBACK_US = 2 * 86_400 * 1_000_000;

const TRACE_ID = /^[0-9a-fA-F]{1,32}$/;
const INTEGER = /^-?\d+$/;

export type SearchRequest = { kind: 'ids'; traceIds: string[] } | { kind: 'query'; query: TraceQuery };

const first = (value: QueryValue): string | undefined => (Array.isArray(value) ? value[0] : value);
const all = (value: QueryValue): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Normalizes a trace id as jaeger-query accepts it: up to 32 hex digits, left-padded with zeros. */
export function normalizeTraceId(text: string): string | null {
  return TRACE_ID.test(text) ? text.toLowerCase().padStart(32, '0') : null;
}

/**
 * Reads the parameters of `GET /api/traces` as jaeger-query does (service required unless
 * `traceID` is given; `start`/`end` in unix µs; durations as Go durations; `tags` a JSON
 * object, `tag` repeated `key:value`), plus `lookback` (e.g. `1h`) for a window ending at `end`.
 */
export function parseTraceSearch(params: Record<string, QueryValue>, nowUs: number): SearchRequest {
  const traceIds = all(params.traceID).map((id) => {
    const normalized = normalizeTraceId(id);
    if (normalized === null) throw new TraceQueryError(`cannot parse traceID param: "${id}" is not a trace id`);
    return normalized;
  });
  if (traceIds.length > 0) return { kind: 'ids', traceIds };

  const endUs = time(params, 'end') ?? nowUs;
  const lookbackText = first(params.lookback);
  let lookbackUs = DEFAULT_LOOKBACK_US;
  if (lookbackText !== undefined && lookbackText !== '' && lookbackText !== 'custom') {
    const nanos = parseDuration(lookbackText);
    if (nanos === null) throw new TraceQueryError(`unable to parse param 'lookback': invalid duration "${lookbackText}"`);
    lookbackUs = nanos / 1000;
  }
  const startUs = time(params, 'start') ?? endUs - lookbackUs;
  const tags = parseTags(all(params.tag), all(params.tags));

  let limit = DEFAULT_TRACE_LIMIT;
  const limitText = first(params.limit);
  if (limitText !== undefined && limitText !== '') {
    if (!INTEGER.test(limitText) || Number(limitText) < 0) {
      throw new TraceQueryError(`unable to parse param 'limit': "${limitText}" is not a non-negative integer`);
    }
    limit = Math.min(Number(limitText) || DEFAULT_TRACE_LIMIT, MAX_TRACE_LIMIT);
  }
  const minNanos = duration(params, 'minDuration');
  const maxNanos = duration(params, 'maxDuration');
  const service = first(params.service) ?? '';
  if (service === '') throw new TraceQueryError("parameter 'service' is required");
  if (minNanos && maxNanos && maxNanos < minNanos) throw new TraceQueryError("'maxDuration' should be greater than 'minDuration'");
  const operation = first(params.operation);
  return {
    kind: 'query',
    query: {
      service,
      operation: operation === '' ? undefined : operation,
      tags,
      startUs,
      endUs,
      // Stored durations are whole microseconds.
      minDurationUs: minNanos ? Math.ceil(minNanos / 1000) : undefined,
      maxDurationUs: maxNanos ? Math.floor(maxNanos / 1000) : undefined,
      limit,
    },
  };
}

function time(params: Record<string, QueryValue>, name: string): number | undefined {
  const text = first(params[name]);
  if (text === undefined || text === '') return undefined;
  if (!INTEGER.test(text)) throw new TraceQueryError(`unable to parse param '${name}': "${text}" is not unix microseconds`);
  return Number(text);
}

function duration(params: Record<string, QueryValue>, name: string): number | undefined {
  const text = first(params[name]);
  if (text === undefined || text === '') return undefined;
  const nanos = parseDuration(text);
  if (nanos === null) throw new TraceQueryError(`unable to parse param '${name}': invalid duration "${text}" (e.g. 1.2s, 100ms, 500us)`);
  return nanos;
}

function parseTags(simple: string[], json: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of simple) {
    const at = tag.indexOf(':');
    if (at < 1) throw new TraceQueryError(`malformed 'tag' parameter, expecting key:value, received: ${tag}`);
    tags[tag.slice(0, at)] = tag.slice(at + 1);
  }
  for (const text of json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new TraceQueryError(`malformed 'tags' parameter, cannot unmarshal JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new TraceQueryError("malformed 'tags' parameter, cannot unmarshal JSON: expected an object of key: value");
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new TraceQueryError(`malformed 'tags' parameter, cannot unmarshal JSON: the value of "${key}" is not a string`);
      }
      tags[key] = String(value);
    }
  }
  return tags;
}
