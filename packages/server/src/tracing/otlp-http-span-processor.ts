import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { diag, TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { JsonSpanBatch, ProtoSpanBatch, type SpanBatch } from './otlp-encoder.ts';

export interface OtlpHttpSpanProcessorOptions {
  /** The full URL of the traces endpoint (`<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`). */
  url: string;
  /** `http/protobuf` (default) or `http/json`. */
  protocol?: 'http/protobuf' | 'http/json';
  /** Spans waiting for export at most; more are dropped and counted (default 8192). */
  maxQueueSize?: number;
  /** Spans per export request at most (default 1024). */
  maxBatchSize?: number;
  /** Longest wait of a span before its batch is sent (default 1000 ms). */
  scheduledDelayMs?: number;
  /** Deadline of one export request (default 2000 ms). */
  timeoutMs?: number;
  /** Export requests in flight at once (default 2). */
  maxConcurrentExports?: number;
  /** More headers for every export request (`OTEL_EXPORTER_OTLP_HEADERS`); content-type and -length are ours. */
  headers?: Readonly<Record<string, string>>;
}

/** What a {@link OtlpHttpSpanProcessor} did with the spans it was given. */
export interface OtlpExportStats {
  /** Spans the endpoint accepted (a 2xx answer). */
  exported: number;
  /** Spans dropped because the queue was full. */
  dropped: number;
  /** Spans of export requests that failed (error answer, timeout, no connection). */
  failed: number;
  /** Spans waiting in the queue or in flight now. */
  pending: number;
  /** Export requests sent. */
  requests: number;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const MAX_ATTEMPTS = 3;
const RETRY_BASE_MS = 250;

/**
 * Exports finished spans with OTLP/HTTP, in batches, without the OpenTelemetry exporter
 * stack: each span is written into its batch's ExportTraceServiceRequest (protobuf or
 * OTLP/JSON, {@link ProtoSpanBatch}) when it ends, so the span object is garbage at once
 * instead of living until its batch is sent; batches are posted on keep-alive connections.
 *
 * It never blocks or throws into the request path: ending a span only writes it to the open
 * batch (sampled spans only); batches are sent from a timer or, when a batch is full, from
 * the next turn of the event loop. The queue is bounded: when it is full, new spans are dropped and
 * counted ({@link OtlpHttpSpanProcessor.stats}). A failed export is retried (at most
 * three attempts) on a connection error, a timeout, or 429/502/503/504, then counted as
 * failed. `forceFlush` and `shutdown` send everything queued and wait for the answers.
 */
export class OtlpHttpSpanProcessor implements SpanProcessor {
  private readonly url: URL;
  private readonly json: boolean;
  private readonly maxQueueSize: number;
  private readonly maxBatchSize: number;
  private readonly delayMs: number;
  private readonly timeoutMs: number;
  private readonly maxConcurrent: number;
  private readonly extraHeaders: Readonly<Record<string, string>>;
  private readonly agent: Agent;
  private readonly send: typeof httpRequest;
  /** Batches ready to send, oldest first, and the one spans are written to. */
  private ready: SpanBatch[] = [];
  private open: SpanBatch | undefined;
  private queued = 0;
  private inFlight = 0;
  private inFlightSpans = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private readonly counters = { exported: 0, dropped: 0, failed: 0, requests: 0 };
  private droppedSinceWarning = 0;
  /** Buffers of sent protobuf batches, for the next ones. */
  private readonly buffers: Buffer[] = [];

  constructor(options: OtlpHttpSpanProcessorOptions) {
    this.url = new URL(options.url);
    this.json = options.protocol === 'http/json';
    this.maxQueueSize = options.maxQueueSize ?? 8192;
    this.maxBatchSize = Math.min(options.maxBatchSize ?? 1024, this.maxQueueSize);
    this.delayMs = options.scheduledDelayMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.maxConcurrent = options.maxConcurrentExports ?? 2;
    this.extraHeaders = options.headers ?? {};
    const https = this.url.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: this.maxConcurrent };
    this.agent = https ? new HttpsAgent(agentOptions) : new Agent(agentOptions);
    this.send = https ? httpsRequest : httpRequest;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.closed || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.queued >= this.maxQueueSize) {
      this.counters.dropped++;
      if (this.droppedSinceWarning++ === 0) diag.warn('OTLP span export: queue full, dropping spans');
      return;
    }
    let batch = this.open;
    if (batch && (batch.resource !== span.resource || batch.scope !== span.instrumentationScope)) {
      this.cut();
      batch = undefined;
    }
    batch ??= this.open = this.json
      ? new JsonSpanBatch(span.resource, span.instrumentationScope)
      : new ProtoSpanBatch(span.resource, span.instrumentationScope, this.buffers.pop() ?? Math.min(this.maxBatchSize, 256) * 256);
    try {
      batch.add(span);
    } catch (error) {
      this.counters.failed++;
      diag.error('OTLP span export: cannot encode a span', error);
      return;
    }
    this.queued++;
    if (batch.size >= this.maxBatchSize) {
      this.cut();
      this.sendSoon();
    } else {
      this.timer ??= setTimeout(() => this.onTimer(), this.delayMs).unref();
    }
  }

  /** Counts of what happened to the spans so far. */
  stats(): OtlpExportStats {
    return { ...this.counters, pending: this.queued + this.inFlightSpans };
  }

  /** Closes the open batch: it joins the batches ready to send. */
  private cut(): void {
    if (this.open && this.open.size > 0) this.ready.push(this.open);
    this.open = undefined;
  }

  async forceFlush(): Promise<void> {
    await this.drain();
  }

  /** Sends what is queued (waiting at most `graceMs`, default 5 s), then stops; later spans are ignored. */
  async shutdown(graceMs = 5_000): Promise<void> {
    if (this.closed) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.drain(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs).unref()))]);
    clearTimeout(timer);
    this.closed = true;
    this.agent.destroy();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.pump(true);
  }

  private sendSoon(): void {
    this.immediate ??= setImmediate(() => {
      this.immediate = undefined;
      this.pump(false);
    });
  }

  /** Sends ready batches while there are free slots; `all` (timer, flush) sends the open one too. */
  private pump(all: boolean): void {
    if (all) this.cut();
    while (this.inFlight < this.maxConcurrent && this.ready.length > 0) this.export(this.ready.shift()!);
    if (this.queued > 0 && !this.timer) this.timer = setTimeout(() => this.onTimer(), this.delayMs).unref();
    if (this.queued === 0 && this.inFlight === 0) this.wakeIdle();
  }

  private export(batch: SpanBatch): void {
    const spans = batch.size;
    this.queued -= spans;
    let body: Buffer[];
    try {
      body = batch.request();
    } catch (error) {
      this.counters.failed += spans;
      diag.error('OTLP span export: cannot encode spans', error);
      return;
    }
    this.inFlight++;
    this.inFlightSpans += spans;
    this.counters.requests++;
    this.post(body, 1, (ok) => {
      this.inFlight--;
      this.inFlightSpans -= spans;
      if (ok) this.counters.exported += spans;
      else this.counters.failed += spans;
      // The answer came: the body was written out, its buffer can take the next batch.
      const buffer = batch.release();
      if (buffer && this.buffers.length <= this.maxConcurrent) this.buffers.push(buffer);
      if (ok) this.droppedSinceWarning = 0;
      // A slot is free: full batches go now, the rest on the timer (or at once when flushing).
      this.pump(this.idleWaiters.length > 0);
    });
  }

  private post(body: Buffer[], attempt: number, done: (ok: boolean) => void): void {
    let finished = false;
    const finish = (ok: boolean, retryable: boolean): void => {
      if (finished) return;
      finished = true;
      if (!ok && retryable && attempt < MAX_ATTEMPTS && !this.closed) {
        setTimeout(() => this.post(body, attempt + 1, done), RETRY_BASE_MS * 2 ** (attempt - 1)).unref();
        return;
      }
      done(ok);
    };
    try {
      const req = this.send(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: {
          ...this.extraHeaders,
          'content-type': this.json ? 'application/json' : 'application/x-protobuf',
          'content-length': body.reduce((sum, chunk) => sum + chunk.length, 0),
        },
        timeout: this.timeoutMs,
      });
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        res.on('error', () => finish(false, true));
        res.on('close', () => finish(false, true));
        res.on('end', () => finish(status >= 200 && status < 300, RETRYABLE.has(status)));
        res.resume();
      });
      req.on('timeout', () => req.destroy(new Error(`OTLP export timed out after ${this.timeoutMs} ms`)));
      req.on('error', (error) => {
        if (attempt === MAX_ATTEMPTS) diag.warn(`OTLP span export to ${this.url.href} failed: ${error.message}`);
        finish(false, true);
      });
      for (const chunk of body) req.write(chunk);
      req.end();
    } catch (error) {
      diag.error('OTLP span export: cannot send', error);
      finish(false, false);
    }
  }

  /** Sends everything queued and resolves once nothing is queued or in flight. */
  private drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queued === 0 && this.inFlight === 0) return Promise.resolve();
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.pump(true);
    return idle;
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
