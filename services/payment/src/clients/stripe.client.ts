import { AppError, type Logger, type ServiceMetrics, type Tracing, type UpstreamOutcome } from '@archaics/server';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import Stripe from 'stripe';
import type { StripeConfig } from '../config.ts';
import type { CheckoutGateway, GatewayCheckout, GatewaySession } from './checkout-gateway.ts';

const UPSTREAM = 'stripe';
const PATH = '/v1/checkout/sessions';

/** The official SDK, pointed at `STRIPE_API_BASE` when set; no SDK retries, so the timeout is the deadline. */
export function createStripeSdk(config: StripeConfig): Stripe {
  return new Stripe(config.apiKey, {
    timeout: config.timeoutMs,
    maxNetworkRetries: 0,
    telemetry: false,
    appInfo: { name: 'archaics-payment-service' },
    ...(config.apiBase ? { protocol: config.apiBase.protocol, host: config.apiBase.host, port: config.apiBase.port } : {}),
  });
}

type StripeOutcome = Exclude<UpstreamOutcome, 'success'>;

class StripeCallFailure extends Error {
  constructor(
    readonly outcome: StripeOutcome,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(`${UPSTREAM} ${outcome}`);
  }

  /** Failures that say Stripe is unwell (and count towards opening the circuit). */
  get transient(): boolean {
    return this.outcome === 'timeout' || this.outcome === 'unreachable' || this.outcome === 'error';
  }
}

function classify(error: unknown): StripeCallFailure {
  if (error instanceof StripeCallFailure) return error;
  if (error instanceof BrokenCircuitError) return new StripeCallFailure('circuit_open');
  if (error instanceof Stripe.errors.StripeConnectionError) {
    return new StripeCallFailure(/timeout/i.test(error.message) ? 'timeout' : 'unreachable');
  }
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode;
    const outcome = status !== undefined && status >= 400 && status < 500 ? 'client_error' : 'error';
    return new StripeCallFailure(outcome, status, error.code ?? error.type);
  }
  return new StripeCallFailure('error');
}

function describe(failure: StripeCallFailure): string {
  switch (failure.outcome) {
    case 'circuit_open':
      return 'circuit open (call not attempted)';
    case 'client_error':
    case 'error':
      return `error${failure.status ? ` HTTP ${failure.status}` : ''}${failure.code ? ` (${failure.code})` : ''}`;
    case 'bad_data':
      return 'answered a session without id or url';
    default:
      return failure.outcome;
  }
}

export interface StripeGatewayOptions {
  stripe: Stripe;
  timeoutMs: number;
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  tracing: Tracing;
  /** Consecutive transient failures that open the circuit (default 5). */
  breakerThreshold?: number;
  /** How long the circuit stays open before a trial call (default 5000 ms). */
  breakerHalfOpenMs?: number;
}

/**
 * Stripe Checkout through the official SDK, treated like any other dependency: a
 * deadline, no retries of the creation (Stripe's idempotency key makes a client's retry
 * safe instead), a circuit breaker, a client span, `upstream="stripe"` metrics and the
 * caller's WARN line on failure. Any failure answers 502 `upstream_error` (503
 * `circuit_open` while the circuit is open).
 */
export class StripeGateway implements CheckoutGateway {
  readonly mode = 'stripe' as const;
  private readonly breaker: CircuitBreakerPolicy;

  constructor(private readonly options: StripeGatewayOptions) {
    this.breaker = circuitBreaker(
      handleWhen((error) => classify(error).transient),
      { halfOpenAfter: options.breakerHalfOpenMs ?? 5000, breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5) },
    );
    this.breaker.onBreak(() => options.logger.warn({ upstream: UPSTREAM }, `${UPSTREAM} circuit opened`));
    this.breaker.onReset(() => options.logger.info({ upstream: UPSTREAM }, `${UPSTREAM} circuit closed`));
  }

  async createSession(checkout: GatewayCheckout): Promise<GatewaySession> {
    const { service, logger, metrics, tracing } = this.options;
    const started = performance.now();
    const span = tracing.tracer.startSpan(`POST ${UPSTREAM}${PATH}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'peer.service': UPSTREAM, 'http.request.method': 'POST', 'url.path': PATH },
    });
    let outcome: UpstreamOutcome = 'success';
    try {
      const session = await context.with(trace.setSpan(context.active(), span), () => this.breaker.execute(() => this.create(checkout)));
      logger.debug(`${UPSTREAM} checkout session created: ${session.id} in ${(performance.now() - started).toFixed(1)}ms`);
      return session;
    } catch (error) {
      const failure = classify(error);
      outcome = failure.outcome;
      const elapsedMs = Math.round(performance.now() - started);
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
      logger.warn(
        { upstream: { name: UPSTREAM, outcome: failure.outcome, status: failure.status, code: failure.code, elapsed_ms: elapsedMs } },
        `${UPSTREAM} ${describe(failure)} after ${elapsedMs}ms — upstream impact detected`,
      );
      const detail = `${UPSTREAM} ${describe(failure)} after ${elapsedMs}ms`;
      if (failure.outcome === 'circuit_open') throw new AppError(503, 'circuit_open', detail, { upstream: UPSTREAM });
      throw new AppError(502, 'upstream_error', detail, { upstream: UPSTREAM });
    } finally {
      metrics.upstreamRequests.inc({ service, upstream: UPSTREAM, outcome });
      metrics.upstreamDuration.observe({ service, upstream: UPSTREAM }, (performance.now() - started) / 1000);
      span.end();
    }
  }

  private async create(checkout: GatewayCheckout): Promise<GatewaySession> {
    const call = this.options.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: checkout.lines.map((line) => ({
          quantity: line.quantity,
          price_data: { currency: checkout.currency, unit_amount: line.unit_amount, product_data: { name: line.name } },
        })),
        metadata: { user_id: checkout.userId },
        client_reference_id: checkout.userId.slice(0, 200),
        success_url: checkout.successUrl,
        cancel_url: checkout.cancelUrl,
      },
      { idempotencyKey: checkout.idempotencyKey },
    );
    // The SDK's timeout is per socket inactivity; this guard bounds the whole call.
    let guard: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      guard = setTimeout(() => reject(new StripeCallFailure('timeout')), this.options.timeoutMs + 250);
    });
    try {
      const session = await Promise.race([call, deadline]);
      if (typeof session.id !== 'string' || session.id === '' || typeof session.url !== 'string' || session.url === '') {
        throw new StripeCallFailure('bad_data');
      }
      return { id: session.id, url: session.url };
    } finally {
      clearTimeout(guard);
      call.catch(() => undefined);
    }
  }
}
