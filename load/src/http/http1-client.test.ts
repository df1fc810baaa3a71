import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { AbortSlot, ExchangeRequest } from './exchange.ts';
import { Http1Client } from './http1-client.ts';

// The runner's HTTP/1.1 client against real sockets: node:http servers for the usual answers, raw TCP
// servers for framing a node:http server never produces (split anywhere, until-close, broken).

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function slot(): { aborted: boolean; cancel: AbortSlot['cancel']; abort(): void } {
  const s = {
    aborted: false,
    cancel: undefined as ((reason: Error) => void) | undefined,
    abort() {
      s.aborted = true;
      s.cancel?.(new Error('request aborted'));
    },
  };
  return s;
}

function client(requestTimeoutMs = 5_000): Http1Client {
  const c = new Http1Client({ requestTimeoutMs });
  closers.push(() => c.close());
  return c;
}

async function httpServer(
  handler: Parameters<typeof createHttpServer>[1],
): Promise<{ origin: string; server: HttpServer; connections: () => number }> {
  let connections = 0;
  const server = createHttpServer(handler);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, connections: () => connections };
}

/** A TCP server that answers each request (once its head is in) with what `answer` writes. */
async function tcpServer(answer: (socket: Socket, request: string) => void): Promise<{ origin: string; server: TcpServer }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      for (let end = data.indexOf('\r\n\r\n'); end >= 0; end = data.indexOf('\r\n\r\n')) {
        const head = data.slice(0, end);
        const length = /content-length: (\d+)/i.exec(head);
        const total = end + 4 + (length ? Number(length[1]) : 0);
        if (data.length < total) break;
        const request = data.slice(0, total);
        data = data.slice(total);
        answer(socket, request);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const get = (origin: string, path = '/', headers: string[] = []): ExchangeRequest => ({ origin, path, method: 'GET', headers, body: null });

/** Writes `bytes` in the given pieces, each in its own TCP write a few ms apart. */
async function writeInPieces(socket: Socket, bytes: Buffer, cuts: number[]): Promise<void> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    if (to <= from) continue;
    socket.write(bytes.subarray(from, to));
    from = to;
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('Http1Client', () => {
  it('sends method, path, host, headers and a JSON body, and reads status and body', async () => {
    const seen: Array<{ method?: string; url?: string; host?: string; auth?: string; type?: string; body: string }> = [];
    const { origin } = await httpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          host: req.headers.host,
          auth: req.headers.authorization,
          type: req.headers['content-type'],
          body,
        });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ echoed: body.length, note: 'é' }));
      });
    });
    const body = JSON.stringify({ email: 'ü@example.com', password: 'x' });
    const answer = await client().exchange(
      { origin, path: '/signup?x=1', method: 'POST', headers: ['content-type', 'application/json', 'authorization', 'Bearer abc'], body },
      slot(),
      true,
    );
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body!)).toEqual({ echoed: body.length, note: 'é' });
    expect(seen).toEqual([
      { method: 'POST', url: '/signup?x=1', host: origin.slice('http://'.length), auth: 'Bearer abc', type: 'application/json', body },
    ]);
  });

  it('keeps the connection alive: sequential requests share one connection', async () => {
    const { origin, connections } = await httpServer((_req, res) => res.end('ok'));
    const c = client();
    for (let i = 0; i < 20; i++) expect((await c.exchange(get(origin), slot(), true)).body).toBe('ok');
    expect(connections()).toBe(1);
  });

  it('opens a connection per concurrent request and reuses them after', async () => {
    const { origin, connections } = await httpServer((_req, res) => setTimeout(() => res.end('ok'), 5));
    const c = client();
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(Array.from({ length: 8 }, () => c.exchange(get(origin), slot(), false)));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    }
    expect(connections()).toBe(8);
  });

  it('reads chunked, empty, 204, HEAD and 304 answers and stays in step on the connection', async () => {
    const { origin, connections } = await httpServer((req, res) => {
      if (req.url === '/chunked') {
        res.write('hel');
        setTimeout(() => res.end('lo'), 5);
      } else if (req.url === '/204') {
        res.writeHead(204).end();
      } else if (req.url === '/304') {
        res.writeHead(304).end();
      } else if (req.method === 'HEAD') {
        res.writeHead(200, { 'content-length': '1000' }).end();
      } else res.writeHead(200, { 'content-length': '0' }).end();
    });
    const c = client();
    expect(await c.exchange(get(origin, '/chunked'), slot(), true)).toEqual({ status: 200, body: 'hello' });
    expect(await c.exchange(get(origin, '/204'), slot(), true)).toEqual({ status: 204, body: '' });
    expect(await c.exchange({ ...get(origin, '/head'), method: 'HEAD' }, slot(), true)).toEqual({ status: 200, body: '' });
    expect(await c.exchange(get(origin, '/304'), slot(), true)).toEqual({ status: 304, body: '' });
    expect(await c.exchange(get(origin, '/empty'), slot(), true)).toEqual({ status: 200, body: '' });
    expect(await c.exchange(get(origin, '/chunked'), slot(), true)).toEqual({ status: 200, body: 'hello' });
    expect(connections()).toBe(1);
  });

  it('skips interim 1xx answers and reads a body that runs until the connection closes', async () => {
    const { origin } = await tcpServer((socket, request) => {
      if (request.startsWith('GET /interim')) {
        socket.write('HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      } else {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil ');
        setTimeout(() => socket.end('close'), 5);
      }
    });
    const c = client();
    expect(await c.exchange(get(origin, '/interim'), slot(), true)).toEqual({ status: 200, body: 'ok' });
    expect(await c.exchange(get(origin, '/eof'), slot(), true)).toEqual({ status: 200, body: 'until close' });
    expect(await c.exchange(get(origin, '/interim'), slot(), true)).toEqual({ status: 200, body: 'ok' });
  });

  it('parses answers cut into any pieces (property)', async () => {
    let next: { bytes: Buffer; cuts: number[] } = { bytes: Buffer.alloc(0), cuts: [] };
    const { origin } = await tcpServer((socket) => void writeInPieces(socket, next.bytes, next.cuts));
    const c = client();
    const answer = fc.record({
      status: fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
      body: fc.string({ maxLength: 300 }),
      chunked: fc.boolean(),
      chunkSize: fc.integer({ min: 1, max: 50 }),
      extraHeaders: fc.array(fc.tuple(fc.stringMatching(/^x-[a-z]{1,10}$/), fc.stringMatching(/^[ -~]{0,30}$/)), { maxLength: 4 }),
      cuts: fc.array(fc.nat({ max: 2_000 }), { maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(answer, async ({ status, body, chunked, chunkSize, extraHeaders, cuts }) => {
        const payload = Buffer.from(body, 'utf8');
        let head = `HTTP/1.1 ${status} Whatever\r\n${extraHeaders.map(([k, v]) => `${k}: ${v}\r\n`).join('')}`;
        let framed: Buffer;
        if (chunked) {
          const parts: Buffer[] = [];
          for (let i = 0; i < payload.length; i += chunkSize) {
            const piece = payload.subarray(i, i + chunkSize);
            parts.push(Buffer.from(`${piece.length.toString(16)};ext=1\r\n`), piece, Buffer.from('\r\n'));
          }
          parts.push(Buffer.from('0\r\nx-trailer: t\r\n\r\n'));
          head += 'Transfer-Encoding: chunked\r\n\r\n';
          framed = Buffer.concat([Buffer.from(head), ...parts]);
        } else {
          head += `Content-Length: ${payload.length}\r\n\r\n`;
          framed = Buffer.concat([Buffer.from(head), payload]);
        }
        next = { bytes: framed, cuts };
        const got = await c.exchange(get(origin), slot(), true);
        expect(got).toEqual({ status, body: payload.toString('utf8') });
      }),
      { numRuns: 60 },
    );
  });

  it('names what went wrong: refused, reset mid-answer, bad framing, a line break in a header', async () => {
    const refused = await httpServer((_req, res) => res.end());
    const refusedOrigin = refused.origin;
    await closers.pop()!();
    const c = client();
    await expect(c.exchange(get(refusedOrigin), slot(), false)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const { origin } = await tcpServer((socket, request) => {
      if (request.startsWith('GET /cut')) socket.end('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc');
      else if (request.startsWith('GET /garbage')) socket.write('HTTP/9 OK\r\n\r\n');
      else if (request.startsWith('GET /length')) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\n');
      else socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    });
    await expect(c.exchange(get(origin, '/cut'), slot(), false)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(c.exchange(get(origin, '/garbage'), slot(), false)).rejects.toMatchObject({ code: 'HTTP_PROTOCOL' });
    await expect(c.exchange(get(origin, '/length'), slot(), false)).rejects.toMatchObject({
      code: 'HTTP_PROTOCOL',
      message: expect.stringContaining('content-length'),
    });
    await expect(c.exchange(get(origin, '/', ['x-evil', 'a\r\nhost: b']), slot(), false)).rejects.toMatchObject({ code: 'INVALID_HEADER' });
    expect(await c.exchange(get(origin, '/fine'), slot(), true)).toEqual({ status: 200, body: 'ok' });
  });

  it('fails a request with no answer after the timeout, and an aborted one at once', async () => {
    const { origin } = await tcpServer(() => undefined);
    const c = client(200);
    await expect(c.exchange(get(origin), slot(), false)).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT' });
    const s = slot();
    const pending = c.exchange(get(origin), s, false);
    setTimeout(() => s.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(s.cancel).toBeUndefined();
    const already = slot();
    already.aborted = true;
    await expect(c.exchange(get(origin), already, false)).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('never sends a timed-out request again, even a GET on a kept-alive connection', async () => {
    let requests = 0;
    const { origin } = await tcpServer((socket) => {
      requests++;
      if (requests === 1) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    });
    const c = client(200);
    expect((await c.exchange(get(origin), slot(), true)).body).toBe('ok');
    await expect(c.exchange(get(origin), slot(), false)).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT' });
    await new Promise((r) => setTimeout(r, 100));
    expect(requests).toBe(2);
  });

  it('sends a GET again on a new connection when the server closed the kept-alive one under it', async () => {
    let requests = 0;
    // Answers, then closes the connection a moment later without saying so (no Connection: close).
    const { origin } = await tcpServer((socket) => {
      requests++;
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      setTimeout(() => socket.destroy(), 30);
    });
    const c = client();
    expect((await c.exchange(get(origin), slot(), true)).body).toBe('ok');
    // The close races the next request: either it is seen first (a new connection) or the GET is sent again.
    await new Promise((r) => setTimeout(r, 30));
    expect((await c.exchange(get(origin), slot(), true)).body).toBe('ok');
    expect(requests).toBe(2);
  });

  it("honours the server's Keep-Alive timeout: an idle connection past it is not reused", async () => {
    const { origin, connections } = await httpServer((_req, res) => {
      res.setHeader('keep-alive', 'timeout=1');
      res.end('ok');
    });
    const c = client();
    await c.exchange(get(origin), slot(), false);
    await c.exchange(get(origin), slot(), false);
    // timeout=1 less the 1 s margin: never reused.
    expect(connections()).toBe(2);
  });
});
