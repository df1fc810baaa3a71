import { SpanStatusCode, type Attributes, type AttributeValue, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/**
 * OTLP trace export requests (ExportTraceServiceRequest) written straight from finished
 * spans: protobuf (field numbers and wire types of opentelemetry-proto,
 * `collector/trace/v1/trace_service.proto` and the files it imports) or OTLP/JSON (the
 * protobuf JSON mapping: lowerCamelCase names, hex ids, int64 and nanoseconds as decimal
 * strings, enums as integers). Spans are grouped by resource and instrumentation scope, as
 * the OpenTelemetry exporters do; span fields mirror @opentelemetry/otlp-transformer
 * (kind + 1, flags with the W3C trace flags and the is-remote bits).
 */

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (isRemote ? FLAGS_IS_REMOTE : 0);
}

interface Group {
  resource: Resource;
  scopes: Array<{ scope: Scope; spans: ReadableSpan[] }>;
}

/** Spans by resource, then by scope (name, version, schema url), in order of first appearance. */
function group(spans: readonly ReadableSpan[]): Group[] {
  const groups: Group[] = [];
  let last: { resource: Resource; scope: Scope; spans: ReadableSpan[] } | undefined;
  for (const span of spans) {
    if (last && span.resource === last.resource && span.instrumentationScope === last.scope) {
      last.spans.push(span);
      continue;
    }
    let g = groups.find((candidate) => candidate.resource === span.resource);
    if (!g) groups.push((g = { resource: span.resource, scopes: [] }));
    const scope = span.instrumentationScope;
    let s = g.scopes.find(
      (candidate) =>
        candidate.scope === scope ||
        (candidate.scope.name === scope.name && candidate.scope.version === scope.version && candidate.scope.schemaUrl === scope.schemaUrl),
    );
    if (!s) g.scopes.push((s = { scope, spans: [] }));
    last = { resource: span.resource, scope: s.scope, spans: s.spans };
    s.spans.push(span);
  }
  return groups;
}

// ---------------------------------------------------------------- protobuf

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

/** A growing buffer that writes protobuf fields; nested messages get their length when closed. */
class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(size: number | Buffer) {
    this.buf = typeof size === 'number' ? Buffer.allocUnsafe(size) : size;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes + 1024));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** An unsigned varint below 2^32. */
  varint(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    while (value > 0x7f) {
      buf[this.pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[this.pos++] = value;
  }

  /** A signed 64-bit integer (negative numbers take ten bytes, two's complement). */
  int64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) {
      this.varint(value);
      return;
    }
    this.ensure(10);
    let big = BigInt.asUintN(64, BigInt(value));
    while (big > 0x7fn) {
      this.buf[this.pos++] = Number(big & 0x7fn) | 0x80;
      big >>= 7n;
    }
    this.buf[this.pos++] = Number(big);
  }

  key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  string(field: number, value: string): void {
    this.key(field, LEN);
    // Up to 42 characters the length (at most 3 bytes each) fits one byte: write, then set it.
    if (value.length <= 42) {
      this.ensure(1 + value.length * 3);
      const written = this.buf.write(value, this.pos + 1, 'utf8');
      this.buf[this.pos] = written;
      this.pos += 1 + written;
      return;
    }
    const length = Buffer.byteLength(value, 'utf8');
    this.varint(length);
    this.ensure(length);
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  /** Bytes given as hex (span context ids). */
  hex(field: number, value: string): void {
    this.key(field, LEN);
    const length = value.length >>> 1;
    this.varint(length);
    this.ensure(length);
    this.pos += this.buf.write(value, this.pos, length, 'hex');
  }

  bytes(field: number, value: Uint8Array): void {
    this.key(field, LEN);
    this.varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Nanoseconds since the epoch of an HrTime, as fixed64 (exact: no float rounding). */
  time(field: number, time: HrTime): void {
    this.key(field, FIXED64);
    this.ensure(8);
    // seconds·10^9 + nanos = (seconds·1953125)·2^9 + nanos, split into 32-bit halves.
    const a = Math.trunc(time[0]) * 1_953_125;
    const aHigh = Math.floor(a / 0x800000);
    const low = (a - aHigh * 0x800000) * 512 + Math.trunc(time[1]);
    const carry = low >= 0x100000000 ? 1 : 0;
    this.buf.writeUInt32LE(low - carry * 0x100000000, this.pos);
    this.buf.writeUInt32LE(aHigh + carry, this.pos + 4);
    this.pos += 8;
  }

  double(field: number, value: number): void {
    this.key(field, FIXED64);
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  fixed32(field: number, value: number): void {
    this.key(field, FIXED32);
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  uint(field: number, value: number): void {
    this.key(field, VARINT);
    this.varint(value);
  }

  /** Starts a nested message: one byte is kept for its length. */
  open(field: number): number {
    this.key(field, LEN);
    this.ensure(1);
    return this.pos++;
  }

  /** Ends the nested message opened at `at`, moving it when its length needs more than one byte. */
  close(at: number): void {
    const length = this.pos - at - 1;
    if (length < 0x80) {
      this.buf[at] = length;
      return;
    }
    const extra = length < 0x4000 ? 1 : length < 0x200000 ? 2 : length < 0x10000000 ? 3 : 4;
    this.ensure(extra);
    this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    this.pos += extra;
    let value = length;
    let p = at;
    while (value > 0x7f) {
      this.buf[p++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[p] = value;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** The bytes of one length-delimited field: key, length, then `body`. */
function fieldSize(field: number, bodyLength: number): number {
  return varintSize(field << 3) + varintSize(bodyLength) + bodyLength;
}

function writeAttributes(w: ProtoWriter, field: number, attributes: Attributes | undefined): void {
  if (!attributes) return;
  for (const key in attributes) {
    const value = attributes[key];
    const kv = w.open(field);
    w.string(1, key);
    const any = w.open(2);
    writeAnyValue(w, value);
    w.close(any);
    w.close(kv);
  }
}

function writeAnyValue(w: ProtoWriter, value: AttributeValue | undefined | null): void {
  switch (typeof value) {
    case 'string':
      w.string(1, value);
      return;
    case 'boolean':
      w.uint(2, value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) {
        w.key(3, VARINT);
        w.int64(value);
      } else {
        w.double(4, value);
      }
      return;
    default:
      if (value instanceof Uint8Array) {
        w.bytes(7, value);
      } else if (Array.isArray(value)) {
        const array = w.open(5);
        for (const item of value) {
          const entry = w.open(1);
          writeAnyValue(w, item);
          w.close(entry);
        }
        w.close(array);
      }
  }
}

function writeSpan(w: ProtoWriter, span: ReadableSpan): void {
  const at = w.open(2);
  const context = span.spanContext();
  w.hex(1, context.traceId);
  w.hex(2, context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) w.string(3, traceState);
  const parentId = span.parentSpanContext?.spanId;
  if (parentId) w.hex(4, parentId);
  w.string(5, span.name);
  w.uint(6, span.kind + 1);
  w.time(7, span.startTime);
  w.time(8, span.endTime);
  writeAttributes(w, 9, span.attributes);
  if (span.droppedAttributesCount) w.uint(10, span.droppedAttributesCount);
  for (const event of span.events) {
    const e = w.open(11);
    w.time(1, event.time);
    w.string(2, event.name);
    writeAttributes(w, 3, event.attributes);
    if (event.droppedAttributesCount) w.uint(4, event.droppedAttributesCount);
    w.close(e);
  }
  if (span.droppedEventsCount) w.uint(12, span.droppedEventsCount);
  for (const link of span.links) {
    const l = w.open(13);
    w.hex(1, link.context.traceId);
    w.hex(2, link.context.spanId);
    const linkState = link.context.traceState?.serialize();
    if (linkState) w.string(3, linkState);
    writeAttributes(w, 4, link.attributes);
    if (link.droppedAttributesCount) w.uint(5, link.droppedAttributesCount);
    w.fixed32(6, spanFlags(link.context.traceFlags, link.context.isRemote));
    w.close(l);
  }
  if (span.droppedLinksCount) w.uint(14, span.droppedLinksCount);
  if (span.status.code !== SpanStatusCode.UNSET || span.status.message) {
    const status = w.open(15);
    if (span.status.message) w.string(2, span.status.message);
    if (span.status.code !== SpanStatusCode.UNSET) w.uint(3, span.status.code);
    w.close(status);
  }
  w.fixed32(16, spanFlags(context.traceFlags, span.parentSpanContext?.isRemote));
  w.close(at);
}

/**
 * The spans of one resource and scope, each written as it arrives; `request()` wraps them
 * into an ExportTraceServiceRequest. Several requests concatenated are one request with all
 * their resource spans (protobuf appends repeated fields).
 */
export interface SpanBatch {
  readonly resource: Resource;
  readonly scope: Scope;
  /** Spans written so far. */
  readonly size: number;
  add(span: ReadableSpan): void;
  /** The request's bytes, in one or more chunks (to be sent in order). */
  request(): Buffer[];
  /** Once the request is sent: the batch's buffer, for the next batch to write into. */
  release(): Buffer | undefined;
}

const resourceBytes = new WeakMap<Resource, Buffer>();

/** The Resource message of a resource (its attributes), written once per resource. */
function encodedResource(resource: Resource): Buffer {
  let bytes = resourceBytes.get(resource);
  if (!bytes) {
    const w = new ProtoWriter(256);
    writeAttributes(w, 1, resource.attributes);
    bytes = Buffer.from(w.finish());
    resourceBytes.set(resource, bytes);
  }
  return bytes;
}

/**
 * A batch in protobuf: the span messages are written to one buffer as the spans end. The
 * buffer may come from an earlier batch ({@link SpanBatch.release}): a buffer per batch
 * would be external memory that the garbage collector keeps counting.
 */
export class ProtoSpanBatch implements SpanBatch {
  private readonly w: ProtoWriter;
  size = 0;

  constructor(
    readonly resource: Resource,
    readonly scope: Scope,
    buffer: Buffer | number = 16 * 1024,
  ) {
    this.w = new ProtoWriter(buffer);
  }

  add(span: ReadableSpan): void {
    const start = this.w.pos;
    try {
      writeSpan(this.w, span);
    } catch (error) {
      this.w.pos = start;
      throw error;
    }
    this.size++;
  }

  release(): Buffer | undefined {
    return this.w.buf;
  }

  request(): Buffer[] {
    const spans = this.w.finish();
    const resource = encodedResource(this.resource);
    const scopeWriter = new ProtoWriter(128);
    scopeWriter.string(1, this.scope.name);
    if (this.scope.version) scopeWriter.string(2, this.scope.version);
    const scope = scopeWriter.finish();
    const scopeTail = new ProtoWriter(16);
    if (this.scope.schemaUrl) scopeTail.string(3, this.scope.schemaUrl);
    const resourceTail = new ProtoWriter(16);
    if (this.resource.schemaUrl) resourceTail.string(3, this.resource.schemaUrl);
    const scopeSpansLength = fieldSize(1, scope.length) + spans.length + scopeTail.pos;
    const resourceSpansLength = fieldSize(1, resource.length) + fieldSize(2, scopeSpansLength) + resourceTail.pos;
    const w = new ProtoWriter(fieldSize(1, resourceSpansLength));
    w.key(1, LEN);
    w.varint(resourceSpansLength);
    w.key(1, LEN);
    w.varint(resource.length);
    w.raw(resource);
    w.key(2, LEN);
    w.varint(scopeSpansLength);
    w.key(1, LEN);
    w.varint(scope.length);
    w.raw(scope);
    // The spans follow the header as they are; the tails (schema urls, rarely set) after them.
    return [w.finish(), spans, Buffer.concat([scopeTail.finish(), resourceTail.finish()])].filter((chunk) => chunk.length > 0);
  }
}

/** An ExportTraceServiceRequest in protobuf. */
export function encodeTraceRequestProto(spans: readonly ReadableSpan[]): Buffer {
  const parts: Buffer[] = [];
  for (const { resource, scopes } of group(spans)) {
    for (const { scope, spans: scopeSpans } of scopes) {
      const batch = new ProtoSpanBatch(resource, scope, 256 + scopeSpans.length * 256);
      for (const span of scopeSpans) batch.add(span);
      parts.push(...batch.request());
    }
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------- JSON

type JsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { bytesValue: string }
  | { arrayValue: { values: JsonAnyValue[] } }
  | Record<string, never>;

function jsonNanos(time: HrTime): string {
  const seconds = Math.trunc(time[0]);
  const nanos = Math.trunc(time[1]);
  return seconds === 0 ? String(nanos) : `${seconds}${String(nanos).padStart(9, '0')}`;
}

function jsonAnyValue(value: AttributeValue | undefined | null): JsonAnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      if (Number.isSafeInteger(value)) return { intValue: String(value) };
      if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return { intValue: BigInt(value).toString() };
      // The protobuf JSON mapping writes the non-finite doubles as strings.
      return { doubleValue: Number.isFinite(value) ? value : String(value) };
    default:
      if (value instanceof Uint8Array) return { bytesValue: Buffer.from(value).toString('base64') };
      if (Array.isArray(value)) return { arrayValue: { values: value.map((item) => jsonAnyValue(item)) } };
      return {};
  }
}

function jsonAttributes(attributes: Attributes | undefined): Array<{ key: string; value: JsonAnyValue }> {
  const result: Array<{ key: string; value: JsonAnyValue }> = [];
  if (attributes) for (const key in attributes) result.push({ key, value: jsonAnyValue(attributes[key]) });
  return result;
}

function jsonSpan(span: ReadableSpan): Record<string, unknown> {
  const context = span.spanContext();
  const json: Record<string, unknown> = {
    traceId: context.traceId,
    spanId: context.spanId,
  };
  const traceState = context.traceState?.serialize();
  if (traceState) json.traceState = traceState;
  if (span.parentSpanContext?.spanId) json.parentSpanId = span.parentSpanContext.spanId;
  json.flags = spanFlags(context.traceFlags, span.parentSpanContext?.isRemote);
  json.name = span.name;
  json.kind = span.kind + 1;
  json.startTimeUnixNano = jsonNanos(span.startTime);
  json.endTimeUnixNano = jsonNanos(span.endTime);
  json.attributes = jsonAttributes(span.attributes);
  if (span.droppedAttributesCount) json.droppedAttributesCount = span.droppedAttributesCount;
  json.events = span.events.map((event) => ({
    timeUnixNano: jsonNanos(event.time),
    name: event.name,
    attributes: jsonAttributes(event.attributes),
    ...(event.droppedAttributesCount ? { droppedAttributesCount: event.droppedAttributesCount } : {}),
  }));
  if (span.droppedEventsCount) json.droppedEventsCount = span.droppedEventsCount;
  json.links = span.links.map((link) => ({
    traceId: link.context.traceId,
    spanId: link.context.spanId,
    ...(link.context.traceState ? { traceState: link.context.traceState.serialize() } : {}),
    attributes: jsonAttributes(link.attributes),
    ...(link.droppedAttributesCount ? { droppedAttributesCount: link.droppedAttributesCount } : {}),
    flags: spanFlags(link.context.traceFlags, link.context.isRemote),
  }));
  if (span.droppedLinksCount) json.droppedLinksCount = span.droppedLinksCount;
  json.status = { code: span.status.code, ...(span.status.message ? { message: span.status.message } : {}) };
  return json;
}

/** A ResourceSpans' own fields: the resource, its schema url. */
function jsonResourceFields(resource: Resource): Record<string, unknown> {
  return {
    resource: { attributes: jsonAttributes(resource.attributes) },
    ...(resource.schemaUrl ? { schemaUrl: resource.schemaUrl } : {}),
  };
}

/** A ScopeSpans' own fields: the scope, its schema url. */
function jsonScopeFields(scope: Scope): Record<string, unknown> {
  return {
    scope: { name: scope.name, ...(scope.version ? { version: scope.version } : {}) },
    ...(scope.schemaUrl ? { schemaUrl: scope.schemaUrl } : {}),
  };
}

/** A batch in OTLP/JSON: each span is written to JSON text as it ends. */
export class JsonSpanBatch implements SpanBatch {
  private readonly spans: string[] = [];

  constructor(
    readonly resource: Resource,
    readonly scope: Scope,
  ) {}

  get size(): number {
    return this.spans.length;
  }

  add(span: ReadableSpan): void {
    this.spans.push(JSON.stringify(jsonSpan(span)));
  }

  release(): undefined {
    return undefined;
  }

  request(): Buffer[] {
    const resource = JSON.stringify(jsonResourceFields(this.resource));
    const scope = JSON.stringify(jsonScopeFields(this.scope));
    // {"resourceSpans":[{<resource>,"scopeSpans":[{<scope>,"spans":[...]}]}]}
    const text = `{"resourceSpans":[{${resource.slice(1, -1)},"scopeSpans":[{${scope.slice(1, -1)},"spans":[${this.spans.join(',')}]}]}]}`;
    return [Buffer.from(text, 'utf8')];
  }
}

/** An ExportTraceServiceRequest in OTLP/JSON. */
export function encodeTraceRequestJson(spans: readonly ReadableSpan[]): string {
  return JSON.stringify({
    resourceSpans: group(spans).map(({ resource, scopes }) => ({
      ...jsonResourceFields(resource),
      scopeSpans: scopes.map(({ scope, spans: scopeSpans }) => ({ ...jsonScopeFields(scope), spans: scopeSpans.map(jsonSpan) })),
    })),
  });
}
