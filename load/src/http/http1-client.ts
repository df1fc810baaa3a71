import { connect, type Socket } from 'node:net';
import type { AbortSlot, Exchange, ExchangeRequest } from './exchange.ts';

/**
 * The runner's client for plain-http targets: HTTP/1.1 with keep-alive over `node:net`, one request at
 * a time per connection (no pipelining), a pool of idle connections per origin, the answer parsed by a
 * small state machine (status line, headers, then a Content-Length, chunked or until-close body).
 *
 * Why not undici here: a load generator shares the machine with what it loads, and every microsecond
 * it spends per request is taken from the system under test. undici is a general client (a Request
 * object, header validation, llhttp, a timer per request, an event-loop turn before a socket is reused);
 * against a trivial endpoint this client costs about two thirds of undici's CPU per request. https
 * targets still go through undici (see transport.ts).
 */

/** An error the summary counts by its `code` (`ECONNREFUSED`, `ECONNRESET`, `REQUEST_TIMEOUT`, ...). */
export class HttpClientError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'HttpClientError';
  }
}

export interface Http1ClientOptions {
  /** A request with no complete answer after this long fails with REQUEST_TIMEOUT (checked every ≤ 1 s). */
  requestTimeoutMs: number;
  /** An idle connection is not reused after this long, nor past the server's `Keep-Alive: timeout` less 1 s. */
  idleTimeoutMs?: number;
  /** Most bytes of status line and headers accepted (default 64 KiB). */
  maxHeadBytes?: number;
}

const CRLF = Buffer.from('\r\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);
const HEADER_VALUE_OK = /^[^\r\n]*$/;

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailer,
  UntilClose,
}

interface InFlight {
  readonly request: ExchangeRequest;
  readonly slot: AbortSlot;
  readonly resolve: (exchange: Exchange) => void;
  readonly reject: (error: Error) => void;
  readonly startedAt: number;
  /** Sent on a connection that had answered before: may meet a server that just closed it. */
  reused: boolean;
  /** A retry on a fresh connection after exactly that. */
  retried: boolean;
  status: number;
  chunks: Buffer[] | undefined;
  /** Some bytes of the answer arrived. */
  answered: boolean;
}

/** One keep-alive connection. */
class Connection {
  readonly socket: Socket;
  inFlight: InFlight | undefined;
  /** Answered at least one request. */
  used = false;
  closed = false;
  /** Reusable until then (performance.now()). */
  reusableUntil = Number.POSITIVE_INFINITY;
  private state = State.Head;
  private remaining = 0;
  private pending: Buffer | undefined;
  private keepAlive = true;
  private keepAliveHintMs: number | undefined;
  /** What a VU's interrupt calls while this connection carries its request (made once, not per request). */
  private readonly cancel = (reason: Error): void => this.destroy(new HttpClientError(reason.message, 'ABORTED'));

  constructor(
    private readonly pool: OriginPool,
    port: number,
    host: string,
  ) {
    this.socket = connect({ port, host, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.onClose(error));
    this.socket.on('close', () => this.onClose(undefined));
    this.socket.on('end', () => this.onClose(undefined));
  }

  send(inFlight: InFlight): void {
    this.inFlight = inFlight;
    this.state = State.Head;
    inFlight.slot.cancel = this.cancel;
    const { request } = inFlight;
    const head = this.pool.headOf(request);
    this.socket.write(request.body === null ? head : head + request.body);
  }

  /** Closes a connection that carries no request (idle, or its answer complete). */
  discard(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /** Closes the connection; the request on it fails with `error` (a timeout, an abort, bad framing: never retried). */
  destroy(error: Error): void {
    if (this.closed) return;
    this.fail(error, false);
    this.socket.destroy();
  }

  /** The in-flight request fails (or, when the server closed under it, `mayRetry`, is sent again) and the connection is done with. */
  private fail(error: Error, mayRetry: boolean): void {
    this.closed = true;
    this.pool.forget(this);
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    if (!inFlight) return;
    if (
      mayRetry &&
      inFlight.reused &&
      !inFlight.answered &&
      !inFlight.retried &&
      IDEMPOTENT.has(inFlight.request.method) &&
      !inFlight.slot.aborted
    ) {
      // The server closed a kept-alive connection as the request went out: it never saw it. Send it again, once.
      inFlight.retried = true;
      inFlight.status = 0;
      if (inFlight.chunks) inFlight.chunks.length = 0;
      this.pool.start(inFlight);
      return;
    }
    inFlight.slot.cancel = undefined;
    inFlight.reject(error);
  }

  /** The server ended or closed the connection, or it failed: a body that runs until the close is complete; anything else is cut. */
  private onClose(error: NodeJS.ErrnoException | undefined): void {
    if (this.closed) return;
    if (!error && this.inFlight && this.state === State.UntilClose) {
      this.finish();
      return;
    }
    const code = error?.code ?? 'ECONNRESET';
    this.fail(new HttpClientError(error?.message ?? 'the server closed the connection before the answer was complete', code), true);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let at = 0;
    while (at < buf.length) {
      const inFlight = this.inFlight;
      if (!inFlight) {
        this.destroy(new HttpClientError('the server sent bytes no request asked for', 'HTTP_PROTOCOL'));
        return;
      }
      inFlight.answered = true;
      switch (this.state) {
        case State.Head: {
          const end = this.lineEnd(buf, at, CRLFCRLF, this.pool.maxHeadBytes, 'answer headers too large');
          if (end < 0) return;
          const error = this.parseHead(buf.toString('latin1', at, end), inFlight);
          if (error) return this.destroy(new HttpClientError(error, 'HTTP_PROTOCOL'));
          at = end + 4;
          if (this.state === State.Head && inFlight.status >= 200) {
            this.finish();
            if (this.closed) return;
          }
          break;
        }
        case State.Length:
        case State.ChunkData: {
          const n = Math.min(this.remaining, buf.length - at);
          inFlight.chunks?.push(buf.subarray(at, at + n));
          this.remaining -= n;
          at += n;
          if (this.remaining === 0) {
            if (this.state === State.Length) {
              this.finish();
              if (this.closed) return;
            } else this.state = State.ChunkEnd;
          }
          break;
        }
        case State.ChunkSize: {
          const eol = this.lineEnd(buf, at, CRLF, 1_024, 'bad chunk size line');
          if (eol < 0) return;
          const line = buf.toString('latin1', at, eol);
          const hex = (line.includes(';') ? line.slice(0, line.indexOf(';')) : line).trim();
          const size = /^[0-9a-fA-F]{1,8}$/.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
          if (!Number.isFinite(size)) return this.destroy(new HttpClientError(`bad chunk size "${line.slice(0, 40)}"`, 'HTTP_PROTOCOL'));
          at = eol + 2;
          if (size === 0) this.state = State.Trailer;
          else {
            this.remaining = size;
            this.state = State.ChunkData;
          }
          break;
        }
        case State.ChunkEnd: {
          if (buf.length - at < 2) {
            this.pending = buf.subarray(at);
            return;
          }
          if (buf[at] !== 13 || buf[at + 1] !== 10) return this.destroy(new HttpClientError('chunk not followed by CRLF', 'HTTP_PROTOCOL'));
          at += 2;
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailer: {
          const eol = this.lineEnd(buf, at, CRLF, this.pool.maxHeadBytes, 'trailers too large');
          if (eol < 0) return;
          const last = eol === at;
          at = eol + 2;
          if (last) {
            this.finish();
            if (this.closed) return;
          }
          break;
        }
        case State.UntilClose: {
          inFlight.chunks?.push(at === 0 ? buf : buf.subarray(at));
          at = buf.length;
          break;
        }
      }
    }
  }

  /**
   * Where `delimiter` ends what starts at `at`; -1 when it has not come yet (the rest waits for
   * more data) or cannot come within `limit` bytes (the connection is destroyed with `tooLong`).
   */
  private lineEnd(buf: Buffer, at: number, delimiter: Buffer, limit: number, tooLong: string): number {
    const end = buf.indexOf(delimiter, at);
    if (end >= 0) return end;
    if (buf.length - at > limit) this.destroy(new HttpClientError(tooLong, 'HTTP_PROTOCOL'));
    else this.pending = buf.subarray(at);
    return -1;
  }

  /** Reads the status line and headers; sets how the body is framed. Returns what is wrong, if anything. */
  private parseHead(head: string, inFlight: InFlight): string | undefined {
    const firstEol = head.indexOf('\r\n');
    const statusLine = firstEol < 0 ? head : head.slice(0, firstEol);
    // "HTTP/1.1 200 OK": the version, a space, three digits.
    if (!statusLine.startsWith('HTTP/1.') || statusLine.charCodeAt(8) !== 32) return `bad status line "${statusLine.slice(0, 40)}"`;
    const status = Number(statusLine.slice(9, 12));
    if (!Number.isInteger(status) || status < 100 || status > 999) return `bad status line "${statusLine.slice(0, 40)}"`;
    const http10 = statusLine.charCodeAt(7) === 48;
    let contentLength = -1;
    let chunked = false;
    let connection = '';
    let keepAlive: string | undefined;
    let from = firstEol < 0 ? head.length : firstEol + 2;
    while (from < head.length) {
      let eol = head.indexOf('\r\n', from);
      if (eol < 0) eol = head.length;
      const colon = head.indexOf(':', from);
      if (colon > from && colon < eol) {
        const length = colon - from;
        // Only four headers matter here; compare lengths before names.
        if (length === 14 || length === 17 || length === 10) {
          const name = head.slice(from, colon).toLowerCase();
          const value = head.slice(colon + 1, eol).trim();
          if (name === 'content-length') {
            if (!/^\d{1,15}$/.test(value)) return `bad content-length "${value.slice(0, 20)}"`;
            const parsed = Number(value);
            if (contentLength >= 0 && parsed !== contentLength) return 'conflicting content-length headers';
            contentLength = parsed;
          } else if (name === 'transfer-encoding') chunked = value.toLowerCase().endsWith('chunked');
          else if (name === 'connection') connection = value.toLowerCase();
          else if (name === 'keep-alive') keepAlive = value;
        }
      } else if (eol > from) return 'bad header line';
      from = eol + 2;
    }
    if (status < 200) {
      // 100 Continue, 103 Early Hints: an interim answer, the real one follows.
      this.state = State.Head;
      return undefined;
    }
    inFlight.status = status;
    this.keepAlive = http10 ? connection.includes('keep-alive') : !connection.includes('close');
    if (keepAlive) {
      const match = /timeout\s*=\s*(\d+)/i.exec(keepAlive);
      if (match) this.keepAliveHintMs = Number(match[1]) * 1_000;
    }
    const noBody = inFlight.request.method === 'HEAD' || status === 204 || status === 304;
    if (noBody) this.state = State.Head;
    else if (chunked) this.state = State.ChunkSize;
    else if (contentLength >= 0) {
      this.remaining = contentLength;
      this.state = contentLength === 0 ? State.Head : State.Length;
    } else {
      this.keepAlive = false;
      this.state = State.UntilClose;
    }
    return undefined;
  }

  /** The answer is complete: settle the request, then keep the connection or close it. */
  private finish(): void {
    const inFlight = this.inFlight;
    if (!inFlight) return;
    this.inFlight = undefined;
    this.state = State.Head;
    this.used = true;
    inFlight.slot.cancel = undefined;
    const chunks = inFlight.chunks;
    inFlight.resolve({
      status: inFlight.status,
      body: chunks ? (chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')) : undefined,
    });
    if (this.keepAlive) {
      const idle = Math.min(
        this.pool.idleTimeoutMs,
        this.keepAliveHintMs === undefined ? Number.POSITIVE_INFINITY : this.keepAliveHintMs - 1_000,
      );
      if (idle > 0) {
        this.reusableUntil = performance.now() + idle;
        this.pool.release(this);
        return;
      }
    }
    this.pool.forget(this);
    this.discard();
  }
}

/** The connections to one origin. */
class OriginPool {
  readonly idleTimeoutMs: number;
  readonly maxHeadBytes: number;
  private readonly idle: Connection[] = [];
  readonly busy = new Set<Connection>();
  private readonly hostHeader: string;

  constructor(
    private readonly host: string,
    private readonly port: number,
    hostHeader: string,
    options: Http1ClientOptions,
  ) {
    this.hostHeader = hostHeader;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.maxHeadBytes = options.maxHeadBytes ?? 65_536;
  }

  headOf(request: ExchangeRequest): string {
    const { headers, body, method } = request;
    let head = `${method} ${request.path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    for (let i = 0; i + 1 < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
    if (body !== null) return `${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
    return method === 'POST' || method === 'PUT' || method === 'PATCH' ? `${head}content-length: 0\r\n\r\n` : `${head}\r\n`;
  }

  /** Sends on an idle connection still fit for reuse, or on a new one. */
  start(inFlight: InFlight): void {
    const now = performance.now();
    let connection: Connection | undefined;
    while ((connection = this.idle.pop()) !== undefined) {
      if (!connection.closed && connection.reusableUntil > now) break;
      connection.discard();
    }
    const reused = connection !== undefined;
    connection ??= new Connection(this, this.port, this.host);
    this.busy.add(connection);
    inFlight.reused = reused;
    connection.send(inFlight);
  }

  release(connection: Connection): void {
    this.busy.delete(connection);
    this.idle.push(connection);
  }

  forget(connection: Connection): void {
    this.busy.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
  }

  sweep(now: number, timeoutMs: number): void {
    const late: Connection[] = [];
    for (const connection of this.busy) {
      const inFlight = connection.inFlight;
      if (inFlight && now - inFlight.startedAt > timeoutMs) late.push(connection);
    }
    for (const connection of late) connection.destroy(new HttpClientError(`no complete answer within ${timeoutMs} ms`, 'REQUEST_TIMEOUT'));
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const connection = this.idle[i] as Connection;
      if (connection.reusableUntil <= now) {
        this.idle.splice(i, 1);
        connection.discard();
      }
    }
  }

  close(): void {
    for (const connection of [...this.busy, ...this.idle]) connection.destroy(new HttpClientError('client closed', 'CLIENT_CLOSED'));
    this.idle.length = 0;
    this.busy.clear();
  }
}

/** HTTP/1.1 keep-alive client for http:// origins. */
export class Http1Client {
  private readonly pools = new Map<string, OriginPool>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: Http1ClientOptions) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.min(1_000, Math.floor(options.requestTimeoutMs / 4))));
    this.sweeper.unref();
  }

  exchange(request: ExchangeRequest, slot: AbortSlot, readBody: boolean): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new HttpClientError('client closed', 'CLIENT_CLOSED'));
      if (slot.aborted) return reject(new HttpClientError('request aborted', 'ABORTED'));
      for (let i = 1; i < request.headers.length; i += 2) {
        if (!HEADER_VALUE_OK.test(request.headers[i] as string))
          return reject(new HttpClientError(`header ${request.headers[i - 1]} has a line break`, 'INVALID_HEADER'));
      }
      const pool = this.poolOf(request.origin);
      const inFlight: InFlight = {
        request,
        slot,
        resolve,
        reject,
        startedAt: performance.now(),
        reused: false,
        retried: false,
        status: 0,
        chunks: readBody ? [] : undefined,
        answered: false,
      };
      pool.start(inFlight);
    });
  }

  private poolOf(origin: string): OriginPool {
    let pool = this.pools.get(origin);
    if (!pool) {
      const url = new URL(origin);
      if (url.protocol !== 'http:') throw new HttpClientError(`${origin}: only http:// origins`, 'UNSUPPORTED_PROTOCOL');
      const host = url.hostname.replace(/^\[|\]$/g, '');
      pool = new OriginPool(host, url.port === '' ? 80 : Number(url.port), url.host, this.options);
      this.pools.set(origin, pool);
    }
    return pool;
  }

  private sweep(): void {
    const now = performance.now();
    for (const pool of this.pools.values()) pool.sweep(now, this.options.requestTimeoutMs);
  }

  /** Closes every connection; requests in flight fail with CLIENT_CLOSED. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }
}
