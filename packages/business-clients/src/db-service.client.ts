import { cartItemsOf, describeIssues, type CartItem, type Checked, type Product, type RecordIssue } from '@archaics/contracts';
import { checkCartItems, checkProducts } from '@archaics/contracts/validate';
import { AppError, notFound } from '@archaics/server';
import type { Logger } from '@archaics/server';
import { UpstreamFailure, type DependencyClient, type DependencyRequest, type DependencyResponse } from '@archaics/server';

const UPSTREAM = 'db-service';

/** 502 `upstream_bad_data` naming db-service: its answer cannot be used for this request. */
export const dbServiceBadData = (detail: string): AppError => new AppError(502, 'upstream_bad_data', detail, { upstream: UPSTREAM });

const unexpected = (what: string, response: DependencyResponse): AppError =>
  new AppError(502, 'upstream_error', `${UPSTREAM} answered ${what} with HTTP ${response.status}`, { upstream: UPSTREAM });

/** How a {@link DbServiceClient} treats db-service answers that do not fully check. */
export interface DbServiceClientOptions {
  /**
   * `drop` (a display can do without them): invalid records are dropped, logged (WARN) and
   * counted as bad data; an answer with nothing usable left (no valid record, or a cart clear
   * without a count) is a 502 `upstream_bad_data`.
   * `return` (the caller judges, e.g. refuses to charge): records come back checked with their
   * `issues`, and a cart clear counts as done whatever count it reports (0 when none).
   */
  invalidRecords: 'drop' | 'return';
}

/**
 * db-service calls (catalogue and carts). Every record of an answer is checked; what becomes
 * of invalid ones is set by {@link DbServiceClientOptions.invalidRecords}. An answer of the wrong
 * shape, or one that is not JSON, is a 502 `upstream_bad_data`; an unexpected status a 502
 * `upstream_error`. Transport failures propagate as `UpstreamFailure` (the error handler answers
 * 504/502/503).
 */
export class DbServiceClient {
  constructor(
    private readonly http: DependencyClient,
    private readonly logger: Logger,
    private readonly options: DbServiceClientOptions,
  ) {}

  /** `GET /products`, checked. */
  async listProducts(): Promise<Checked<Product>> {
    const response = await this.call({ method: 'GET', path: '/products' });
    if (response.status !== 200) throw unexpected('GET /products', response);
    if (!Array.isArray(response.body)) throw this.unusable('products fetch', 'the answer is not a list', response);
    return this.accept('products fetch', 'product records', checkProducts(response.body), response);
  }

  /** `GET /cart/:user_id`, checked (a 404 is an empty cart). */
  async getCart(userId: string): Promise<Checked<CartItem>> {
    const response = await this.call({ method: 'GET', path: `/cart/${encodeURIComponent(userId)}` });
    if (response.status === 404) return { valid: [], issues: [], received: 0 };
    if (response.status !== 200) throw unexpected('GET /cart', response);
    return this.cartOf('cart fetch', response);
  }

  /** `POST /cart/add` (never retried): the cart after the addition; unknown product 404, refused item 400. */
  async addToCart(userId: string, productId: string, quantity: number): Promise<Checked<CartItem>> {
    const response = await this.call({
      method: 'POST',
      path: '/cart/add',
      body: { user_id: userId, product_id: productId, quantity },
    });
    if (response.status === 404) throw notFound(`unknown product ${productId}`);
    if (response.status === 400) throw new AppError(400, 'bad_request', `${UPSTREAM} refused the item: ${detailOf(response.body)}`);
    if (response.status !== 200) throw unexpected('POST /cart/add', response);
    return this.cartOf('cart add', response);
  }

  /** `POST /cart/clear` (never retried): how many items were removed. */
  async clearCart(userId: string): Promise<number> {
    const response = await this.call({ method: 'POST', path: '/cart/clear', body: { user_id: userId } });
    if (response.status !== 200) throw unexpected('POST /cart/clear', response);
    const cleared = (response.body as { cleared?: unknown } | null)?.cleared;
    const isCount = typeof cleared === 'number' && Number.isSafeInteger(cleared) && cleared >= 0;
    if (!isCount && this.options.invalidRecords === 'drop') throw this.unusable('cart clear', 'cleared is not a count', response);
    const count = isCount ? cleared : 0;
    this.logger.debug(`${UPSTREAM} cart clear success: ${count} items in ${response.elapsedMs.toFixed(1)}ms`);
    return count;
  }

  /**
   * Counts (`upstream_bad_data_total`) and logs at WARN records dropped after the fact
   * (e.g. cart items whose product is unknown): `db-service bad data: dropped N of M <what> (<issues>)`.
   */
  reportDropped(what: string, issues: readonly RecordIssue[], received: number): void {
    if (issues.length === 0) return;
    this.http.recordBadData();
    this.logger.warn(
      { upstream: { name: UPSTREAM, outcome: 'bad_data', dropped: issues.length, received } },
      `${UPSTREAM} bad data: dropped ${issues.length} of ${received} ${what} (${describeIssues(issues)})`,
    );
  }

  /**
   * Counts (`upstream_bad_data_total`) and logs at WARN records the caller refused, and what that
   * meant: `db-service bad data: N of M <what> invalid (<issues>) — <consequence>`.
   */
  reportBadData(what: string, issues: readonly RecordIssue[], received: number, consequence: string): void {
    if (issues.length === 0) return;
    this.http.recordBadData();
    this.logger.warn(
      { upstream: { name: UPSTREAM, outcome: 'bad_data', refused: issues.length, received } },
      `${UPSTREAM} bad data: ${issues.length} of ${received} ${what} invalid (${describeIssues(issues)}) — ${consequence}`,
    );
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** A body that is not JSON is bad data too (SPEC: 502 upstream_bad_data), not a transport error. */
  private async call(request: DependencyRequest): Promise<DependencyResponse> {
    try {
      return await this.http.request(request);
    } catch (error) {
      if (error instanceof UpstreamFailure && error.kind === 'bad_response') {
        throw dbServiceBadData(`${UPSTREAM} answered ${request.method} ${request.path} with a body that is not JSON`);
      }
      throw error;
    }
  }

  private cartOf(operation: string, response: DependencyResponse): Checked<CartItem> {
    const items = cartItemsOf(response.body);
    if (!items) throw this.unusable(operation, 'the answer has no item list', response);
    return this.accept(operation, 'cart items', checkCartItems(items), response);
  }

  private accept<T>(operation: string, what: string, checked: Checked<T>, response: DependencyResponse): Checked<T> {
    const ms = response.elapsedMs.toFixed(1);
    if (this.options.invalidRecords === 'return') {
      this.logger.debug(`${UPSTREAM} ${operation} success: ${checked.received} items in ${ms}ms`);
      return checked;
    }
    if (checked.issues.length === 0) {
      this.logger.debug(`${UPSTREAM} ${operation} success: ${checked.valid.length} items in ${ms}ms`);
      return checked;
    }
    if (checked.valid.length === 0) {
      throw this.unusable(operation, `all ${checked.received} ${what} are invalid (${describeIssues(checked.issues)})`, response);
    }
    this.reportDropped(what, checked.issues, checked.received);
    return checked;
  }

  private unusable(operation: string, why: string, response: DependencyResponse): AppError {
    this.http.recordBadData();
    const message = `${UPSTREAM} bad data on ${operation}: ${why}`;
    this.logger.warn(
      { upstream: { name: UPSTREAM, outcome: 'bad_data', elapsed_ms: Math.round(response.elapsedMs) } },
      `${message} after ${Math.round(response.elapsedMs)}ms — upstream impact detected`,
    );
    return dbServiceBadData(message);
  }
}

function detailOf(body: unknown): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  return typeof detail === 'string' ? detail.slice(0, 200) : 'invalid input';
}
