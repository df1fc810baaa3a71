import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ErrorResponse } from '@archaics/contracts';
import { AppError, badRequest } from '@archaics/server';
import { decodeOtlpBody } from '../domain/otlp-decode.ts';
import { encodeExportResponse } from '../domain/otlp-proto.ts';
import type { NormalizedRequest } from '../domain/otlp-request.ts';
import type { SpanRepository } from '../repositories/span.repository.ts';
import { ExportTraceResponse } from './schemas.ts';

const gunzipAsync = promisify(gunzip);

const JSON_TYPE = 'application/json';
const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];

export interface OtlpRoutesDeps {
  spans: SpanRepository;
  /** Largest body, before and after gunzip. */
  maxBodyBytes: number;
}

/**
 * `POST /v1/traces`: OTLP/HTTP trace export, JSON or protobuf, plain or gzip. Answers 200
 * with an ExportTraceServiceResponse in the request's encoding (with `partialSuccess`
 * counting spans dropped for invalid ids); a request that is not such a message is a 400
 * `{error, detail}` and stores nothing; a body over the limit, compressed or not, a 413.
 */
export async function registerOtlpRoutes(app: FastifyInstance, deps: OtlpRoutesDeps): Promise<void> {
  await app.register(async (scope) => {
    // The body is decoded by the route: it may be gzip, and JSON or protobuf.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      [JSON_TYPE, ...PROTOBUF_TYPES],
      { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes },
      (_request, body, done) => done(null, body),
    );

    scope.post(
      '/v1/traces',
      {
        // Every service exports about once a second: one request line each would drown the
        // process's own log (control routes are logged at DEBUG, and never faulted).
        config: { control: true },
        schema: {
          tags: ['otlp'],
          summary: 'OTLP/HTTP trace export (ExportTraceServiceRequest)',
          description:
            'Content-Type application/json (OTLP/JSON: hex ids, nanosecond times as strings or numbers) or application/x-protobuf; ' +
            `Content-Encoding gzip accepted. Bodies over ${deps.maxBodyBytes} bytes (compressed or not) are refused with 413.`,
          consumes: [JSON_TYPE, ...PROTOBUF_TYPES],
          response: { 200: ExportTraceResponse, 400: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse },
        },
      },
      async (request, reply: FastifyReply) => {
        const protobuf = PROTOBUF_TYPES.includes(mediaType(request.headers['content-type']));
        let normalized: NormalizedRequest;
        let body: Buffer;
        try {
          body = await decompress(
            (request.body as Buffer | undefined) ?? Buffer.alloc(0),
            request.headers['content-encoding'],
            deps.maxBodyBytes,
          );
          normalized = decodeOtlpBody(body, protobuf);
        } catch (error) {
          // The request line of this route is DEBUG: say here that an exporter is sending junk.
          if (error instanceof AppError)
            request.log.warn({ otlp: { refused: error.code } }, `OTLP export refused: ${error.detail ?? error.code}`);
          throw error;
        }
        // A protobuf body is stored as it came (the store decodes it again to read it); JSON as span records.
        deps.spans.insert(normalized.spans, protobuf ? body : undefined);
        const errorMessage = normalized.rejected > 0 ? `${normalized.rejected} span(s) dropped: ${normalized.reasons.join('; ')}` : '';
        if (normalized.rejected > 0)
          request.log.warn({ otlp: { accepted: normalized.spans.length, rejected: normalized.rejected } }, errorMessage);
        if (protobuf) {
          void reply.header('content-type', 'application/x-protobuf');
          return reply.send(Buffer.from(encodeExportResponse(normalized.rejected, errorMessage)));
        }
        return { partialSuccess: normalized.rejected > 0 ? { rejectedSpans: normalized.rejected, errorMessage } : {} };
      },
    );
  });
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

async function decompress(body: Buffer, encodingHeader: string | undefined, maxBytes: number): Promise<Buffer> {
  const encoding = (encodingHeader ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new AppError(415, 'unsupported_media_type', `content-encoding ${encoding} is not supported; send gzip or no encoding`);
  }
  try {
    return await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError(413, 'payload_too_large', `the decompressed body exceeds ${maxBytes} bytes`);
    }
    throw badRequest(`body is not valid gzip: ${(error as Error).message}`, 'invalid_gzip');
  }
}
