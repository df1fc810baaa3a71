import { type CartItem, type Checked, ErrorResponse, PricedCart, upstreamErrors } from '@archaics/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { priceCart } from '../domain/cart.ts';
import { dbServiceBadData, type Authenticator, type DbServiceClient } from '@archaics/business-clients';
import { AddToCartBody, ClearedCart, DEGRADED_NOTE } from './schemas.ts';

/**
 * Prices checked cart items with the catalogue. Items dropped on the way (invalid
 * records, or products the catalogue no longer has valid) mark the answer degraded;
 * a cart whose every item was dropped is a 502.
 */
async function priced(db: DbServiceClient, userId: string, items: Checked<CartItem>, reply: FastifyReply): Promise<PricedCart> {
  if (items.valid.length === 0) return { user_id: userId, items: [], total: 0 };
  const products = await db.listProducts();
  const { cart, issues } = priceCart(userId, items.valid, products.valid);
  db.reportDropped('cart items (no valid product)', issues, items.received);
  if (cart.items.length === 0) throw dbServiceBadData(`none of the ${items.received} cart items could be priced`);
  if (items.issues.length > 0 || issues.length > 0) void reply.header('x-degraded', 'bad_data');
  return cart;
}

/** `POST /cart/add`, `GET /cart`, `POST /cart/clear` for the token's user. */
export function registerCartRoutes(app: FastifyInstance, deps: { authenticate: Authenticator; db: DbServiceClient }): void {
  const { authenticate, db } = deps;
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();

  typed.post(
    '/cart/add',
    {
      onRequest: authenticate.onRequest,
      schema: {
        tags: ['cart'],
        summary: 'Add a product to the cart',
        description: `Quantity 1..99 (else 400); unknown product 404. Answers the priced cart. ${DEGRADED_NOTE}`,
        security: [{ bearer: [] }],
        body: AddToCartBody,
        response: { 200: PricedCart, 400: ErrorResponse, 404: ErrorResponse, ...upstreamErrors },
      },
    },
    async (request, reply) => {
      const user = authenticate.userOf(request);
      const items = await db.addToCart(user.user_id, request.body.product_id, request.body.quantity);
      return priced(db, user.user_id, items, reply);
    },
  );

  typed.get(
    '/cart',
    {
      onRequest: authenticate.onRequest,
      schema: {
        tags: ['cart'],
        summary: 'The priced cart',
        description: DEGRADED_NOTE,
        security: [{ bearer: [] }],
        response: { 200: PricedCart, ...upstreamErrors },
      },
    },
    async (request, reply) => {
      const user = authenticate.userOf(request);
      return priced(db, user.user_id, await db.getCart(user.user_id), reply);
    },
  );

  typed.post(
    '/cart/clear',
    {
      onRequest: authenticate.onRequest,
      schema: {
        tags: ['cart'],
        summary: 'Empty the cart',
        security: [{ bearer: [] }],
        response: { 200: ClearedCart, 400: ErrorResponse, ...upstreamErrors },
      },
    },
    async (request) => {
      const user = authenticate.userOf(request);
      const cleared = await db.clearCart(user.user_id);
      return { user_id: user.user_id, items: [], cleared };
    },
  );
}
