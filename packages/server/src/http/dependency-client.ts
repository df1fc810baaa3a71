import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  ConstantBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type RetryPolicy,
} from 'cockatiel';
import type { Logger } from 'pino';
import { Pool } from 'undici';
import type { UpstreamConfig } from '@archaics/runtime';
import type { DrawnFault } from '../chaos/chaos-engine.ts';
import type { ServiceMetrics, UpstreamOutcome } from '../metrics/metrics.ts';
import {
  ATTR_CHAOS_FAULT,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_PEER_SERVICE,
  ATTR_URL_PATH,
} from '../tracing/semantic-attributes.ts';
import type { Tracing } from '../tracing/tracing.ts';

/** Why a dependency call failed. */
export type UpstreamFailureKind = 'timeout' | 'unreachable' | 'error' | 'circuit_open' | 'bad_response';

/** A dependency call that did not produce a usable answer. */
export class UpstreamFailure extends Error {
  constructor(
    readonly upstream: string,
    readonly kind: UpstreamFailureKind,
    readonly elapsedMs: number,
    readonly status?: number,
  ) {
    super(`${upstream} ${kind}${status ? ` (HTTP ${status})` : ''} after ${Math.round(elapsedMs)}ms`);
    this.name = 'UpstreamFailure';
  }
}

export interface DependencyClientOptions {
  /** The calling service (metrics and log label). */
  service: string;
  /** The upstream's name, e.g. `db-service`. */
  upstream: string;
  baseUrl: string;
  /** Deadline for a whole call, retries included (`<NAME>_TIMEOUT_MS`, default 1000). */
  timeoutMs?: number;
  /** Extra attempts for idempotent reads (default 1). */
  retries?: number;
  /** Consecutive failures that open the circuit (default 5). */
  breakerThreshold?: number;
  /** How long the circuit stays open before a trial call (default 5000 ms). */
  breakerHalfOpenMs?: number;
  /** Keep-alive connections to the upstream (default 64). */
  connections?: number;
  logger: Logger;
  metrics: ServiceMetrics;
  tracing: Tracing;
  /** Edge faults held by the caller (SPEC 2.1 `target`): drawn for each attempt to this upstream. */
  edgeFaults?: EdgeFaults;
}

/** Where a dependency client finds the edge faults on its upstream (the service's chaos engine). */
export interface EdgeFaults {
  drawEdge(upstream: string): DrawnFault | undefined;
}

export interface DependencyRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Retried on failure only when true (defaults to true for GET). */
  idempotent?: boolean;
}

export interface DependencyResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  elapsedMs: number;
}

class AttemptFailure extends Error {
  constructor(
    readonly kind: UpstreamFailureKind,
    readonly status?: number,
  ) {
    super(kind);
  }
}

/**
 * An HTTP client for one dependency: keep-alive pool, a deadline per call, retries only
 * for idempotent reads, a circuit breaker, a client span, trace headers, metrics and a
 * log line naming the upstream, the outcome and the elapsed time on failure.
 */
export class DependencyClient {
  private readonly pool: Pool;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly readRetry: RetryPolicy;
  private readonly noRetry: RetryPolicy;

  constructor(private readonly options: DependencyClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retries = options.retries ?? 1;
    this.pool = new Pool(options.baseUrl, {
      connections: options.connections ?? 64,
      keepAliveTimeout: 10_000,
      connect: { timeout: this.timeoutMs },
    });
    // Reads are retried after a failed attempt, but not after the deadline has passed.
    this.readRetry = retry(
      handleWhen((error) => error instanceof AttemptFailure && error.kind !== 'timeout'),
      { maxAttempts: this.retries, backoff: new ConstantBackoff(25) },
    );
    this.noRetry = retry(
      handleWhen(() => false),
      { maxAttempts: 0 },
    );
    this.breaker = circuitBreaker(
      handleWhen((error) => error instanceof AttemptFailure),
      { halfOpenAfter: options.breakerHalfOpenMs ?? 5000, breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5) },
    );
    this.breaker.onBreak(() => options.logger.warn({ upstream: options.upstream }, `${options.upstream} circuit opened`));
    this.breaker.onReset(() => options.logger.info({ upstream: options.upstream }, `${options.upstream} circuit closed`));
  }

  /** The breaker's state: closed, open, half-open or isolated. */
  get circuitState(): string {
    return ['closed', 'open', 'half-open', 'isolated'][this.breaker.state] ?? 'unknown';
  }

  /** Calls the upstream; 2xx-4xx answers are returned, everything else is an {@link UpstreamFailure}. */
  async request<T = unknown>(req: DependencyRequest): Promise<DependencyResponse<T>> {
    const { service, upstream, tracing, metrics, logger } = this.options;
    const started = performance.now();
    // A controller, not AbortSignal.timeout: its timer is cleared when the call ends.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const deadline = controller.signal;
    const idempotent = req.idempotent ?? req.method === 'GET';
    const span = tracing.tracer.startSpan(
      `${req.method} ${upstream}${req.path.split('?')[0]}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_PEER_SERVICE]: upstream,
          [ATTR_HTTP_REQUEST_METHOD]: req.method,
          [ATTR_URL_PATH]: req.path,
        },
      },
      context.active(),
    );
    const spanContext = trace.setSpan(context.active(), span);
    const traceHeaders = tracing.outgoingHeaders(spanContext);
    const policy = idempotent ? this.readRetry : this.noRetry;
    let outcome: UpstreamOutcome = 'success';
    try {
      const response = await this.breaker.execute(() =>
        policy.execute(({ signal }) => this.attempt<T>(req, traceHeaders, deadline, signal, span)),
      );
      outcome = response.status >= 400 ? 'client_error' : 'success';
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      return { ...response, elapsedMs: performance.now() - started };
    } catch (error) {
      const elapsedMs = performance.now() - started;
      const failure =
        error instanceof BrokenCircuitError
          ? new UpstreamFailure(upstream, 'circuit_open', elapsedMs)
          : error instanceof AttemptFailure
            ? new UpstreamFailure(upstream, error.kind, elapsedMs, error.status)
            : new UpstreamFailure(upstream, 'unreachable', elapsedMs);
      outcome = failure.kind === 'bad_response' ? 'bad_data' : failure.kind;
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
      logger.warn(
        { upstream: { name: upstream, outcome: failure.kind, status: failure.status, elapsed_ms: Math.round(elapsedMs) } },
        `${upstream} ${describe(failure)} after ${Math.round(elapsedMs)}ms — upstream impact detected`,
      );
      throw failure;
    } finally {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      metrics.upstreamRequests.inc({ service, upstream, outcome });
      metrics.upstreamDuration.observe({ service, upstream }, seconds);
      span.end();
    }
  }

  /**
   * Records an answer whose records were invalid (the call itself counted as a success in
   * `upstream_requests_total`); counted in `upstream_bad_data_total`.
   */
  recordBadData(): void {
    const { service, upstream, metrics } = this.options;
    metrics.upstreamBadData.inc({ service, upstream });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async attempt<T>(
    req: DependencyRequest,
    traceHeaders: Record<string, string>,
    deadline: AbortSignal,
    cancelled: AbortSignal,
    span: Span,
  ): Promise<Omit<DependencyResponse<T>, 'elapsedMs'>> {
    if (deadline.aborted || cancelled.aborted) throw new AttemptFailure('timeout');
    const fault = this.options.edgeFaults?.drawEdge(this.options.upstream);
    if (fault) {
      span.setAttribute(ATTR_CHAOS_FAULT, fault.type);
      const injected = await this.sufferEdgeFault<T>(fault, deadline, cancelled);
      if (injected) return injected;
    }
    const hasBody = req.body !== undefined;
    let response;
    try {
      response = await this.pool.request({
        method: req.method,
        path: req.path,
        headers: {
          accept: 'application/json',
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
          ...req.headers,
          ...traceHeaders,
        },
        body: hasBody ? JSON.stringify(req.body) : null,
        signal: deadline,
      });
    } catch {
      throw new AttemptFailure(deadline.aborted ? 'timeout' : 'unreachable');
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch {
      throw new AttemptFailure(deadline.aborted ? 'timeout' : 'unreachable');
    }
    if (response.statusCode >= 500) throw new AttemptFailure('error', response.statusCode);
    let body: unknown;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      throw new AttemptFailure('bad_response', response.statusCode);
    }
    return { status: response.statusCode, headers: response.headers, body: body as T };
  }

  /**
   * Applies an edge fault to one attempt, in the caller, before anything is sent: partition
   * fails at once as unreachable, blackhole waits for the deadline, latency (and timeout)
   * wait their delay inside the deadline, error fails as if the upstream had answered its
   * status (a 429 is returned as that answer). The upstream sees none of it. Returns the
   * answer to use instead of calling, or undefined to go on and call.
   */
  private async sufferEdgeFault<T>(
    fault: DrawnFault,
    deadline: AbortSignal,
    cancelled: AbortSignal,
  ): Promise<Omit<DependencyResponse<T>, 'elapsedMs'> | undefined> {
    const { upstream } = this.options;
    switch (fault.type) {
      case 'partition':
        throw new AttemptFailure('unreachable');
      case 'error': {
        const status = fault.status ?? 500;
        if (status >= 500) throw new AttemptFailure('error', status);
        const headers = fault.retryAfterS === undefined ? {} : { 'retry-after': String(fault.retryAfterS) };
        return { status, headers, body: { error: 'injected_error', service: upstream } as T };
      }
      case 'blackhole':
      case 'timeout':
      case 'latency': {
        // A blackhole never answers; the wait ends early only when the deadline passes or the fault is cleared.
        const delayMs = fault.type === 'blackhole' ? Number.POSITIVE_INFINITY : (fault.delayMs ?? 0);
        await waitUnless(delayMs, [deadline, cancelled, fault.signal]);
        if (deadline.aborted || cancelled.aborted) throw new AttemptFailure('timeout');
        return undefined;
      }
      default:
        return undefined;
    }
  }
}

/** Waits `ms` (forever when infinite) or until one of the signals aborts. */
function waitUnless(ms: number, signals: readonly AbortSignal[]): Promise<void> {
  if (signals.some((signal) => signal.aborted)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      if (timer) clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    for (const signal of signals) signal.addEventListener('abort', done, { once: true });
  });
}

function describe(failure: UpstreamFailure): string {
  switch (failure.kind) {
    case 'timeout':
      return 'timeout';
    case 'unreachable':
      return 'unreachable';
    case 'error':
      return `error HTTP ${failure.status ?? 500}`;
    case 'circuit_open':
      return 'circuit open (call not attempted)';
    case 'bad_response':
      return 'answered with an unreadable body';
  }
}

/**
 * The {@link DependencyClient} a service uses for `upstream`: the service's name, logger,
 * metrics and tracing (e.g. `app.archaics`), the upstream's URL and deadline from its config.
 */
export function upstreamClient(
  context: Pick<DependencyClientOptions, 'service' | 'logger' | 'metrics' | 'tracing'> & {
    chaos?: EdgeFaults & { addUpstream(upstream: string): void };
  },
  upstream: string,
  config: UpstreamConfig,
): DependencyClient {
  const { service, logger, metrics, tracing, chaos } = context;
  chaos?.addUpstream(upstream);
  return new DependencyClient({
    service,
    upstream,
    baseUrl: config.url,
    timeoutMs: config.timeoutMs,
    logger,
    metrics,
    tracing,
    ...(chaos ? { edgeFaults: chaos } : {}),
  });
}
