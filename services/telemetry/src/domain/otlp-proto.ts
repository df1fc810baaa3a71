import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** The official OTLP definitions, vendored with their licence (see proto/README.md). */
const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));
const TRACE_SERVICE = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

/**
 * The OTLP trace messages, loaded from the .proto files when the service starts. Enums
 * (span kind, status code) decode as their numbers, which keeps values unknown to this
 * version; fields the store never reads (schema urls, dropped counts, entity refs) are
 * decoded and left alone.
 */
function loadTraceProtocol(): protobuf.Root {
  const root = new protobuf.Root();
  // Imports name paths from the proto folder's top (`opentelemetry/proto/...`).
  root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  root.loadSync(TRACE_SERVICE);
  root.resolveAll();
  return root;
}

const root = loadTraceProtocol();
const ExportRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const ExportResponse = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, bytes: String, defaults: false };

/**
 * Decodes a protobuf ExportTraceServiceRequest into the OTLP/JSON object shape, except that
 * ids (bytes) come as base64. Throws on bytes that are not such a message.
 */
export function decodeExportRequest(bytes: Uint8Array): unknown {
  return ExportRequest.toObject(ExportRequest.decode(bytes), TO_OBJECT);
}

/** Decodes a protobuf ExportTraceServiceRequest into protobufjs's message objects (see otlp-message.ts). Throws on bytes that are not one. */
export function decodeExportMessage(bytes: Uint8Array): unknown {
  return ExportRequest.decode(bytes);
}

/** A decoded message in the shape {@link decodeExportRequest} returns. */
export function exportMessageToObject(message: unknown): unknown {
  return ExportRequest.toObject(message as protobuf.Message, TO_OBJECT);
}

/** Encodes an ExportTraceServiceRequest given in the shape {@link decodeExportRequest} returns. */
export function encodeExportRequest(request: Record<string, unknown>): Uint8Array {
  return ExportRequest.encode(ExportRequest.fromObject(request)).finish();
}

/** The protobuf answer: an empty ExportTraceServiceResponse, or one with a partial success. */
export function encodeExportResponse(rejectedSpans: number, errorMessage: string): Uint8Array {
  const body = rejectedSpans > 0 || errorMessage ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {};
  return ExportResponse.encode(ExportResponse.fromObject(body)).finish();
}

/** Decodes an ExportTraceServiceResponse (tests). */
export function decodeExportResponse(bytes: Uint8Array): Record<string, unknown> {
  return ExportResponse.toObject(ExportResponse.decode(bytes), { longs: Number, defaults: false });
}
