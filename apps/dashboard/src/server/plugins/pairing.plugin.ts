import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { PAIRING_COOKIE, PAIRING_PARAM, cookieValue, pairingCookie, pairingMatches } from '../domain/pairing.ts';

export interface PairingOptions {
  /** The token the phone page (or any listener off loopback) must show once. */
  readonly token: string;
}

/**
 * Pairing: every request but /health needs the token, once in the query (`?pair=`), then the
 * cookie it sets. Registered with fastify-plugin so it guards every route of the server.
 */
const pairing: FastifyPluginAsync<PairingOptions> = async (app, { token }) => {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path === '/health') return undefined;
    const query = request.query as Record<string, unknown> | undefined;
    const fromQuery = typeof query?.[PAIRING_PARAM] === 'string' ? query[PAIRING_PARAM] : undefined;
    if (fromQuery !== undefined && pairingMatches(fromQuery, token)) {
      void reply.header('set-cookie', pairingCookie(token));
      if (request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/assets/')) {
        // Drop the token from the address bar (and from history) once the cookie is set.
        const rest = new URLSearchParams(request.url.split('?')[1] ?? '');
        rest.delete(PAIRING_PARAM);
        const search = rest.toString();
        return reply.redirect(`${path}${search ? `?${search}` : ''}`, 303);
      }
      return undefined;
    }
    if (pairingMatches(cookieValue(request.headers.cookie, PAIRING_COOKIE), token)) return undefined;
    return reply.code(401).header('cache-control', 'no-store').send({
      error: 'unauthorized',
      detail: 'pairing token required: open the URL printed by scripts/serve-control.sh (or scan its QR code)',
    });
  });
};

export const pairingPlugin = fp(pairing, { name: 'dashboard-pairing' });
