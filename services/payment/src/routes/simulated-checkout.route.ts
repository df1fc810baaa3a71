import { notFound } from '@archaics/server';
import { ErrorResponse } from '@archaics/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SIMULATED_SESSION_ID } from '../clients/simulated.client.ts';
import type { PaymentRepository } from '../repositories/payment.repository.ts';
import { SessionView } from './schemas.ts';

/** `GET /simulated-checkout/:id`: the page a simulated session's URL points at (JSON). */
export function registerSimulatedCheckoutRoute(app: FastifyInstance, deps: { repository: PaymentRepository }): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/simulated-checkout/:id',
    {
      schema: {
        tags: ['checkout'],
        summary: 'A simulated checkout session',
        description: 'No token: like a Stripe-hosted page, the unguessable session id is the capability.',
        params: Type.Object({ id: Type.String() }),
        response: { 200: SessionView, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { id } = request.params;
      const session = SIMULATED_SESSION_ID.test(id) ? deps.repository.findSession(id) : undefined;
      if (!session || session.mode !== 'simulated') throw notFound(`no simulated checkout session ${id.slice(0, 80)}`);
      return {
        session_id: session.session_id,
        mode: 'simulated' as const,
        status: session.status,
        amount_total: session.amount_total,
        currency: session.currency,
        items: session.items,
        cart_cleared: session.cart_cleared,
        created_at: session.created_at,
        completed_at: session.completed_at,
      };
    },
  );
}
