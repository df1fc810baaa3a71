import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorResponse, MAX_LINE_QUANTITY } from '@archaics/contracts';
import { badRequest, notFound } from '@archaics/server';
import { CART_ITEM_CORRUPTIONS, type CartItemRecord } from '../domain/bad-data.ts';
import type { CartRepository } from '../repositories/cart.repository.ts';
import { corruptibleSerializer, withBadData } from './bad-data.ts';
import { AddToCartBody, BAD_DATA_NOTE, Cart, CartRecord, ClearCartBody, ClearedCart, UserId } from './schemas.ts';

export interface CartRoutesDeps {
  carts: CartRepository;
  random: () => number;
}

const errors = { 400: ErrorResponse, 404: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse };

/** `POST /cart/add`, `GET /cart/:user_id`, `POST /cart/clear`. */
export function registerCartRoutes(app: FastifyInstance, deps: CartRoutesDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/cart/add',
    {
      schema: {
        tags: ['cart'],
        summary: 'Adds units of a product to a cart line (a line holds at most 999)',
        body: AddToCartBody,
        response: { 200: Cart, ...errors },
      },
    },
    async (request) => {
      const { user_id, product_id, quantity } = request.body;
      const refusal = deps.carts.add(user_id, product_id, quantity);
      if (refusal?.reason === 'unknown_product') throw notFound(`unknown product ${product_id}`);
      if (refusal?.reason === 'line_limit') {
        throw badRequest(`body.quantity would make the line of ${product_id} exceed ${MAX_LINE_QUANTITY} (it holds ${refusal.current})`);
      }
      request.log.info({ cart: { user_id, product_id, quantity } }, `Added ${quantity} × ${product_id} to a cart`);
      return { user_id, items: deps.carts.items(user_id) };
    },
  );

  const readCart = (request: FastifyRequest, userId: string) => ({
    user_id: userId,
    items: withBadData<CartItemRecord>(request, deps.carts.items(userId), CART_ITEM_CORRUPTIONS, deps.random),
  });

  api.get(
    '/cart/:user_id',
    {
      serializerCompiler: corruptibleSerializer,
      schema: {
        tags: ['cart'],
        summary: 'A cart, items ordered by product_id (empty for an unknown user)',
        description: BAD_DATA_NOTE,
        params: Type.Object({ user_id: UserId }),
        response: { 200: CartRecord, 400: ErrorResponse },
      },
    },
    async (request) => readCart(request, request.params.user_id),
  );

  api.post(
    '/cart/clear',
    {
      schema: {
        tags: ['cart'],
        summary: 'Empties a cart',
        body: ClearCartBody,
        response: { 200: ClearedCart, ...errors },
      },
    },
    async (request) => {
      const { user_id } = request.body;
      const cleared = deps.carts.clear(user_id);
      request.log.info({ cart: { user_id, cleared } }, `Cleared a cart (${cleared} lines)`);
      return { user_id, items: [], cleared };
    },
  );
}
