import type { ServerResponse } from 'node:http';
import { FakeBackend, sendJson, type SeenRequest } from '../fake-backend.ts';
import type { JaegerKeyValue, JaegerSpan, JaegerTrace } from './jaeger-types.ts';
import { durationMs } from './trace-reader.ts';

/**
 * A fake Jaeger query service for tests: holds traces and answers `/api/services`,
 * `/api/services/{service}/operations`, `/api/operations`, `/api/traces/{id}` and
 * `/api/traces?…` with jaeger-query's envelopes and search rules (a trace matches when one
 * span matches service, operation, tags — span, process or log fields, compared as
 * strings —, duration range and start range; newest first; `limit` traces).
 */
export class FakeJaeger {
  private constructor(
    private readonly backend: FakeBackend,
    private readonly traces: readonly JaegerTrace[],
  ) {}

  /** Starts a fake Jaeger holding `traces`. */
  static async start(traces: readonly JaegerTrace[]): Promise<FakeJaeger> {
    let fake: FakeJaeger | undefined;
    const backend = await FakeBackend.start((request, res) => fake?.answer(request, res));
    fake = new FakeJaeger(backend, traces);
    return fake;
  }

  get url(): string {
    return this.backend.url;
  }

  /** Requests received so far. */
  get requests(): readonly SeenRequest[] {
    return this.backend.requests;
  }

  stop(): Promise<void> {
    return this.backend.stop();
  }

  private answer(request: SeenRequest, res: ServerResponse): void {
    const path = request.url.pathname;
    const query = request.url.searchParams;
    if (path === '/api/services') {
      const services = [...new Set(this.traces.flatMap((t) => Object.values(t.processes).map((p) => p.serviceName)))].sort();
      return ok(res, services, services.length);
    }
    const legacyOperations = /^\/api\/services\/([^/]+)\/operations$/.exec(path);
    if (legacyOperations || path === '/api/operations') {
      const service = legacyOperations ? decodeURIComponent(legacyOperations[1]!) : query.get('service');
      if (!service) return fail(res, 400, "parameter 'service' is required");
      const names = [...new Set(this.spansOf(service).map(({ span }) => span.operationName))].sort();
      if (legacyOperations) return ok(res, names, names.length);
      return ok(
        res,
        names.map((name) => ({ name, spanKind: '' })),
        names.length,
      );
    }
    const byId = /^\/api\/traces\/([^/]+)$/.exec(path);
    if (byId) {
      const id = byId[1]!.toLowerCase();
      if (!/^[0-9a-f]{1,32}$/.test(id)) return fail(res, 400, `unable to parse param 'traceID': ${id}`);
      const trace = this.traces.find((t) => t.traceID.replace(/^0+/, '') === id.replace(/^0+/, ''));
      if (!trace) return fail(res, 404, 'trace not found');
      return ok(res, [trace], 0);
    }
    if (path === '/api/traces') {
      const service = query.get('service');
      if (!service) return fail(res, 400, "parameter 'service' is required");
      let tags: Record<string, string>;
      let min: number;
      let max: number;
      try {
        tags = Object.fromEntries(query.getAll('tag').map((t) => [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)]));
        for (const json of query.getAll('tags')) Object.assign(tags, JSON.parse(json) as Record<string, string>);
        min = query.get('minDuration') ? durationMs(query.get('minDuration')!) * 1000 : 0;
        max = query.get('maxDuration') ? durationMs(query.get('maxDuration')!) * 1000 : 0;
      } catch (error) {
        return fail(res, 400, String(error));
      }
      const start = Number(query.get('start') ?? Number.NEGATIVE_INFINITY);
      const end = Number(query.get('end') ?? Number.POSITIVE_INFINITY);
      const limit = Number(query.get('limit') ?? 100);
      const operation = query.get('operation');
      const found = this.traces
        .filter((trace) =>
          this.spansOf(service, trace).some(
            ({ span, process }) =>
              (!operation || span.operationName === operation) &&
              Object.entries(tags).every(([key, value]) => hasTag(span, process, key, value)) &&
              (min === 0 || span.duration >= min) &&
              (max === 0 || span.duration <= max) &&
              span.startTime >= start &&
              span.startTime <= end,
          ),
        )
        .sort((a, b) => firstStart(b) - firstStart(a))
        .slice(0, limit);
      return ok(res, found, 0);
    }
    return sendJson(res, 404, '404 page not found\n', 'text/plain; charset=utf-8');
  }

  private spansOf(service: string, only?: JaegerTrace): { span: JaegerSpan; process: readonly JaegerKeyValue[] }[] {
    return (only ? [only] : this.traces).flatMap((trace) =>
      trace.spans
        .filter((span) => trace.processes[span.processID]?.serviceName === service)
        .map((span) => ({ span, process: trace.processes[span.processID]?.tags ?? [] })),
    );
  }
}

function ok(res: ServerResponse, data: unknown, total: number): void {
  sendJson(res, 200, { data, total, limit: 0, offset: 0, errors: null });
}

/** Jaeger's `handleError`: the envelope through Go's `http.Error` (text/plain, trailing newline). */
function fail(res: ServerResponse, code: number, msg: string): void {
  const body = JSON.stringify({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code, msg }] });
  sendJson(res, code, `${body}\n`, 'text/plain; charset=utf-8');
}

function hasTag(span: JaegerSpan, process: readonly JaegerKeyValue[], key: string, value: string): boolean {
  const all = [...span.tags, ...process, ...span.logs.flatMap((log) => log.fields)];
  return all.some((tag) => tag.key === key && String(tag.value) === value);
}

const firstStart = (trace: JaegerTrace): number => Math.min(...trace.spans.map((s) => s.startTime));
