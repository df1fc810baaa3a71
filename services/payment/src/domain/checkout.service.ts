import { randomUUID } from 'node:crypto';
import { AppError, type Logger } from '@archaics/server';
import { dbServiceBadData, type AuthenticatedUser, type DbServiceClient } from '@archaics/business-clients';
import type { CheckoutGateway } from '../clients/checkout-gateway.ts';
import type { PaymentRepository, SessionRecord } from '../repositories/payment.repository.ts';
import { MAX_AMOUNT_CENTS, priceCheckout } from './checkout.ts';
import { idempotencyScope, stripeIdempotencyKey, type StoredAnswer } from './idempotency.ts';
import { KeyedLock } from './keyed-lock.ts';
import { describeIssues } from '@archaics/contracts';

export interface CheckoutRequest {
  idempotencyKey?: string | undefined;
  successUrl?: string | undefined;
  cancelUrl?: string | undefined;
}

export interface CheckoutResult extends StoredAnswer {
  /** True when the answer is the one stored for the Idempotency-Key. */
  replayed: boolean;
}

/** What a verified `checkout.session.completed` event says. */
export interface CompletedSession {
  sessionId: string;
  userId: string | undefined;
  amountTotal: number | undefined;
  currency: string | undefined;
}

export interface CheckoutServiceDeps {
  db: DbServiceClient;
  gateway: CheckoutGateway;
  repository: PaymentRepository;
  logger: Logger;
  successUrl: string;
  cancelUrl: string;
  now?: () => Date;
  /** Pause before the one retry of a failed cart clear (default 100 ms). */
  clearRetryDelayMs?: number;
}

/**
 * Checkout: reads and prices the cart, opens a session with the gateway, records it, and
 * (simulated mode) clears the cart. With an Idempotency-Key, requests of one user with one
 * key run one at a time and a stored answer is replayed instead of charging again; only
 * successful (201) answers are stored, so a failed attempt may be retried with its key.
 */
export class CheckoutService {
  private readonly keyLock = new KeyedLock();
  private readonly sessionLock = new KeyedLock();
  private readonly now: () => Date;

  constructor(private readonly deps: CheckoutServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async checkout(user: AuthenticatedUser, request: CheckoutRequest): Promise<CheckoutResult> {
    const key = request.idempotencyKey;
    if (key === undefined) return { ...(await this.create(user, request, undefined)), replayed: false };
    return this.keyLock.run(idempotencyScope(user.user_id, key), async () => {
      const stored = this.deps.repository.findIdempotent(user.user_id, key);
      if (stored) {
        this.deps.logger.info(
          `checkout replayed for an Idempotency-Key of user ${user.user_id} (session ${String(stored.body.session_id)})`,
        );
        return { ...stored, replayed: true };
      }
      return { ...(await this.create(user, request, key)), replayed: false };
    });
  }

  /**
   * Applies a verified `checkout.session.completed`: clears the buyer's cart once and marks
   * the session paid. A repeated delivery of a completed session changes nothing. A db
   * failure propagates (the webhook answers 5xx and Stripe delivers again).
   */
  async complete(event: CompletedSession): Promise<'cleared' | 'duplicate' | 'ignored'> {
    const { repository, db, logger } = this.deps;
    return this.sessionLock.run(event.sessionId, async () => {
      const known = repository.findSession(event.sessionId);
      if (known?.status === 'complete' && known.cart_cleared) return 'duplicate';
      const userId = known?.user_id ?? event.userId;
      if (!userId) {
        logger.warn(`checkout.session.completed for ${event.sessionId} names no user (metadata.user_id): ignored`);
        return 'ignored';
      }
      await db.clearCart(userId);
      repository.completeSession(
        known ?? {
          session_id: event.sessionId,
          user_id: userId,
          mode: 'stripe',
          status: 'complete',
          amount_total: event.amountTotal ?? 0,
          currency: event.currency ?? 'usd',
          url: '',
          items: [],
          cart_cleared: true,
          created_at: this.now().toISOString(),
          completed_at: null,
        },
      );
      logger.info(`checkout session ${event.sessionId} completed: cart of user ${userId} cleared`);
      return 'cleared';
    });
  }

  private async create(user: AuthenticatedUser, request: CheckoutRequest, key: string | undefined): Promise<StoredAnswer> {
    const { db, gateway, repository } = this.deps;
    const cart = await db.getCart(user.user_id);
    if (cart.received === 0) throw new AppError(400, 'empty_cart', 'the cart is empty');
    const products = await db.listProducts();
    const priced = priceCheckout(cart, products);
    if (!priced.ok) {
      db.reportBadData('cart items', priced.issues, cart.received, 'refusing to charge');
      throw dbServiceBadData(`refusing to charge a cart with invalid records (${describeIssues(priced.issues)})`);
    }
    if (priced.amountTotal > MAX_AMOUNT_CENTS) {
      throw new AppError(
        400,
        'amount_too_large',
        `the cart totals ${priced.amountTotal} cents; at most ${MAX_AMOUNT_CENTS} can be charged`,
      );
    }
    const session = await gateway.createSession({
      userId: user.user_id,
      lines: priced.lines,
      amountTotal: priced.amountTotal,
      currency: 'usd',
      successUrl: request.successUrl ?? this.deps.successUrl,
      cancelUrl: request.cancelUrl ?? this.deps.cancelUrl,
      idempotencyKey: key === undefined ? `archaics-checkout-${randomUUID()}` : stripeIdempotencyKey(user.user_id, key),
    });
    const simulated = gateway.mode === 'simulated';
    const now = this.now().toISOString();
    const record: SessionRecord = {
      session_id: session.id,
      user_id: user.user_id,
      mode: gateway.mode,
      status: simulated ? 'complete' : 'open',
      amount_total: priced.amountTotal,
      currency: 'usd',
      url: session.url,
      items: priced.lines,
      cart_cleared: false,
      created_at: now,
      completed_at: simulated ? now : null,
    };
    const answer: StoredAnswer = {
      status: 201,
      body: { session_id: session.id, url: session.url, amount_total: priced.amountTotal, currency: 'usd', mode: gateway.mode },
    };
    repository.saveSession(record, key === undefined ? undefined : { userId: user.user_id, key, answer });
    this.deps.logger.info(`checkout session ${session.id} (${gateway.mode}) for user ${user.user_id}: ${priced.amountTotal} cents`);
    if (simulated) await this.clearPaidCart(user.user_id, session.id);
    return answer;
  }

  /**
   * Simulated payment succeeded: clear the cart, retrying once. If it still fails the
   * session stays recorded (cart_cleared false) and the answer is still 201 — failing the
   * request would invite the client to pay again.
   */
  private async clearPaidCart(userId: string, sessionId: string): Promise<void> {
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        await this.deps.db.clearCart(userId);
        this.deps.repository.markCartCleared(sessionId);
        return;
      } catch (error) {
        const final = attempt === 2;
        const next = final ? 'session kept with cart_cleared=false' : 'retrying';
        this.deps.logger.error(
          { session_id: sessionId, attempt },
          `cart clear after checkout ${sessionId} failed (attempt ${attempt} of 2): ${(error as Error).message} — ${next}`,
        );
        if (!final) await new Promise((resolve) => setTimeout(resolve, this.deps.clearRetryDelayMs ?? 100));
      }
    }
  }
}
