import type { Span } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import type { ChaosEngine, DrawnFault } from './chaos/chaos-engine.ts';
import type { Logger } from './logging/logger.ts';
import type { ServiceMetrics } from './metrics/metrics.ts';
import type { Tracing } from './tracing/tracing.ts';

/** What every archaics service shares, reachable from routes as `app.archaics`. */
export interface ServiceContext {
  readonly service: string;
  readonly version: string;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly tracing: Tracing;
  readonly chaos: ChaosEngine;
}

declare module 'fastify' {
  interface FastifyInstance {
    archaics: ServiceContext;
  }
  interface FastifyRequest {
    /** The fault drawn for this request, if one strikes it (bad_data is applied by the route). */
    fault: DrawnFault | undefined;
    /** The request's trace id (32 hex digits). */
    traceId: string;
    span: Span | undefined;
  }
  interface FastifyContextConfig {
    /** Control endpoints are never faulted, and their access lines are written at DEBUG. */
    control?: boolean;
  }
}

const CONTROL_PREFIXES = ['/docs'];

/** Whether the request is for a control endpoint (`config.control`, or the OpenAPI pages). */
export const isControlRequest = (request: FastifyRequest): boolean =>
  request.routeOptions.config.control === true || CONTROL_PREFIXES.some((p) => request.url.startsWith(p));

/** The request's path without its query string. */
export const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? '';
