import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Authenticator, DbServiceClient } from '@archaics/business-clients';
import { Product, upstreamErrors } from '@archaics/contracts';
import { DEGRADED_NOTE } from './schemas.ts';

/** `GET /products`: the catalogue, checked record by record. */
export function registerProductRoutes(app: FastifyInstance, deps: { authenticate: Authenticator; db: DbServiceClient }): void {
  const { authenticate, db } = deps;
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/products',
    {
      onRequest: authenticate.onRequest,
      schema: {
        tags: ['catalogue'],
        summary: 'List the products',
        description: DEGRADED_NOTE,
        security: [{ bearer: [] }],
        response: { 200: Type.Array(Product), ...upstreamErrors },
      },
    },
    async (_request, reply) => {
      const products = await db.listProducts();
      if (products.issues.length > 0) void reply.header('x-degraded', 'bad_data');
      return products.valid;
    },
  );
}
