import { createRequire } from 'node:module';
import type * as SemanticConventions from '@opentelemetry/semantic-conventions';

// The SDK loads this package with require already; an ESM import of it would make Node scan its
// CommonJS files again for their export names (about 15 ms of every service's start-up).
const semconv = createRequire(import.meta.url)('@opentelemetry/semantic-conventions') as typeof SemanticConventions;

/** Stable OpenTelemetry attribute names (semantic conventions) that the server's spans and resource carry. */
export const {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_PATH,
} = semconv;

/**
 * The called service's logical name on a client span. Deprecated in the current semantic conventions
 * (and only in their unstable entry point), kept because the stores and readers group calls by it.
 */
export const ATTR_PEER_SERVICE = 'peer.service';

/** The fault injected into a request (archaics' own attribute). */
export const ATTR_CHAOS_FAULT = 'chaos.fault';
