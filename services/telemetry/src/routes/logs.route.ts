import { PassThrough } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorResponse } from '@archaics/contracts';
import { AppError } from '@archaics/server';
import { matchesLog, parseLogQuery } from '../domain/log-query.ts';
import { readLogs } from '../repositories/log-files.ts';
import type { LogFollower } from '../repositories/log-follower.ts';
import { LogsQuery, LogsResponse } from './schemas.ts';

export interface LogRoutesDeps {
  /** The supervisor's folder of `<service>.log` files. */
  logsDir: string;
  follower: LogFollower;
  maxStreams: number;
  heartbeatMs: number;
}

/** A slow stream client is sent nothing more than this backlog; lines past it are dropped. */
const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024;

/**
 * `GET /api/logs` (stored lines, newest first) and `GET /api/logs/stream` (server-sent
 * events, one per new matching line) over the supervisor's log files.
 */
export function registerLogRoutes(app: FastifyInstance, deps: LogRoutesDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const openStreams = new Set<() => void>();

  api.get(
    '/api/logs',
    {
      schema: {
        tags: ['logs'],
        summary: 'Stored log lines of the services, newest first',
        querystring: LogsQuery,
        response: { 200: LogsResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { filter, limit } = parseLogQuery(request.query);
      const entries = await readLogs(deps.logsDir, filter, limit);
      return { data: entries.map((entry) => entry.fields as Record<string, unknown>), total: entries.length };
    },
  );

  api.get(
    '/api/logs/stream',
    {
      schema: {
        tags: ['logs'],
        summary: 'New log lines as server-sent events (text/event-stream)',
        description:
          'One `data: <JSON line>` event per new line that matches the filters (as /api/logs, limit ignored), ' +
          `within a second of its being written; a \`: ping\` comment every ${deps.heartbeatMs / 1000} s. ` +
          `At most ${deps.maxStreams} streams at once (429 past that).`,
        querystring: LogsQuery,
        response: { 200: Type.Unknown({ description: 'text/event-stream' }), 400: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { filter } = parseLogQuery(request.query);
      if (openStreams.size >= deps.maxStreams) {
        throw new AppError(429, 'too_many_streams', `at most ${deps.maxStreams} log streams at once; close one and retry`);
      }
      const stream = new PassThrough();
      stream.on('error', () => undefined);
      let dropped = 0;
      const unsubscribe = deps.follower.subscribe((entry) => {
        if (!matchesLog(entry, filter)) return;
        if (stream.writableLength > MAX_STREAM_BACKLOG_BYTES) {
          dropped++;
          return;
        }
        stream.write(`data: ${entry.raw}\n\n`);
      });
      const heartbeat = setInterval(() => stream.write(': ping\n\n'), deps.heartbeatMs);
      const end = (): void => {
        if (!openStreams.delete(end)) return;
        clearInterval(heartbeat);
        unsubscribe();
        if (dropped > 0) request.log.warn(`log stream closed; ${dropped} line(s) were dropped for a slow client`);
        stream.end();
      };
      openStreams.add(end);
      reply.raw.once('close', end);
      // A first comment sends the headers at once, so the client knows it is connected.
      stream.write(': connected\n\n');
      return (
        reply
          .header('content-type', 'text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache')
          .header('x-accel-buffering', 'no')
          // The connection ends with the stream, so that a server shutting down is not kept
          // waiting by a kept-alive connection.
          .header('connection', 'close')
          .send(stream)
      );
    },
  );

  // Open streams would keep close() waiting: end them first.
  app.addHook('preClose', async () => {
    for (const end of [...openStreams]) end();
  });
}
