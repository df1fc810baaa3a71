import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { LogLine } from '@archaics/contracts';
import type { LogFilter, LogReader, LogRecord } from '@archaics/telemetry-query';
import { LogFilterQuery, LogsResponse } from '../../shared/schemas/logs.schema.ts';
import { ERRORS, telemetryError } from './route-options.ts';

export interface LogsRoutesOptions {
  readonly logs: LogReader;
}

function filterOf(q: LogFilterQuery): LogFilter {
  return {
    ...(q.service ? { service: q.service } : {}),
    ...(q.level ? { level: q.level } : {}),
    ...(q.trace_id ? { traceId: q.trace_id.replaceAll('-', '').toLowerCase() } : {}),
    ...(q.text ? { text: q.text } : {}),
  };
}

/** A log record as the UI shows it: the contract's fields only. */
function lineView(line: LogRecord): LogLine {
  return {
    service: line.service,
    level: line.level,
    message: line.message,
    timestamp: line.timestamp,
    ...(line.trace_id ? { trace_id: line.trace_id } : {}),
  };
}

/** The logs view: a query, and the live tail as server-sent events (ended when the server closes). */
export const logsRoutes: FastifyPluginAsyncTypebox<LogsRoutesOptions> = async (app, { logs }) => {
  // Open log tails, ended when the server closes.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });

  app.get(
    '/api/logs',
    { schema: { tags: ['logs'], querystring: LogFilterQuery, response: { 200: LogsResponse, ...ERRORS } } },
    async (request) => {
      const q = request.query;
      const lines = await logs.query({ ...filterOf(q), limit: Math.min(500, Math.max(1, Number(q.limit ?? 100))) }).catch(telemetryError);
      return { lines: lines.map(lineView) };
    },
  );
  // Live tail as server-sent events: one `data:` line per log line, oldest first.
  app.get('/api/logs/stream', { schema: { tags: ['logs'], querystring: LogFilterQuery, response: ERRORS } }, async (request, reply) => {
    const q = request.query;
    const abort = new AbortController();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(': tail\n\n');
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
    const end = (): void => {
      clearInterval(heartbeat);
      abort.abort();
    };
    request.raw.once('close', end);
    streams.add(end);
    await logs
      .tail(filterOf(q), (line) => void raw.write(`data: ${JSON.stringify(lineView(line))}\n\n`), abort.signal, {
        onError: (error) => raw.write(`event: tail-error\ndata: ${JSON.stringify({ error: error.message })}\n\n`),
      })
      .catch(() => undefined);
    streams.delete(end);
    raw.end();
  });
};
