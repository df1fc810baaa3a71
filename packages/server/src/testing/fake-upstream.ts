import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake upstream received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** What the fake upstream answers: a status and a JSON body (none when undefined). */
export interface FakeAnswer {
  status: number;
  body?: unknown;
}

/** A misbehaviour the test switches on: answer a status, answer late, cut the connection, or send non-JSON. */
export type FakeFault =
  { kind: 'status'; status: number; body?: unknown } | { kind: 'delay'; ms: number } | { kind: 'close' } | { kind: 'garbage' };

/** A small real HTTP server standing in for an upstream; the test controls its behaviour. */
export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  fault: FakeFault | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(handler: (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>): Promise<FakeUpstream> {
    let fake: FakeUpstream | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          // keep the raw text
        }
        const recorded = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
        fake?.requests.push(recorded);
        const send = (answer: FakeAnswer): void => {
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
        };
        const answer = async (): Promise<void> => send(await handler(recorded));
        const fault = fake?.fault;
        if (fault?.kind === 'status') return send({ status: fault.status, body: fault.body ?? { error: 'boom' } });
        if (fault?.kind === 'close') return void req.socket.destroy();
        if (fault?.kind === 'garbage') {
          res.writeHead(200, { 'content-type': 'text/html' });
          return void res.end('<html>not json</html>');
        }
        if (fault?.kind === 'delay') {
          const timer = setTimeout(() => {
            fake?.timers.delete(timer);
            void answer();
          }, fault.ms);
          fake?.timers.add(timer);
          return undefined;
        }
        void answer();
        return undefined;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeUpstream(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  /** Requests received for a path (query string ignored). */
  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.split('?')[0] === path);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A URL nothing listens on (a port just released). */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
