import { FakeUpstream, type FakeAnswer, type RecordedRequest } from './fake-upstream.ts';

/** The deadline a failure test gives the upstream it breaks, in ms (healthy ones keep a roomy one). */
export const TIMEOUT_MS = 300;
/** The deadline of healthy upstreams in tests, in ms (environment value). */
export const ROOMY_TIMEOUT_MS = '3000';
/** Environment giving auth-service the short {@link TIMEOUT_MS} deadline. */
export const SHORT_AUTH = { AUTH_TIMEOUT_MS: String(TIMEOUT_MS) };
/** Environment giving db-service the short {@link TIMEOUT_MS} deadline. */
export const SHORT_DB = { DB_TIMEOUT_MS: String(TIMEOUT_MS) };

/** The tokens the fake auth-service knows, and their users. */
const USERS = {
  'token-alice': { user_id: 'u-alice', email: 'alice@example.com' },
  'token-bob': { user_id: 'u-bob', email: 'bob@example.com' },
} as const;
/** Headers of user `u-alice` (alice@example.com) for the fake auth-service. */
export const ALICE = { authorization: 'Bearer token-alice' };
/** Headers of user `u-bob` (bob@example.com) for the fake auth-service. */
export const BOB = { authorization: 'Bearer token-bob' };

/** auth-service's `GET /validate` over a fixed token table. */
function startFakeAuth(): Promise<FakeUpstream> {
  return FakeUpstream.start((request) => {
    if (request.method !== 'GET' || request.path !== '/validate') return { status: 404, body: { error: 'not_found' } };
    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
    const user = (USERS as Record<string, { user_id: string; email: string }>)[token];
    return user ? { status: 200, body: { valid: true, ...user } } : { status: 401, body: { error: 'unauthorized' } };
  });
}

const seedProducts = (): Array<Record<string, unknown>> => [
  { id: 'p1', name: 'Laptop', description: 'A laptop', price: 999.99 },
  { id: 'p2', name: 'Mouse', description: 'A mouse', price: 19.99 },
  { id: 'p3', name: 'Keyboard', description: 'A keyboard', price: 49.5 },
  { id: 'p4', name: 'Monitor', description: 'A monitor', price: 199 },
  { id: 'p5', name: 'Cable', description: null, price: 0.1 },
];

/** db-service's catalogue and carts in memory; tests may put corrupted records in `products` and `carts`. */
export class FakeDbState {
  products: unknown[] = seedProducts();
  carts = new Map<string, unknown[]>();

  handle(request: RecordedRequest): FakeAnswer {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const path = request.path.split('?')[0] ?? '';
    if (request.method === 'GET' && path === '/products') return { status: 200, body: this.products };
    const productMatch = /^\/products\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && productMatch) {
      const id = decodeURIComponent(productMatch[1] ?? '');
      const product = this.products.find((p) => (p as { id?: unknown }).id === id);
      return product ? { status: 200, body: product } : { status: 404, body: { error: 'not_found' } };
    }
    const cartMatch = /^\/cart\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && cartMatch) {
      const userId = decodeURIComponent(cartMatch[1] ?? '');
      return { status: 200, body: { user_id: userId, items: this.carts.get(userId) ?? [] } };
    }
    if (request.method === 'POST' && path === '/cart/add') {
      const { user_id: userId, product_id: productId, quantity } = body;
      if (typeof userId !== 'string' || typeof productId !== 'string' || !Number.isInteger(quantity) || (quantity as number) < 1) {
        return { status: 400, body: { error: 'bad_request', detail: 'user_id, product_id and quantity are required' } };
      }
      if (!this.products.some((p) => (p as { id?: unknown }).id === productId)) {
        return { status: 404, body: { error: 'not_found', detail: `unknown product ${productId}` } };
      }
      const items = (this.carts.get(userId) ?? []) as Array<{ product_id: string; quantity: number }>;
      const existing = items.find((i) => i.product_id === productId);
      if (existing) existing.quantity += quantity as number;
      else items.push({ product_id: productId, quantity: quantity as number });
      this.carts.set(userId, items);
      return { status: 200, body: { user_id: userId, items } };
    }
    if (request.method === 'POST' && path === '/cart/clear') {
      const userId = String(body.user_id);
      const cleared = this.carts.get(userId)?.length ?? 0;
      this.carts.delete(userId);
      return { status: 200, body: { user_id: userId, items: [], cleared } };
    }
    return { status: 404, body: { error: 'not_found' } };
  }
}

/** Fake auth-service and db-service for a business service's tests. */
export interface FakeUpstreams {
  auth: FakeUpstream;
  db: FakeUpstream;
  /** What the fake db-service holds; tests may change it. */
  dbState: FakeDbState;
  /** A service's environment for these fakes: their URLs, roomy deadlines and the chaos token `test-chaos-token`. */
  env: Record<string, string>;
  /** Stops both fakes. */
  stop(): Promise<void>;
}

/** Starts a fake auth-service (knowing {@link ALICE} and {@link BOB}) and a fake db-service (five seeded products, empty carts). */
export async function startFakeUpstreams(): Promise<FakeUpstreams> {
  const auth = await startFakeAuth();
  const dbState = new FakeDbState();
  const db = await FakeUpstream.start((request) => dbState.handle(request));
  return {
    auth,
    db,
    dbState,
    env: {
      CHAOS_TOKEN: 'test-chaos-token',
      AUTH_SERVICE_URL: auth.url,
      DB_SERVICE_URL: db.url,
      AUTH_TIMEOUT_MS: ROOMY_TIMEOUT_MS,
      DB_TIMEOUT_MS: ROOMY_TIMEOUT_MS,
    },
    async stop() {
      await Promise.all([auth.stop(), db.stop()]);
    },
  };
}
