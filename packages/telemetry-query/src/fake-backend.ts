import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a {@link FakeBackend} saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
}

/** Handles one request of a {@link FakeBackend}; the URL is already parsed. */
export type FakeBackendHandler = (request: SeenRequest, res: ServerResponse) => void | Promise<void>;

/**
 * A real HTTP server on 127.0.0.1, port 0, standing in for a telemetry backend (a service's
 * /metrics, Prometheus, Jaeger, Loki, the telemetry process) in tests. Unlike
 * `FakeUpstream` it lets the handler write any content type and stream (SSE).
 */
export class FakeBackend {
  /** Every request received, in order. */
  readonly requests: SeenRequest[] = [];

  private constructor(
    private readonly server: Server,
    /** Base URL, e.g. `http://127.0.0.1:39211`. */
    readonly url: string,
  ) {}

  /** Starts a server answering with `handler` (a handler that throws answers 500). */
  static async start(handler: FakeBackendHandler): Promise<FakeBackend> {
    let backend: FakeBackend | undefined;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const seen: SeenRequest = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://fake'), headers: req.headers };
      backend?.requests.push(seen);
      Promise.resolve()
        .then(() => handler(seen, res))
        .catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    backend = new FakeBackend(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return backend;
  }

  /** Requests whose path is `path`. */
  requestsTo(path: string): SeenRequest[] {
    return this.requests.filter((r) => r.url.pathname === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
