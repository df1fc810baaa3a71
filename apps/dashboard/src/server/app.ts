import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { BUSINESS_SERVICES, ErrorResponse, LOG_LEVELS, resolveServiceName, type BusinessService, type LogLevel } from '@archaics/contracts';
import { AppError, badRequest, createServer, notFound } from '@archaics/server';
import { createTelemetryReaders, TelemetryQueryError, type LogRecord, type TelemetryReaders } from '@archaics/telemetry-query';
import type { AiopsResponse, ChaosResult, LogLineView, StatusResponse } from '../shared/api-types.ts';
import { BENCH_RESULTS_DIR, latestScorecard, listJournals, readRunFile } from '@archaics/experiments';
import { AiopsClient } from './clients/aiops.client.ts';
import { aiopsView } from './domain/aiops-view.ts';
import { ServicesClient } from './clients/services.client.ts';
import type { DashboardConfig } from './config.ts';
import { CHAOS_PRESETS } from './domain/chaos-presets.ts';
import { LoadRunError, LoadRuns } from './domain/load-runs.ts';
import { PAIRING_COOKIE, PAIRING_PARAM, cookieValue, pairingCookie, pairingMatches } from './domain/pairing.ts';
import { summaryOf, waterfallOf } from './domain/waterfall.ts';
import { Sampler } from './sampler.ts';

/** What the app is built from; tests pass their own. */
export interface DashboardDeps {
  readonly telemetry?: TelemetryReaders;
  readonly loadRuns?: LoadRuns;
  /** Where the built UI is (default `<root>/dist`). */
  readonly distDir?: string;
  /** The UI build state, asked per request ('ready' once dist exists). */
  readonly uiState?: () => StatusResponse['ui'];
}

/** The pages of the single-page UI (each answers index.html; /control answers control.html). */
export const UI_PAGES = ['/', '/chaos', '/load', '/aiops', '/traces', '/logs', '/experiments'] as const;

const serviceName = Type.String({ description: 'a business service: auth-service, db-service, product-service, payment-service (or auth, db, ...)' });

function toService(name: string, field = 'service'): BusinessService {
  const service = resolveServiceName(name);
  if (!service) throw badRequest(`${field} must be one of ${BUSINESS_SERVICES.join(', ')}; got "${name}"`);
  return service;
}

/** A failed relay as `{error, detail}` (the service's own when it gave one), with the service's status. */
function relayFailure(result: ChaosResult): { status: number; body: Record<string, unknown> } {
  const body = (typeof result.body === 'object' && result.body !== null ? result.body : {}) as Record<string, unknown>;
  const error = typeof body.error === 'string' ? body.error : 'service_error';
  const detail = typeof body.detail === 'string' ? body.detail : `${result.service} answered HTTP ${result.status}`;
  // The service's 401/403 mean the dashboard's chaos token is wrong: a server problem, not the browser's.
  const status = result.status === 0 || result.status === 401 || result.status === 403 || result.status >= 500 ? 502 : result.status;
  return { status, body: { error, detail, service: result.service, upstream_status: result.status } };
}

/** How long GET /api/traces/:id waits for a trace that is not there yet. */
const TRACE_WAIT_MS = 5000;

const BUILDING_PAGE = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>archaics</title></head><body style="font-family:system-ui;padding:2rem"><h1>archaics dashboard</h1><p>Building the UI (first start, or its sources changed)… this page reloads by itself.</p></body></html>`;

/**
 * The dashboard server: the built UI, and the API it calls. It talks to the services and the
 * telemetry readers with the chaos token, which never leaves this process.
 */
export async function buildApp(config: DashboardConfig, deps: DashboardDeps = {}): Promise<{ app: FastifyInstance; sampler: Sampler }> {
  const telemetry = deps.telemetry ?? createTelemetryReaders(config.env);
  const services = new ServicesClient(config.services, config.chaosToken);
  const aiops = new AiopsClient(config.detectorUrl, config.operatorUrl, config.chaosToken);
  const sampler = new Sampler(telemetry.metrics, services, aiops, config.sampleMs);
  const targets = { auth: config.services['auth-service'], db: config.services['db-service'], product: config.services['product-service'], payment: config.services['payment-service'] };
  const loadRuns = deps.loadRuns ?? new LoadRuns(targets, config.env);
  const distDir = deps.distDir ?? join(config.root, 'dist');
  const uiState = deps.uiState ?? ((): StatusResponse['ui'] => (existsSync(join(distDir, 'index.html')) ? 'ready' : 'building'));

  const app = await createServer({
    service: 'dashboard',
    version: config.version,
    chaosToken: config.chaosToken,
    // The dashboard takes no faults itself; it relays them to the business services.
    faultTypes: [],
    logLevel: config.logLevel,
    description: 'archaics dashboard: the web UI, /control (the phone page) and the API they call',
  });

  // Open log tails, ended when the server closes.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });
  app.addHook('onClose', async () => {
    await sampler.stop();
    await loadRuns.close();
  });

  // Pairing (the phone page, or any listener off loopback): the token once in the query, then a cookie.
  const pairing = config.pairingToken;
  if (pairing !== null) {
    app.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (path === '/health') return undefined;
      const query = request.query as Record<string, unknown> | undefined;
      const fromQuery = typeof query?.[PAIRING_PARAM] === 'string' ? (query[PAIRING_PARAM] as string) : undefined;
      if (fromQuery !== undefined && pairingMatches(fromQuery, pairing)) {
        void reply.header('set-cookie', pairingCookie(pairing));
        if (request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/assets/')) {
          // Drop the token from the address bar (and from history) once the cookie is set.
          const rest = new URLSearchParams(request.url.split('?')[1] ?? '');
          rest.delete(PAIRING_PARAM);
          const search = rest.toString();
          return reply.redirect(`${path}${search ? `?${search}` : ''}`, 303);
        }
        return undefined;
      }
      if (pairingMatches(cookieValue(request.headers.cookie, PAIRING_COOKIE), pairing)) return undefined;
      return reply
        .code(401)
        .header('cache-control', 'no-store')
        .send({ error: 'unauthorized', detail: 'pairing token required: open the URL printed by scripts/serve-control.sh (or scan its QR code)' });
    });
  }

  // A page of another site must not drive the chaos API through the user's browser.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return undefined;
    const origin = request.headers.origin;
    if (origin === undefined) return undefined;
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = '';
    }
    if (originHost !== request.headers.host) return reply.code(403).send({ error: 'forbidden', detail: `cross-origin request from ${origin} refused` });
    return undefined;
  });

  // ---- the UI
  mkdirSync(join(distDir, 'assets'), { recursive: true });
  await app.register(fastifyStatic, {
    root: join(distDir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    immutable: true,
    maxAge: '365d',
  });
  const page = (file: 'index.html' | 'control.html') => async (_request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    const path = join(distDir, file);
    if (uiState() !== 'ready' || !existsSync(path)) return reply.code(503).header('retry-after', '2').send(BUILDING_PAGE);
    return readFileSync(path, 'utf8');
  };
  const pageSchema = { hide: true } as const;
  for (const path of UI_PAGES) app.get(path, { schema: pageSchema }, page('index.html'));
  app.get('/control', { schema: pageSchema }, page('control.html'));
  app.get('/favicon.ico', { schema: pageSchema }, async (_request, reply) => reply.code(204).send());

  // Routes the UI polls every second or two: logged at DEBUG (as /health is), not once per poll at INFO.
  const POLLED = { control: true } as const;
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 502: ErrorResponse };

  app.get('/api/status', { config: POLLED, schema: { tags: ['dashboard'] } }, async (): Promise<StatusResponse> => ({ ui: uiState(), mode: config.mode, version: config.version }));

  // ---- overview and metrics
  app.get('/api/overview', { config: POLLED, schema: { tags: ['dashboard'] } }, async () => sampler.overview());
  app.get(
    '/api/metrics',
    { config: POLLED, schema: { tags: ['dashboard'], querystring: Type.Object({ since: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$' })) }), response: { 400: ErrorResponse } } },
    async (request) => {
      const { since } = request.query as { since?: string };
      return { points: sampler.history.since(since === undefined ? 0 : Number(since)), intervalMs: config.sampleMs, error: sampler.metricsErrorNow() };
    },
  );

  // ---- chaos
  const injectBody = Type.Object(
    {
      service: serviceName,
      type: Type.String({ minLength: 1, maxLength: 32 }),
      intensity: Type.Optional(Type.Number()),
      probability: Type.Optional(Type.Number()),
      duration: Type.Optional(Type.Number()),
    },
    { additionalProperties: false },
  );
  app.post('/api/chaos/inject', { schema: { tags: ['chaos'], body: injectBody, response: errors } }, async (request, reply) => {
    const body = request.body as { service: string; type: string; intensity?: number; probability?: number; duration?: number };
    const service = toService(body.service);
    const result = await services.inject({ ...body, service });
    await sampler.refresh(service);
    if (result.ok) return result;
    const failure = relayFailure(result);
    return (reply as FastifyReply).code(failure.status).send(failure.body);
  });
  app.post('/api/chaos/reset', { schema: { tags: ['chaos'], body: Type.Object({ service: serviceName }, { additionalProperties: false }), response: errors } }, async (request, reply) => {
    const service = toService((request.body as { service: string }).service);
    const result = await services.reset(service, 'dashboard reset');
    await sampler.refresh(service);
    if (result.ok) return result;
    const failure = relayFailure(result);
    return (reply as FastifyReply).code(failure.status).send(failure.body);
  });
  app.post('/api/chaos/halt', { schema: { tags: ['chaos'] } }, async () => {
    const results = await Promise.all(BUSINESS_SERVICES.map((service) => services.reset(service, 'dashboard halt all')));
    await sampler.refreshAll();
    return { results };
  });
  app.get('/api/chaos/presets', { schema: { tags: ['chaos'] } }, async () => Object.entries(CHAOS_PRESETS).map(([name, preset]) => ({ name, label: preset.label })));
  app.post(
    '/api/chaos/presets/:name',
    { schema: { tags: ['chaos'], params: Type.Object({ name: Type.String({ maxLength: 64 }) }), response: errors } },
    async (request) => {
      const { name } = request.params as { name: string };
      const preset = CHAOS_PRESETS[name];
      if (!preset) throw notFound(`no preset "${name}"; known: ${Object.keys(CHAOS_PRESETS).join(', ')}`);
      const results = await Promise.all(preset.injections.map((injection) => services.inject(injection)));
      await sampler.refreshAll();
      return { preset: name, results };
    },
  );

  // ---- load
  app.get('/api/load', { config: POLLED, schema: { tags: ['load'] } }, async () => ({ scenarios: loadRuns.scenarios(), ...loadRuns.status() }));
  app.post(
    '/api/load',
    {
      schema: {
        tags: ['load'],
        body: Type.Object(
          { scenario: Type.String({ minLength: 1, maxLength: 64 }), vus: Type.Optional(Type.Integer()), duration: Type.Optional(Type.String({ maxLength: 16 })) },
          { additionalProperties: false },
        ),
        response: errors,
      },
    },
    async (request, reply) => {
      try {
        return await (reply as FastifyReply).code(202).send(loadRuns.start(request.body as { scenario: string; vus?: number; duration?: string }));
      } catch (error) {
        if (error instanceof LoadRunError) throw new AppError(error.statusCode, error.code, error.message);
        throw error;
      }
    },
  );
  app.post('/api/load/stop', { schema: { tags: ['load'] } }, async () => ({ stopped: await loadRuns.stop() }));

  // ---- traces
  const telemetryError = (error: unknown): never => {
    if (error instanceof TelemetryQueryError) throw new AppError(502, 'telemetry_unavailable', error.message);
    throw error;
  };
  app.get('/api/traces/services', { config: POLLED, schema: { tags: ['traces'] } }, async () => ({ services: await telemetry.traces.services().catch(telemetryError) }));
  app.get(
    '/api/traces/operations',
    { schema: { tags: ['traces'], querystring: Type.Object({ service: Type.String({ minLength: 1, maxLength: 128 }) }), response: errors } },
    async (request) => ({ operations: await telemetry.traces.operations((request.query as { service: string }).service).catch(telemetryError) }),
  );
  app.get(
    '/api/traces',
    {
      schema: {
        tags: ['traces'],
        querystring: Type.Object({
          service: Type.String({ minLength: 1, maxLength: 128 }),
          operation: Type.Optional(Type.String({ maxLength: 256 })),
          limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
          lookback: Type.Optional(Type.String({ pattern: '^[0-9]+(s|m|h|d)$' })),
          errors: Type.Optional(Type.String({ enum: ['true', 'false'] })),
        }),
        response: errors,
      },
    },
    async (request) => {
      const q = request.query as { service: string; operation?: string; limit?: string; lookback?: string; errors?: string };
      const traces = await telemetry.traces
        .findTraces({
          service: q.service,
          ...(q.operation ? { operation: q.operation } : {}),
          ...(q.errors === 'true' ? { tags: { error: 'true' } } : {}),
          limit: Math.min(100, Math.max(1, Number(q.limit ?? 20))),
          lookback: q.lookback ?? '1h',
        })
        .catch(telemetryError);
      return { traces: traces.filter((t) => t.spans.length > 0).map(summaryOf) };
    },
  );
  app.get(
    '/api/traces/:id',
    { schema: { tags: ['traces'], params: Type.Object({ id: Type.String({ pattern: '^([0-9a-fA-F]{16}|[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$' }) }), response: errors } },
    async (request) => {
      const id = (request.params as { id: string }).id.replaceAll('-', '').toLowerCase();
      // Spans reach the trace store a second or so after the request: a trace just seen in the logs is waited for.
      let trace = await telemetry.traces.getTrace(id).catch(telemetryError);
      for (let waited = 0; (!trace || trace.spans.length === 0) && waited < TRACE_WAIT_MS; waited += 500) {
        await sleep(500);
        trace = await telemetry.traces.getTrace(id).catch(telemetryError);
      }
      if (!trace || trace.spans.length === 0) throw notFound(`trace ${id} not found (spans arrive a second or two after the request)`);
      return waterfallOf(trace);
    },
  );

  // ---- logs
  const logFilter = Type.Object({
    service: Type.Optional(Type.String({ maxLength: 128 })),
    level: Type.Optional(Type.String({ enum: [...LOG_LEVELS] })),
    trace_id: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F-]{16,36}$' })),
    text: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
  });
  type LogFilterQuery = { service?: string; level?: LogLevel; trace_id?: string; text?: string; limit?: string };
  const filterOf = (q: LogFilterQuery) => ({
    ...(q.service ? { service: q.service } : {}),
    ...(q.level ? { level: q.level } : {}),
    ...(q.trace_id ? { traceId: q.trace_id.replaceAll('-', '').toLowerCase() } : {}),
    ...(q.text ? { text: q.text } : {}),
  });
  const lineView = (line: LogRecord): LogLineView => ({
    service: line.service,
    level: line.level,
    message: line.message,
    timestamp: line.timestamp,
    ...(line.trace_id ? { trace_id: line.trace_id } : {}),
  });
  app.get('/api/logs', { schema: { tags: ['logs'], querystring: logFilter, response: errors } }, async (request) => {
    const q = request.query as LogFilterQuery;
    const lines = await telemetry.logs.query({ ...filterOf(q), limit: Math.min(500, Math.max(1, Number(q.limit ?? 100))) }).catch(telemetryError);
    return { lines: lines.map(lineView) };
  });
  // Live tail as server-sent events: one `data:` line per log line, oldest first.
  app.get('/api/logs/stream', { schema: { tags: ['logs'], querystring: logFilter, response: errors } }, async (request, reply) => {
    const q = request.query as LogFilterQuery;
    const abort = new AbortController();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': tail\n\n');
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
    const end = (): void => {
      clearInterval(heartbeat);
      abort.abort();
    };
    request.raw.once('close', end);
    streams.add(end);
    await telemetry.logs
      .tail(filterOf(q), (line) => void raw.write(`data: ${JSON.stringify(lineView(line))}\n\n`), abort.signal, {
        onError: (error) => raw.write(`event: tail-error\ndata: ${JSON.stringify({ error: error.message })}\n\n`),
      })
      .catch(() => undefined);
    streams.delete(end);
    raw.end();
  });

  // ---- AI-Ops (the detector and the operator may not be running: then say so)
  app.get('/api/aiops', { config: POLLED, schema: { tags: ['aiops'] } }, async (): Promise<AiopsResponse> => aiopsView(aiops, sampler.detectorScores));
  const incidentParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,128}$' }) });
  app.get('/api/aiops/incidents/:id', { schema: { tags: ['aiops'], params: incidentParams, response: errors } }, async (request, reply) => {
    const answer = await aiops.incident((request.params as { id: string }).id);
    if (!answer.running) throw new AppError(502, 'operator_not_running', `ai-operator at ${aiops.operatorUrl}: ${answer.error}`);
    return (reply as FastifyReply).code(answer.status).send(answer.value);
  });
  app.post('/api/aiops/incidents/:id/approve', { schema: { tags: ['aiops'], params: incidentParams, response: errors } }, async (request, reply) => {
    const answer = await aiops.approve((request.params as { id: string }).id);
    if (!answer.running) throw new AppError(502, 'operator_not_running', `ai-operator at ${aiops.operatorUrl}: ${answer.error}`);
    return (reply as FastifyReply).code(answer.status).send(answer.value);
  });

  // ---- Experiment journals and reports (`archaics experiment`), and the suite's latest scorecard: read from the state folder.
  app.get('/api/experiments', { config: POLLED, schema: { tags: ['experiments'] } }, async () => {
    const latest = latestScorecard(config.home, [BENCH_RESULTS_DIR]);
    return { runs: listJournals(config.home, 200), scorecard: latest ? { path: latest.path, json: latest.json, markdown: latest.markdown } : null };
  });
  const runParams = Type.Object({ run: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$', description: 'a run id from GET /api/experiments' }) });
  app.get('/api/experiments/:run/journal', { schema: { tags: ['experiments'], params: runParams, response: errors } }, async (request, reply) => {
    const run = (request.params as { run: string }).run;
    const text = readRunFile(config.home, run, 'journal.json');
    if (text === undefined) throw notFound(`no experiment run "${run}" in ${config.home}/experiments`);
    return (reply as FastifyReply).type('application/json').send(text);
  });
  app.get('/api/experiments/:run/report', { schema: { tags: ['experiments'], params: runParams, response: errors } }, async (request, reply) => {
    const run = (request.params as { run: string }).run;
    const html = readRunFile(config.home, run, 'report.html');
    if (html === undefined) throw notFound(`no report for experiment run "${run}" in ${config.home}/experiments`);
    // The report is self-contained (inline CSS and SVG, no script): nothing else may load or run in it.
    return (reply as FastifyReply)
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'")
      .send(html);
  });

  return { app, sampler };
}

