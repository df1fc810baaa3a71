import {
  AppError,
  UpstreamFailure,
  notFound,
  type DependencyClient,
  type DependencyRequest,
  type DependencyResponse,
  type Logger,
} from '@archaics/common';
import {
  cartItemsOf,
  checkCartItems,
  checkProducts,
  describeIssues,
  type CartItem,
  type Checked,
  type Product,
  type RecordIssue,
} from '@archaics/contracts';

const UPSTREAM = 'db-service';

/** 502 `upstream_bad_data`: nothing usable came back from db-service. */
export const badDataError = (detail: string): AppError => new AppError(502, 'upstream_bad_data', detail, { upstream: UPSTREAM });

const unexpected = (what: string, response: DependencyResponse): AppError =>
  new AppError(502, 'upstream_error', `${UPSTREAM} answered ${what} with HTTP ${response.status}`, { upstream: UPSTREAM });

/**
 * db-service calls for the catalogue and carts. Every record of an answer is checked:
 * invalid ones are dropped, logged (WARN) and counted as bad data; an answer with no
 * valid record left is a 502 `upstream_bad_data`. Transport failures propagate as
 * `UpstreamFailure` (the error handler answers 504/502/503).
 */
export class DbClient {
  constructor(
    private readonly http: DependencyClient,
    private readonly logger: Logger,
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

  /** `POST /cart/add` (never retried): the cart after the addition; unknown product 404. */
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
    if (typeof cleared !== 'number' || !Number.isSafeInteger(cleared) || cleared < 0) {
      throw this.unusable('cart clear', 'cleared is not a count', response);
    }
    this.logger.debug(`${UPSTREAM} cart clear success: ${cleared} items in ${response.elapsedMs.toFixed(1)}ms`);
    return cleared;
  }

  /** Counts and logs records refused after the fact (e.g. cart items whose product is unknown). */
  reportRefused(what: string, issues: readonly RecordIssue[], received: number): void {
    if (issues.length === 0) return;
    this.http.recordBadData();
    this.logger.warn(
      { upstream: { name: UPSTREAM, outcome: 'bad_data', dropped: issues.length, received } },
      `${UPSTREAM} bad data: dropped ${issues.length} of ${received} ${what} (${describeIssues(issues)})`,
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
        throw badDataError(`${UPSTREAM} answered ${request.method} ${request.path} with a body that is not JSON`);
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
    if (checked.issues.length === 0) {
      this.logger.debug(`${UPSTREAM} ${operation} success: ${checked.valid.length} items in ${ms}ms`);
      return checked;
    }
    if (checked.valid.length === 0) {
      throw this.unusable(operation, `all ${checked.received} ${what} are invalid (${describeIssues(checked.issues)})`, response);
    }
    this.reportRefused(what, checked.issues, checked.received);
    return checked;
  }

  private unusable(operation: string, why: string, response: DependencyResponse): AppError {
    this.http.recordBadData();
    const message = `${UPSTREAM} bad data on ${operation}: ${why}`;
    this.logger.warn(
      { upstream: { name: UPSTREAM, outcome: 'bad_data', elapsed_ms: Math.round(response.elapsedMs) } },
      `${message} after ${Math.round(response.elapsedMs)}ms — upstream impact detected`,
    );
    return badDataError(message);
  }
}

function detailOf(body: unknown): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  return typeof detail === 'string' ? detail.slice(0, 200) : 'invalid input';
}
