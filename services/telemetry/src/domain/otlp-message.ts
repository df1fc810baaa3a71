import type { NormalizedRequest } from './otlp-request.ts';
import { NO_SERVICE_NAME, type SpanEvent, type SpanLink, type SpanRecord, type Tag } from './span.ts';

/**
 * Normalizes an ExportTraceServiceRequest as protobufjs decoded it (message objects: ids as
 * byte arrays, 64-bit integers as Long or number), straight into span records: the same
 * records, rejections and reasons as `normalizeExportRequest(decodeExportRequest(bytes),
 * 'base64')`, without the detour through `toObject` (64-bit integers to decimal text, ids to
 * base64) and back (text to BigInt, base64 to hex), which cost most of a span's decoding.
 *
 * Decoding stays with protobufjs and the OTLP proto definitions (otlp-proto.ts): this only
 * reads what it produced. Attribute values holding arrays or maps are rare and rendered as
 * JSON text by the general path: for those it answers `null` and the caller takes that path.
 */
export function normalizeDecodedRequest(message: unknown): NormalizedRequest | null {
  const spans: SpanRecord[] = [];
  const reasons: string[] = [];
  let rejected = 0;
  const resourceSpans = listOf(message, 'resourceSpans');
  for (let r = 0; r < resourceSpans.length; r++) {
    const rs = resourceSpans[r] as Msg;
    const resourceMessage = own(rs, 'resource') as Msg | undefined;
    const resource = resourceMessage ? tags(listOf(resourceMessage, 'attributes')) : [];
    if (resource === null) return null;
    const serviceTag = resource.find((tag) => tag.key === 'service.name');
    const service = serviceTag && serviceTag.value !== '' ? String(serviceTag.value) : NO_SERVICE_NAME;
    const scopeSpans = listOf(rs, 'scopeSpans');
    for (let s = 0; s < scopeSpans.length; s++) {
      const ss = scopeSpans[s] as Msg;
      const scope = own(ss, 'scope') as Msg | undefined;
      const scopeName = scope ? text(scope, 'name') : '';
      const scopeVersion = scope ? text(scope, 'version') : '';
      const list = listOf(ss, 'spans');
      for (let i = 0; i < list.length; i++) {
        const result = span(list[i] as Msg, service, resource, scopeName, scopeVersion);
        if (result === null) return null;
        if (typeof result === 'string') {
          rejected++;
          if (reasons.length < MAX_REASONS) reasons.push(`resourceSpans[${r}].scopeSpans[${s}].spans[${i}]: ${result}`);
        } else spans.push(result);
      }
    }
  }
  return { spans, rejected, reasons };
}

type Msg = Record<string, unknown>;

const MAX_REASONS = 5;
const EMPTY: readonly unknown[] = [];

/** A field the message carries itself (protobufjs keeps defaults on the prototype). */
function own(message: Msg, field: string): unknown {
  return Object.hasOwn(message, field) ? message[field] : undefined;
}

function listOf(message: unknown, field: string): readonly unknown[] {
  const value = (message as Msg)[field];
  return Array.isArray(value) ? value : EMPTY;
}

function text(message: Msg, field: string): string {
  const value = own(message, field);
  return typeof value === 'string' ? value : '';
}

function int(message: Msg, field: string): number {
  const value = own(message, field);
  return typeof value === 'number' ? value : 0;
}

/** Unix nanoseconds (fixed64: a Long, or a number without long.js) to whole microseconds, exactly. */
function micros(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return Math.floor(value / 1000);
  const { low, high } = value as { low: number; high: number };
  const hi = high >>> 0;
  const lo = low >>> 0;
  // Past 2⁵³ µs (the year 2255) doubles are not exact: there, as the general path does, BigInt.
  if (hi >= 2_000_000_000) return Number(((BigInt(hi) << 32n) | BigInt(lo)) / 1000n);
  // (hi·2³² + lo) / 1000 without leaving exact integers: 2³² = 4294967·1000 + 296.
  return hi * 4_294_967 + Math.floor((hi * 296 + lo) / 1000);
}

/** A signed 64-bit integer (a Long, or a number) as the nearest double, as `Number(decimal)` gives it. */
function int64(value: unknown): number {
  if (typeof value === 'number') return value;
  const { low, high, unsigned } = value as { low: number; high: number; unsigned?: boolean };
  return (unsigned ? high >>> 0 : high | 0) * 4_294_967_296 + (low >>> 0);
}

function hexOf(bytes: unknown): string {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const ALL_ZERO = /^0+$/;

/** A required id: null when absent, of the wrong length or all zero. */
function id(bytes: unknown, length: number): string | null {
  const hex = hexOf(bytes);
  return hex.length !== length * 2 || ALL_ZERO.test(hex) ? null : hex;
}

/** A span record; a string saying why the span is dropped; null when the general path must decide. */
function span(raw: Msg, service: string, resource: Tag[], scopeName: string, scopeVersion: string): SpanRecord | string | null {
  const attributes = tags(listOf(raw, 'attributes'));
  if (attributes === null) return null;
  const eventList = listOf(raw, 'events');
  const events: SpanEvent[] = [];
  for (const value of eventList) {
    const e = value as Msg;
    const eventTags = tags(listOf(e, 'attributes'));
    if (eventTags === null) return null;
    events.push({ timeUs: micros(own(e, 'timeUnixNano')), name: text(e, 'name'), attributes: eventTags });
  }
  const links: SpanLink[] = [];
  for (const value of listOf(raw, 'links')) {
    const l = value as Msg;
    const traceId = id(own(l, 'traceId'), 16);
    const spanId = id(own(l, 'spanId'), 8);
    if (traceId && spanId) links.push({ traceId, spanId });
  }
  const traceId = id(own(raw, 'traceId'), 16);
  const spanId = id(own(raw, 'spanId'), 8);
  if (traceId === null) return 'traceId must be 32 hex digits, not all zero';
  if (spanId === null) return 'spanId must be 16 hex digits, not all zero';
  const parentHex = hexOf(own(raw, 'parentSpanId'));
  if (parentHex !== '' && parentHex.length !== 16) return 'parentSpanId must be empty or 16 hex digits';
  const startUs = micros(own(raw, 'startTimeUnixNano'));
  if (startUs <= 0) return 'startTimeUnixNano is required';
  const endUs = micros(own(raw, 'endTimeUnixNano'));
  const status = own(raw, 'status') as Msg | undefined;
  const statusCode = status ? int(status, 'code') : 0;
  const kind = int(raw, 'kind');
  return {
    traceId,
    spanId,
    parentSpanId: parentHex === '' || ALL_ZERO.test(parentHex) ? null : parentHex,
    service,
    operation: text(raw, 'name'),
    kind: kind >= 0 && kind <= 5 ? kind : 0,
    startUs,
    durationUs: Math.max(0, endUs - startUs),
    statusCode: statusCode >= 0 && statusCode <= 2 ? statusCode : 0,
    statusMessage: status ? text(status, 'message') : '',
    flags: int(raw, 'flags') & 0xff,
    traceState: text(raw, 'traceState'),
    scopeName,
    scopeVersion,
    attributes,
    events,
    links,
    resource,
  };
}

/** KeyValues as Jaeger tags; null when a value holds an array or a map (the general path renders those). */
function tags(list: readonly unknown[]): Tag[] | null {
  const result: Tag[] = [];
  for (const item of list) {
    const kv = item as Msg;
    const key = text(kv, 'key');
    const value = own(kv, 'value') as Msg | undefined | null;
    if (value === undefined || value === null) {
      result.push({ key, type: 'string', value: '' });
      continue;
    }
    // The general path's order, should a message carry more than one member of the oneof.
    if (Object.hasOwn(value, 'stringValue')) result.push({ key, type: 'string', value: value.stringValue as string });
    else if (Object.hasOwn(value, 'boolValue')) result.push({ key, type: 'bool', value: value.boolValue as boolean });
    else if (Object.hasOwn(value, 'intValue')) result.push({ key, type: 'int64', value: int64(value.intValue) });
    else if (Object.hasOwn(value, 'doubleValue')) {
      const d = value.doubleValue as number;
      result.push(Number.isFinite(d) ? { key, type: 'float64', value: d } : { key, type: 'string', value: String(d) });
    } else if (Object.hasOwn(value, 'bytesValue')) {
      const bytes = value.bytesValue as Uint8Array;
      result.push({ key, type: 'binary', value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') });
    } else if (Object.hasOwn(value, 'arrayValue') || Object.hasOwn(value, 'kvlistValue')) return null;
    else result.push({ key, type: 'string', value: '' });
  }
  return result;
}
