import { NO_SERVICE_NAME, type SpanEvent, type SpanLink, type SpanRecord, type Tag } from './span.ts';

/** The request is not an OTLP ExportTraceServiceRequest: answered 400, nothing is stored. */
export class OtlpFormatError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path} ${problem}`);
    this.name = 'OtlpFormatError';
  }
}

/** What one request brought: the valid spans, and how many were dropped and why (the first few). */
export interface NormalizedRequest {
  readonly spans: SpanRecord[];
  readonly rejected: number;
  readonly reasons: string[];
}

/**
 * How ids arrive: OTLP/JSON carries them as hex strings; the protobuf path (decoded with
 * `bytes: String`) as base64.
 */
export type IdEncoding = 'hex' | 'base64';

const MAX_REASONS = 5;
const MAX_VALUE_DEPTH = 16;
const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const UNSIGNED = /^\d{1,20}$/;
const SIGNED = /^-?\d{1,20}$/;

const SPAN_KINDS: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Readonly<Record<string, number>> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

type Obj = Record<string, unknown>;

class InvalidSpan extends Error {}

/**
 * Checks and normalizes an ExportTraceServiceRequest given as a plain object tree (parsed
 * OTLP/JSON, or a decoded protobuf message). A structural problem (a wrong type anywhere)
 * throws {@link OtlpFormatError} naming the field; a span with an invalid id or without a
 * start time is dropped and counted, as OTLP's partial success allows.
 */
export function normalizeExportRequest(tree: unknown, ids: IdEncoding): NormalizedRequest {
  const root = object(tree, 'request');
  const spans: SpanRecord[] = [];
  const reasons: string[] = [];
  let rejected = 0;
  const resourceSpans = array(pick(root, 'resourceSpans', 'resource_spans'), 'resourceSpans');
  resourceSpans.forEach((rsValue, r) => {
    const rsPath = `resourceSpans[${r}]`;
    const rs = object(rsValue, rsPath);
    const resourceValue = pick(rs, 'resource');
    const resource =
      resourceValue === undefined
        ? []
        : attributes(pick(object(resourceValue, `${rsPath}.resource`), 'attributes'), `${rsPath}.resource.attributes`);
    const serviceTag = resource.find((tag) => tag.key === 'service.name');
    const service = serviceTag && serviceTag.value !== '' ? String(serviceTag.value) : NO_SERVICE_NAME;
    const scopeSpans = array(pick(rs, 'scopeSpans', 'scope_spans', 'instrumentationLibrarySpans'), `${rsPath}.scopeSpans`);
    scopeSpans.forEach((ssValue, s) => {
      const ssPath = `${rsPath}.scopeSpans[${s}]`;
      const ss = object(ssValue, ssPath);
      const scopeValue = pick(ss, 'scope', 'instrumentationLibrary');
      const scope = scopeValue === undefined ? {} : object(scopeValue, `${ssPath}.scope`);
      const scopeName = string(pick(scope, 'name'), `${ssPath}.scope.name`);
      const scopeVersion = string(pick(scope, 'version'), `${ssPath}.scope.version`);
      array(pick(ss, 'spans'), `${ssPath}.spans`).forEach((spanValue, i) => {
        const path = `${ssPath}.spans[${i}]`;
        try {
          spans.push(span(object(spanValue, path), path, { service, resource, scopeName, scopeVersion }, ids));
        } catch (error) {
          if (!(error instanceof InvalidSpan)) throw error;
          rejected++;
          if (reasons.length < MAX_REASONS) reasons.push(`${path}: ${error.message}`);
        }
      });
    });
  });
  return { spans, rejected, reasons };
}

interface SpanContext {
  service: string;
  resource: Tag[];
  scopeName: string;
  scopeVersion: string;
}

function span(raw: Obj, path: string, ctx: SpanContext, ids: IdEncoding): SpanRecord {
  // Types first (a wrong type is a malformed request), then the values that only drop this span.
  const traceIdRaw = pick(raw, 'traceId', 'trace_id');
  const spanIdRaw = pick(raw, 'spanId', 'span_id');
  const parentRaw = pick(raw, 'parentSpanId', 'parent_span_id');
  const operation = string(pick(raw, 'name'), `${path}.name`);
  const kind = enumValue(pick(raw, 'kind'), SPAN_KINDS, `${path}.kind`);
  const startUs = nanosToMicros(pick(raw, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`);
  const endUs = nanosToMicros(pick(raw, 'endTimeUnixNano', 'end_time_unix_nano'), `${path}.endTimeUnixNano`);
  const statusValue = pick(raw, 'status');
  const status = statusValue === undefined ? {} : object(statusValue, `${path}.status`);
  const statusCode = enumValue(pick(status, 'code'), STATUS_CODES, `${path}.status.code`);
  const statusMessage = string(pick(status, 'message'), `${path}.status.message`);
  const flags = unsignedInt(pick(raw, 'flags'), `${path}.flags`);
  const traceState = string(pick(raw, 'traceState', 'trace_state'), `${path}.traceState`);
  const attrs = attributes(pick(raw, 'attributes'), `${path}.attributes`);
  const events = array(pick(raw, 'events'), `${path}.events`).map((value, e) => event(value, `${path}.events[${e}]`));
  const links = array(pick(raw, 'links'), `${path}.links`).map((value, l) => link(value, `${path}.links[${l}]`, ids));
  const traceId = id(traceIdRaw, 16, `${path}.traceId`, ids);
  const spanId = id(spanIdRaw, 8, `${path}.spanId`, ids);
  if (traceId === null) throw new InvalidSpan('traceId must be 32 hex digits, not all zero');
  if (spanId === null) throw new InvalidSpan('spanId must be 16 hex digits, not all zero');
  const parent = optionalId(parentRaw, 8, `${path}.parentSpanId`, ids);
  if (parent === undefined) throw new InvalidSpan('parentSpanId must be empty or 16 hex digits');
  if (startUs <= 0) throw new InvalidSpan('startTimeUnixNano is required');
  return {
    traceId,
    spanId,
    parentSpanId: parent,
    service: ctx.service,
    operation,
    kind: kind >= 0 && kind <= 5 ? kind : 0,
    startUs,
    durationUs: Math.max(0, endUs - startUs),
    statusCode: statusCode >= 0 && statusCode <= 2 ? statusCode : 0,
    statusMessage,
    flags: flags & 0xff,
    traceState,
    scopeName: ctx.scopeName,
    scopeVersion: ctx.scopeVersion,
    attributes: attrs,
    events,
    links: links.filter((l): l is SpanLink => l !== null),
    resource: ctx.resource,
  };
}

function event(value: unknown, path: string): SpanEvent {
  const raw = object(value, path);
  return {
    timeUs: nanosToMicros(pick(raw, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
    name: string(pick(raw, 'name'), `${path}.name`),
    attributes: attributes(pick(raw, 'attributes'), `${path}.attributes`),
  };
}

function link(value: unknown, path: string, ids: IdEncoding): SpanLink | null {
  const raw = object(value, path);
  const traceId = id(pick(raw, 'traceId', 'trace_id'), 16, `${path}.traceId`, ids);
  const spanId = id(pick(raw, 'spanId', 'span_id'), 8, `${path}.spanId`, ids);
  // A link to an invalid span context carries nothing a reader could follow.
  return traceId && spanId ? { traceId, spanId } : null;
}

function attributes(value: unknown, path: string): Tag[] {
  return array(value, path).map((item, index) => {
    const itemPath = `${path}[${index}]`;
    const kv = object(item, itemPath);
    const key = string(pick(kv, 'key'), `${itemPath}.key`);
    return tag(key, pick(kv, 'value'), `${itemPath}.value`);
  });
}

/** Jaeger's rendering of an OTLP AnyValue: scalars keep their type, arrays and maps become JSON text. */
function tag(key: string, value: unknown, path: string): Tag {
  const plain = anyValue(value, path, 0);
  if (plain.kind === 'string') return { key, type: 'string', value: plain.value };
  if (plain.kind === 'bool') return { key, type: 'bool', value: plain.value };
  if (plain.kind === 'int') return { key, type: 'int64', value: plain.value };
  if (plain.kind === 'double') {
    return Number.isFinite(plain.value)
      ? { key, type: 'float64', value: plain.value }
      : { key, type: 'string', value: String(plain.value) };
  }
  if (plain.kind === 'bytes') return { key, type: 'binary', value: plain.value };
  return { key, type: 'string', value: JSON.stringify(plain.value) };
}

type Plain =
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: number }
  | { kind: 'double'; value: number }
  | { kind: 'bytes'; value: string }
  | { kind: 'json'; value: unknown };

function anyValue(value: unknown, path: string, depth: number): Plain {
  if (depth > MAX_VALUE_DEPTH) throw new OtlpFormatError(path, `is nested deeper than ${MAX_VALUE_DEPTH} levels`);
  if (value === undefined || value === null) return { kind: 'string', value: '' };
  const raw = object(value, path);
  if (raw.stringValue !== undefined || raw.string_value !== undefined) {
    return { kind: 'string', value: string(pick(raw, 'stringValue', 'string_value'), `${path}.stringValue`) };
  }
  const bool = pick(raw, 'boolValue', 'bool_value');
  if (bool !== undefined) {
    if (typeof bool !== 'boolean') throw new OtlpFormatError(`${path}.boolValue`, 'must be a boolean');
    return { kind: 'bool', value: bool };
  }
  const int = pick(raw, 'intValue', 'int_value');
  if (int !== undefined) return { kind: 'int', value: signedInt(int, `${path}.intValue`) };
  const double = pick(raw, 'doubleValue', 'double_value');
  if (double !== undefined) return { kind: 'double', value: doubleValue(double, `${path}.doubleValue`) };
  const bytes = pick(raw, 'bytesValue', 'bytes_value');
  if (bytes !== undefined) {
    if (typeof bytes !== 'string' || !BASE64.test(bytes)) throw new OtlpFormatError(`${path}.bytesValue`, 'must be base64 text');
    return { kind: 'bytes', value: bytes };
  }
  const arrayValue = pick(raw, 'arrayValue', 'array_value');
  if (arrayValue !== undefined) {
    const values = array(pick(object(arrayValue, `${path}.arrayValue`), 'values'), `${path}.arrayValue.values`);
    return { kind: 'json', value: values.map((item, i) => toJson(anyValue(item, `${path}.arrayValue.values[${i}]`, depth + 1))) };
  }
  const kvlist = pick(raw, 'kvlistValue', 'kvlist_value');
  if (kvlist !== undefined) {
    const values = array(pick(object(kvlist, `${path}.kvlistValue`), 'values'), `${path}.kvlistValue.values`);
    const result: Record<string, unknown> = {};
    values.forEach((item, i) => {
      const itemPath = `${path}.kvlistValue.values[${i}]`;
      const kv = object(item, itemPath);
      result[string(pick(kv, 'key'), `${itemPath}.key`)] = toJson(anyValue(pick(kv, 'value'), `${itemPath}.value`, depth + 1));
    });
    return { kind: 'json', value: result };
  }
  return { kind: 'string', value: '' };
}

function toJson(plain: Plain): unknown {
  if (plain.kind === 'double' && !Number.isFinite(plain.value)) return String(plain.value);
  return plain.value;
}

function pick(raw: Obj, ...names: string[]): unknown {
  for (const name of names) {
    const value = raw[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OtlpFormatError(path, 'must be an object');
  return value as Obj;
}

function array(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpFormatError(path, 'must be an array');
  return value;
}

function string(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new OtlpFormatError(path, 'must be a string');
  return value;
}

function enumValue(value: unknown, names: Readonly<Record<string, number>>, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && Object.hasOwn(names, value)) return names[value]!;
  throw new OtlpFormatError(path, `must be an integer or one of ${Object.keys(names).join(', ')}`);
}

function unsignedInt(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new OtlpFormatError(path, 'must be a non-negative integer');
}

function signedInt(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && SIGNED.test(value)) return Number(value);
  throw new OtlpFormatError(path, 'must be an integer (a number or a decimal string)');
}

function doubleValue(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = value === 'NaN' ? Number.NaN : value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : Number(value);
    if (!Number.isNaN(parsed) || value === 'NaN') return parsed;
  }
  throw new OtlpFormatError(path, 'must be a number');
}

/** Unix nanoseconds (a decimal string, or a number) to whole microseconds; absent is 0. */
function nanosToMicros(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string' && UNSIGNED.test(value)) {
    const nanos = BigInt(value);
    if (nanos > 18_446_744_073_709_551_615n) throw new OtlpFormatError(path, 'is out of range');
    return Number(nanos / 1000n);
  }
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.floor(value / 1000);
  throw new OtlpFormatError(path, 'must be unix nanoseconds (a decimal string or a non-negative number)');
}

/** A required id as lowercase hex; null when absent, of the wrong length, not hex or all zero. */
function id(value: unknown, bytes: number, path: string, encoding: IdEncoding): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new OtlpFormatError(path, 'must be a string');
  const hex = toHex(value, encoding);
  if (hex === null || hex.length !== bytes * 2 || /^0+$/.test(hex)) return null;
  return hex;
}

/** An optional id: null when absent, empty or all zero (a root span), undefined when invalid. */
function optionalId(value: unknown, bytes: number, path: string, encoding: IdEncoding): string | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new OtlpFormatError(path, 'must be a string');
  const hex = toHex(value, encoding);
  if (hex === null || hex.length !== bytes * 2) return undefined;
  return /^0+$/.test(hex) ? null : hex;
}

function toHex(value: string, encoding: IdEncoding): string | null {
  if (encoding === 'hex') return HEX.test(value) ? value.toLowerCase() : null;
  return BASE64.test(value) ? Buffer.from(value, 'base64').toString('hex') : null;
}
