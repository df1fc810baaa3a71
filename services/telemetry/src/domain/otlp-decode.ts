import { badRequest } from '@archaics/server';
import { decodeExportMessage, exportMessageToObject } from './otlp-proto.ts';
import { normalizeDecodedRequest } from './otlp-message.ts';
import { normalizeExportRequest, OtlpFormatError, type NormalizedRequest } from './otlp-request.ts';

/**
 * An export request's body (after gunzip) as checked span records: protobuf decoded with
 * protobufjs from the OpenTelemetry proto definitions, or OTLP/JSON. A body that is not an
 * ExportTraceServiceRequest throws a 400 {@link badRequest} naming what is wrong.
 *
 * The span store keeps protobuf bodies as they came and decodes them again with this function
 * when it reads them: it gives the same spans, in the same order, for the same bytes.
 */
export function decodeOtlpBody(body: Uint8Array, protobuf: boolean): NormalizedRequest {
  let tree: unknown;
  if (protobuf) {
    let message: unknown;
    try {
      message = decodeExportMessage(body);
    } catch (error) {
      throw badRequest(`body is not an OTLP ExportTraceServiceRequest in protobuf: ${(error as Error).message}`, 'invalid_protobuf');
    }
    // Straight from protobufjs's messages; requests with array or map attribute values take the general path.
    const direct = normalizeDecodedRequest(message);
    if (direct) return direct;
    tree = exportMessageToObject(message);
  } else {
    try {
      tree = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    } catch (error) {
      throw badRequest(`body is not JSON: ${(error as Error).message}`, 'invalid_json');
    }
  }
  try {
    return normalizeExportRequest(tree, protobuf ? 'base64' : 'hex');
  } catch (error) {
    if (error instanceof OtlpFormatError) throw badRequest(`not an OTLP ExportTraceServiceRequest: ${error.message}`);
    // A message nested so deep that walking it overflows the stack is malformed too.
    if (error instanceof RangeError) throw badRequest(`not an OTLP ExportTraceServiceRequest: ${error.message}`);
    throw error;
  }
}
