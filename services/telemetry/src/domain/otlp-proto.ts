import protobuf from 'protobufjs';

/**
 * The OTLP trace messages, as a protobufjs JSON descriptor. Field names, numbers and types
 * are those of the OpenTelemetry protocol definitions (opentelemetry-proto, files
 * `collector/trace/v1/trace_service.proto`, `trace/v1/trace.proto`,
 * `resource/v1/resource.proto`, `common/v1/common.proto`); enums are read as int32, which
 * is the same on the wire and keeps values unknown to this version. Fields the store never
 * reads (schema urls, dropped counts, entity refs) are left out: the decoder skips them.
 */
const OTLP_TRACE_DESCRIPTOR = {
  nested: {
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: {
              nested: {
                v1: {
                  nested: {
                    AnyValue: {
                      oneofs: {
                        value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] },
                      },
                      fields: {
                        stringValue: { type: 'string', id: 1 },
                        boolValue: { type: 'bool', id: 2 },
                        intValue: { type: 'int64', id: 3 },
                        doubleValue: { type: 'double', id: 4 },
                        arrayValue: { type: 'ArrayValue', id: 5 },
                        kvlistValue: { type: 'KeyValueList', id: 6 },
                        bytesValue: { type: 'bytes', id: 7 },
                      },
                    },
                    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
                    KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
                    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
                    InstrumentationScope: {
                      fields: {
                        name: { type: 'string', id: 1 },
                        version: { type: 'string', id: 2 },
                        attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
                      },
                    },
                  },
                },
              },
            },
            resource: {
              nested: {
                v1: {
                  nested: {
                    Resource: { fields: { attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 1 } } },
                  },
                },
              },
            },
            trace: {
              nested: {
                v1: {
                  nested: {
                    ResourceSpans: {
                      fields: {
                        resource: { type: 'opentelemetry.proto.resource.v1.Resource', id: 1 },
                        scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 },
                      },
                    },
                    ScopeSpans: {
                      fields: {
                        scope: { type: 'opentelemetry.proto.common.v1.InstrumentationScope', id: 1 },
                        spans: { rule: 'repeated', type: 'Span', id: 2 },
                      },
                    },
                    Span: {
                      fields: {
                        traceId: { type: 'bytes', id: 1 },
                        spanId: { type: 'bytes', id: 2 },
                        traceState: { type: 'string', id: 3 },
                        parentSpanId: { type: 'bytes', id: 4 },
                        flags: { type: 'fixed32', id: 16 },
                        name: { type: 'string', id: 5 },
                        kind: { type: 'int32', id: 6 },
                        startTimeUnixNano: { type: 'fixed64', id: 7 },
                        endTimeUnixNano: { type: 'fixed64', id: 8 },
                        attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 9 },
                        events: { rule: 'repeated', type: 'Event', id: 11 },
                        links: { rule: 'repeated', type: 'Link', id: 13 },
                        status: { type: 'Status', id: 15 },
                      },
                      nested: {
                        Event: {
                          fields: {
                            timeUnixNano: { type: 'fixed64', id: 1 },
                            name: { type: 'string', id: 2 },
                            attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 3 },
                          },
                        },
                        Link: {
                          fields: {
                            traceId: { type: 'bytes', id: 1 },
                            spanId: { type: 'bytes', id: 2 },
                            traceState: { type: 'string', id: 3 },
                            attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 4 },
                            flags: { type: 'fixed32', id: 6 },
                          },
                        },
                      },
                    },
                    Status: { fields: { message: { type: 'string', id: 2 }, code: { type: 'int32', id: 3 } } },
                  },
                },
              },
            },
            collector: {
              nested: {
                trace: {
                  nested: {
                    v1: {
                      nested: {
                        ExportTraceServiceRequest: {
                          fields: { resourceSpans: { rule: 'repeated', type: 'opentelemetry.proto.trace.v1.ResourceSpans', id: 1 } },
                        },
                        ExportTraceServiceResponse: { fields: { partialSuccess: { type: 'ExportTracePartialSuccess', id: 1 } } },
                        ExportTracePartialSuccess: {
                          fields: { rejectedSpans: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(OTLP_TRACE_DESCRIPTOR);
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
