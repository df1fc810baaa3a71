import { FakeUpstream, type FakeAnswer, type RecordedRequest } from '@archaics/common';

export const USERS = {
  'token-alice': { user_id: 'u-alice', email: 'alice@example.com' },
  'token-bob': { user_id: 'u-bob', email: 'bob@example.com' },
} as const;
export const ALICE = { authorization: 'Bearer token-alice' };
export const BOB = { authorization: 'Bearer token-bob' };

/** auth-service's `GET /validate` over a fixed token table. */
export function startFakeAuth(): Promise<FakeUpstream> {
  return FakeUpstream.start((request) => {
    if (request.method !== 'GET' || request.path !== '/validate') return { status: 404, body: { error: 'not_found' } };
    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
    const user = (USERS as Record<string, { user_id: string; email: string }>)[token];
    return user ? { status: 200, body: { valid: true, ...user } } : { status: 401, body: { error: 'unauthorized' } };
  });
}

export const seedProducts = (): Array<Record<string, unknown>> => [
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

export async function startFakeDb(state = new FakeDbState()): Promise<{ fake: FakeUpstream; state: FakeDbState }> {
  return { fake: await FakeUpstream.start((request) => state.handle(request)), state };
}
