// Shared bits of the bare node:http chain: JSON answers, the listen/close boilerplate.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Listens on `PORT`/`HOST`; `/health` answers 200, everything else goes to `handle`. */
export function serveBare(name: string, handle: (req: IncomingMessage, res: ServerResponse) => void): void {
  const server = createServer((req, res) => {
    if (req.url === '/health') {
      sendJson(res, 200, { status: 'ok', service: name });
      return;
    }
    handle(req, res);
  });
  server.keepAliveTimeout = 30_000;
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) {
    process.stderr.write(`${name}: PORT must be set\n`);
    process.exit(1);
  }
  server.listen(port, process.env.HOST ?? '127.0.0.1');
  const close = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}
