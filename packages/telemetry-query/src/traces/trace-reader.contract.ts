/**
 * Test support: the behaviour every {@link TraceReader} backend must show (a fake Jaeger,
 * the local telemetry process, a real Jaeger), as one reusable vitest suite, plus the data
 * set it loads and a converter of that data set to OTLP/JSON for backends fed by OTLP.
 * Imports vitest: never import this from runtime code.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JaegerKeyValue, JaegerResponse, JaegerSpan, JaegerTrace } from './jaeger-types.ts';
import { criticalPath, errorSpans, isErrorSpan, parentSpanId, serviceOf, spanTree, tagValue } from './trace-helpers.ts';
import type { TraceReader } from './trace-reader.ts';

/** The three recorded traces of `fixtures/search-traces.json` (see `fixtures/README.md`), timestamps as recorded. */
export function traceFixtures(): JaegerTrace[] {
  const text = readFileSync(new URL('./fixtures/search-traces.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as JaegerResponse<JaegerTrace[]>).data;
}

/** Ids of the fixture traces, by what they show. */
export const FIXTURE_TRACE_IDS = Object.freeze({
  /** `GET /products` on product-service, all 200. */
  productsOk: '4bf92f3577b34da6a3ce929d0e0e4736',
  /** `GET /cart` answered 504: db-service slowed by a timeout fault. */
  cartDbTimeout: '0af7651916cd43dd8448eb211c80319c',
  /** Checkout answered 502: db-service answered 500 twice (retried read). */
  checkoutDbError: '5b8efff798038103d269b633813fc60c',
});

/** Shifts every timestamp of the traces so that the last span ends at `latestEndMs`. */
export function rebaseTraces(traces: readonly JaegerTrace[], latestEndMs: number): JaegerTrace[] {
  const lastEnd = Math.max(...traces.flatMap((t) => t.spans.map((s) => s.startTime + s.duration)));
  const shift = Math.round(latestEndMs * 1000) - lastEnd;
  return traces.map((trace) => ({
    ...trace,
    spans: trace.spans.map((span) => ({
      ...span,
      startTime: span.startTime + shift,
      logs: span.logs.map((log) => ({ ...log, timestamp: log.timestamp + shift })),
    })),
  }));
}

/** One OTLP/JSON `AnyValue`. */
type OtlpValue = { stringValue: string } | { boolValue: boolean } | { intValue: number | string } | { doubleValue: number };

/** An OTLP/JSON attribute. */
export interface OtlpAttribute {
  readonly key: string;
  readonly value: OtlpValue;
}

/** The OTLP/JSON body of `POST /v1/traces` (ExportTraceServiceRequest), as far as this converter writes it. */
export interface OtlpTraceRequest {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly OtlpAttribute[] };
    readonly scopeSpans: readonly {
      readonly scope: { readonly name: string; readonly version?: string };
      readonly spans: readonly Record<string, unknown>[];
    }[];
  }[];
}

const KINDS: Readonly<Record<string, number>> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const STATUS_TAGS = new Set(['span.kind', 'otel.scope.name', 'otel.scope.version', 'otel.status_code', 'otel.status_description', 'error']);

function otlpValue(tag: JaegerKeyValue): OtlpValue {
  switch (tag.type) {
    case 'bool':
      return { boolValue: tag.value === true || tag.value === 'true' };
    case 'int64':
      return { intValue: typeof tag.value === 'number' ? tag.value : String(tag.value) };
    case 'float64':
      return { doubleValue: Number(tag.value) };
    default:
      return { stringValue: String(tag.value) };
  }
}

const attributes = (tags: readonly JaegerKeyValue[]): OtlpAttribute[] => tags.map((tag) => ({ key: tag.key, value: otlpValue(tag) }));
const nanos = (micros: number): string => (BigInt(Math.round(micros)) * 1000n).toString();

/**
 * Converts Jaeger traces back to the OTLP/JSON the services' exporter sends (the reverse
 * of the mapping in opentelemetry-collector-contrib `pkg/translator/jaeger`): processes
 * become resources, `otel.scope.*` tags the scope, `span.kind` the kind, `error` /
 * `otel.status_code` the status, the `CHILD_OF` reference the parent, logs events, other
 * references links. Ids are hex and times decimal-string nanoseconds, as OTLP/JSON wants.
 */
export function jaegerTracesToOtlp(traces: readonly JaegerTrace[]): OtlpTraceRequest {
  const resources = new Map<
    string,
    { attributes: OtlpAttribute[]; scopes: Map<string, { scope: { name: string; version?: string }; spans: Record<string, unknown>[] }> }
  >();
  for (const trace of traces) {
    for (const span of trace.spans) {
      const process = trace.processes[span.processID] ?? { serviceName: 'unknown', tags: [] };
      const resourceKey = JSON.stringify(process);
      const resource = resources.get(resourceKey) ?? {
        attributes: [
          { key: 'service.name', value: { stringValue: process.serviceName } },
          ...attributes(process.tags.filter((t) => t.key !== 'service.name')),
        ],
        scopes: new Map<string, { scope: { name: string; version?: string }; spans: Record<string, unknown>[] }>(),
      };
      resources.set(resourceKey, resource);
      const scopeName = String(tagValue(span, 'otel.scope.name') ?? '');
      const scopeVersion = tagValue(span, 'otel.scope.version');
      const scopeKey = `${scopeName}@${String(scopeVersion ?? '')}`;
      const scope = resource.scopes.get(scopeKey) ?? {
        scope: scopeVersion === undefined ? { name: scopeName } : { name: scopeName, version: String(scopeVersion) },
        spans: [],
      };
      resource.scopes.set(scopeKey, scope);
      scope.spans.push(otlpSpan(span));
    }
  }
  return {
    resourceSpans: [...resources.values()].map((resource) => ({
      resource: { attributes: resource.attributes },
      scopeSpans: [...resource.scopes.values()],
    })),
  };
}

function otlpSpan(span: JaegerSpan): Record<string, unknown> {
  const parent = parentSpanId(span);
  const statusCode = tagValue(span, 'otel.status_code');
  const description = tagValue(span, 'otel.status_description');
  const kind = tagValue(span, 'span.kind');
  return {
    traceId: span.traceID.padStart(32, '0'),
    spanId: span.spanID,
    ...(parent === undefined ? {} : { parentSpanId: parent }),
    name: span.operationName,
    kind: typeof kind === 'string' ? (KINDS[kind] ?? 1) : 1,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.startTime + span.duration),
    attributes: attributes(span.tags.filter((tag) => !STATUS_TAGS.has(tag.key) || (tag.key === 'error' && tag.type !== 'bool'))),
    status: isErrorSpan(span)
      ? { code: 2, ...(description === undefined ? {} : { message: String(description) }) }
      : { code: statusCode === 'OK' ? 1 : 0 },
    events: span.logs.map((log) => ({
      timeUnixNano: nanos(log.timestamp),
      name: String(log.fields.find((f) => f.key === 'event')?.value ?? 'log'),
      attributes: attributes(log.fields.filter((f) => f.key !== 'event')),
    })),
    links: span.references
      .filter((ref) => ref.spanID !== parent)
      .map((ref) => ({ traceId: ref.traceID.padStart(32, '0'), spanId: ref.spanID })),
  };
}

/** A backend loaded with the contract's traces, and how to stop it. */
export interface TraceBackendUnderTest {
  readonly reader: TraceReader;
  close?(): Promise<void>;
}

/**
 * Starts a backend holding exactly `traces` (already shifted to the last minutes) and
 * returns a reader over it. An OTLP-fed backend posts `jaegerTracesToOtlp(traces)` and
 * returns once the spans are queryable.
 */
export type MakeTraceReader = (traces: JaegerTrace[]) => Promise<TraceBackendUnderTest>;

/**
 * Declares the trace-reader contract as a vitest suite: the same assertions for every
 * backend, so a fake Jaeger, the local telemetry process and a real Jaeger are
 * interchangeable behind {@link TraceReader}. Compares meaning (ids, services, parents,
 * times, errors), not incidental detail (process ids, tag order, extra tags).
 */
export function describeTraceReaderContract(makeReader: MakeTraceReader, label = 'TraceReader contract'): void {
  describe(label, () => {
    const latestEndMs = Date.now() - 60_000;
    const traces = rebaseTraces(traceFixtures(), latestEndMs);
    const firstStartMs = Math.min(...traces.flatMap((t) => t.spans.map((s) => s.startTime))) / 1000;
    const window = { start: firstStartMs - 1000, end: Date.now() + 1000 };
    const ids = (found: readonly JaegerTrace[]): string[] => found.map((t) => t.traceID).sort();
    let backend: TraceBackendUnderTest | undefined;
    const reader = (): TraceReader => {
      if (!backend) throw new Error('backend not started');
      return backend.reader;
    };

    beforeAll(async () => {
      backend = await makeReader(traces);
    });
    afterAll(async () => {
      await backend?.close?.();
    });

    it('does list the services that reported spans', async () => {
      expect(await reader().services()).toEqual(
        expect.arrayContaining(['auth-service', 'db-service', 'payment-service', 'product-service']),
      );
    });

    it('does list the operations of a service', async () => {
      expect(await reader().operations('db-service')).toEqual(expect.arrayContaining(['GET /cart/:user_id', 'GET /products']));
      expect(await reader().operations('no-such-service')).toEqual([]);
    });

    it('does return a whole trace by id, spans with their service, parent, times and errors intact', async () => {
      const expected = traces.find((t) => t.traceID === FIXTURE_TRACE_IDS.cartDbTimeout)!;
      const trace = await reader().getTrace(FIXTURE_TRACE_IDS.cartDbTimeout);
      expect(trace).not.toBeNull();
      expect(trace!.traceID).toBe(FIXTURE_TRACE_IDS.cartDbTimeout);
      const describeSpans = (t: JaegerTrace) =>
        t.spans
          .map((span) => ({
            spanID: span.spanID,
            operationName: span.operationName,
            service: serviceOf(span, t),
            parent: parentSpanId(span) ?? null,
            startTime: span.startTime,
            duration: span.duration,
            error: isErrorSpan(span),
          }))
          .sort((a, b) => (a.spanID < b.spanID ? -1 : 1));
      expect(describeSpans(trace!)).toEqual(describeSpans(expected));
      expect(
        tagValue(
          trace!.spans.find((s) => s.spanID === '6a4e2c8b0d1f3957')!,
          'chaos.fault',
        ),
      ).toBe('timeout');
      expect(errorSpans(trace!).map((s) => s.spanID)).toEqual(['b7ad6b7169203331', '00f067aa0ba902b7']);
      const roots = spanTree(trace!);
      expect(roots.map((r) => r.span.spanID)).toEqual(['b7ad6b7169203331']);
      const path = criticalPath(trace!);
      const dbTime = path.filter((s) => s.service === 'db-service').reduce((sum, s) => sum + s.end - s.start, 0);
      expect(dbTime / trace!.spans.find((s) => s.spanID === 'b7ad6b7169203331')!.duration).toBeGreaterThan(0.9);
    });

    it('does answer null for a trace it does not know, in either id form', async () => {
      expect(await reader().getTrace('0123456789abcdef0123456789abcdef')).toBeNull();
      expect(await reader().getTrace('01234567-89ab-cdef-0123-456789abcdee')).toBeNull();
    });

    it('does find the traces in which a service took part', async () => {
      expect(ids(await reader().findTraces({ service: 'product-service', ...window }))).toEqual(
        [FIXTURE_TRACE_IDS.productsOk, FIXTURE_TRACE_IDS.cartDbTimeout].sort(),
      );
      expect(ids(await reader().findTraces({ service: 'db-service', ...window }))).toHaveLength(3);
    });

    it('does narrow a search by operation', async () => {
      expect(ids(await reader().findTraces({ service: 'product-service', operation: 'GET /cart', ...window }))).toEqual([
        FIXTURE_TRACE_IDS.cartDbTimeout,
      ]);
    });

    it('does narrow a search by tags, the error flag included', async () => {
      expect(ids(await reader().findTraces({ service: 'db-service', tags: { error: 'true' }, ...window }))).toEqual([
        FIXTURE_TRACE_IDS.checkoutDbError,
      ]);
      expect(ids(await reader().findTraces({ service: 'db-service', tags: { 'chaos.fault': 'timeout' }, ...window }))).toEqual([
        FIXTURE_TRACE_IDS.cartDbTimeout,
      ]);
      expect(
        ids(await reader().findTraces({ service: 'product-service', tags: { 'http.response.status_code': '504' }, ...window })),
      ).toEqual([FIXTURE_TRACE_IDS.cartDbTimeout]);
    });

    it('does narrow a search by span duration', async () => {
      expect(ids(await reader().findTraces({ service: 'db-service', minDuration: 1500, ...window }))).toEqual([
        FIXTURE_TRACE_IDS.cartDbTimeout,
      ]);
      expect(ids(await reader().findTraces({ service: 'db-service', minDuration: '20ms', maxDuration: '1s', ...window }))).toEqual([
        FIXTURE_TRACE_IDS.productsOk,
      ]);
    });

    it('does honour the limit and the time range', async () => {
      expect(await reader().findTraces({ service: 'auth-service', limit: 1, ...window })).toHaveLength(1);
      expect(await reader().findTraces({ service: 'auth-service', start: window.start - 3_600_000, end: window.start })).toEqual([]);
      expect(await reader().findTraces({ service: 'auth-service', lookback: '1h', limit: 10 })).toHaveLength(3);
    });
  });
}
