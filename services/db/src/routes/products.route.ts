import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorResponse } from '@archaics/contracts';
import { notFound } from '@archaics/server';
import { PRODUCT_CORRUPTIONS, type ProductRecord } from '../domain/bad-data.ts';
import type { ProductRepository } from '../repositories/product.repository.ts';
import { corruptibleSerializer, withBadData } from './bad-data.ts';
import { BAD_DATA_NOTE, ProductRecord as ProductRecordSchema } from './schemas.ts';

export interface ProductRoutesDeps {
  products: ProductRepository;
  random: () => number;
}

/** `GET /products` and `GET /products/:id`. */
export function registerProductRoutes(app: FastifyInstance, deps: ProductRoutesDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/products',
    {
      serializerCompiler: corruptibleSerializer,
      schema: {
        tags: ['products'],
        summary: 'The catalogue, ordered by id',
        description: BAD_DATA_NOTE,
        response: { 200: Type.Array(ProductRecordSchema) },
      },
    },
    async (request) => withBadData<ProductRecord>(request, deps.products.list(), PRODUCT_CORRUPTIONS, deps.random),
  );

  api.get(
    '/products/:id',
    {
      serializerCompiler: corruptibleSerializer,
      schema: {
        tags: ['products'],
        summary: 'One product',
        description: BAD_DATA_NOTE,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: ProductRecordSchema, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const product = deps.products.find(request.params.id);
      if (!product) throw notFound(`unknown product ${request.params.id}`);
      return withBadData<ProductRecord>(request, [product], PRODUCT_CORRUPTIONS, deps.random)[0]!;
    },
  );
}
