import {
  AppError,
  UpstreamFailure,
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

/** 502 `upstream_bad_data`: db-service's answer cannot be trusted for this request. */
export const badDataError = (detail: string): AppError => new AppError(502, 'upstream_bad_data', detail, { upstream: UPSTREAM });

const unexpected = (what: string, response: DependencyResponse): AppError =>
  new AppError(502, 'upstream_error', `${UPSTREAM} answered ${what} with HTTP ${response.status}`, { upstream: UPSTREAM });

/**
 * db-service calls for checkout. Answers come back checked record by record; what to do
 * with refused records is the caller's decision (checkout refuses to charge). Transport
 * failures propagate as `UpstreamFailure` (the error handler answers 504/502/503).
 */
export class DbClient {
  constructor(
    private readonly http: DependencyClient,
    private readonly logger: Logger,
  ) {}

  /** `GET /cart/:user_id`, checked (a 404 is an empty cart). */
  async getCart(userId: string): Promise<Checked<CartItem>> {
    const response = await this.call({ method: 'GET', path: `/cart/${encodeURIComponent(userId)}` });
    if (response.status === 404) return { valid: [], issues: [], received: 0 };
    if (response.status !== 200) throw unexpected('GET /cart', response);
    const items = cartItemsOf(response.body);
    if (!items) throw this.unusable('cart fetch', 'the answer has no item list', response);
    return this.checked('cart fetch', checkCartItems(items), response);
  }

  /** `GET /products`, checked. */
  async listProducts(): Promise<Checked<Product>> {
    const response = await this.call({ method: 'GET', path: '/products' });
    if (response.status !== 200) throw unexpected('GET /products', response);
    if (!Array.isArray(response.body)) throw this.unusable('products fetch', 'the answer is not a list', response);
    return this.checked('products fetch', checkProducts(response.body), response);
  }

  /** `POST /cart/clear` (never retried here): how many items were removed. */
  async clearCart(userId: string): Promise<number> {
    const response = await this.call({ method: 'POST', path: '/cart/clear', body: { user_id: userId } });
    if (response.status !== 200) throw unexpected('POST /cart/clear', response);
    const cleared = (response.body as { cleared?: unknown } | null)?.cleared;
    const count = typeof cleared === 'number' && Number.isSafeInteger(cleared) && cleared >= 0 ? cleared : 0;
    this.logger.debug(`${UPSTREAM} cart clear success: ${count} items in ${response.elapsedMs.toFixed(1)}ms`);
    return count;
  }

  /** Counts and logs (WARN) records that were refused, and what that meant. */
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

  /** A body that is not JSON is bad data too (502 upstream_bad_data), not a transport error. */
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

  private checked<T>(operation: string, checked: Checked<T>, response: DependencyResponse): Checked<T> {
    this.logger.debug(`${UPSTREAM} ${operation} success: ${checked.received} items in ${response.elapsedMs.toFixed(1)}ms`);
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
