import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Lets a server close promptly: when it closes, the connections that carry no request are
 * destroyed, including ones a client opened and never used (Node counts those as busy, so
 * `server.close()` would wait for its headers timeout). Requests in flight still finish.
 */
export function closeUnusedConnections(app: FastifyInstance): void {
  const busy = new Map<Socket, number>();
  app.server.on('connection', (socket: Socket) => {
    busy.set(socket, 0);
    socket.once('close', () => busy.delete(socket));
  });
  app.server.on('request', (request: { socket: Socket }, response: { once(event: 'close', listener: () => void): void }) => {
    const socket = request.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    response.once('close', () => {
      if (busy.has(socket)) busy.set(socket, Math.max(0, busy.get(socket)! - 1));
    });
  });
  // preClose runs before the server stops listening and waits for its connections.
  app.addHook('preClose', async () => {
    for (const [socket, requests] of busy) if (requests === 0) socket.destroy();
  });
}
