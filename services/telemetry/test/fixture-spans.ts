import { readFileSync } from 'node:fs';
import type { SpanSpec } from './telemetry-harness.ts';

/** A Jaeger answer of `fixtures/jaeger/`. */
export function jaegerFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/jaeger/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

export const TIMEOUT_TRACE = '8e0d3f6a1c2b4d5e9f708192a3b4c5d6';
export const CART_TRACE = '2f1c0b9a8e7d6c5b4a39281706f5e4d3';
const t = 1_768_473_000_000_000;
const u = 1_768_472_990_000_000;

/**
 * The spans, as the services export them over OTLP, of the traces in the Jaeger fixtures:
 * a `GET /products` that times out on db-service, and an older healthy `GET /cart`.
 */
export const FIXTURE_SPANS: Record<string, SpanSpec[]> = {
  'product-service': [
    {
      traceId: TIMEOUT_TRACE,
      spanId: 'a1b2c3d4e5f60718',
      name: 'GET /products',
      kind: SERVER,
      startUs: t,
      durationUs: 1_012_345,
      attributes: { 'http.request.method': 'GET', 'url.path': '/products', 'http.route': '/products', 'http.response.status_code': 504 },
      status: { code: ERROR },
    },
    {
      traceId: TIMEOUT_TRACE,
      spanId: 'b1c2d3e4f5061728',
      parentSpanId: 'a1b2c3d4e5f60718',
      name: 'GET auth-service/validate',
      kind: CLIENT,
      startUs: t + 1200,
      durationUs: 3456,
      attributes: {
        'peer.service': 'auth-service',
        'http.request.method': 'GET',
        'url.path': '/validate',
        'http.response.status_code': 200,
      },
    },
    {
      traceId: TIMEOUT_TRACE,
      spanId: 'd1e2f30415263748',
      parentSpanId: 'a1b2c3d4e5f60718',
      name: 'GET db-service/products',
      kind: CLIENT,
      startUs: t + 5000,
      durationUs: 1_002_000,
      attributes: { 'peer.service': 'db-service', 'http.request.method': 'GET', 'url.path': '/products' },
      status: { code: ERROR, message: 'db-service timeout after 1002ms' },
      events: [
        {
          timeUs: t + 1_005_000,
          name: 'exception',
          attributes: { 'exception.type': 'UpstreamFailure', 'exception.message': 'db-service timeout after 1002ms' },
        },
      ],
    },
    {
      traceId: CART_TRACE,
      spanId: '0a1b2c3d4e5f6071',
      name: 'GET /cart',
      kind: SERVER,
      startUs: u,
      durationUs: 8400,
      attributes: { 'http.request.method': 'GET', 'url.path': '/cart', 'http.route': '/cart', 'http.response.status_code': 200 },
    },
    {
      traceId: CART_TRACE,
      spanId: '1a2b3c4d5e6f7081',
      parentSpanId: '0a1b2c3d4e5f6071',
      name: 'GET auth-service/validate',
      kind: CLIENT,
      startUs: u + 900,
      durationUs: 2500,
      attributes: {
        'peer.service': 'auth-service',
        'http.request.method': 'GET',
        'url.path': '/validate',
        'http.response.status_code': 200,
      },
    },
    {
      traceId: CART_TRACE,
      spanId: '3a4b5c6d7e8f90a1',
      parentSpanId: '0a1b2c3d4e5f6071',
      name: 'GET db-service/cart/u-1f2e',
      kind: CLIENT,
      startUs: u + 3700,
      durationUs: 4100,
      attributes: {
        'peer.service': 'db-service',
        'http.request.method': 'GET',
        'url.path': '/cart/u-1f2e',
        'http.response.status_code': 200,
      },
    },
  ],
  'auth-service': [
    {
      traceId: TIMEOUT_TRACE,
      spanId: 'c1d2e3f405162738',
      parentSpanId: 'b1c2d3e4f5061728',
      name: 'GET /validate',
      kind: SERVER,
      startUs: t + 1900,
      durationUs: 2100,
      attributes: { 'http.request.method': 'GET', 'url.path': '/validate', 'http.route': '/validate', 'http.response.status_code': 200 },
    },
    {
      traceId: CART_TRACE,
      spanId: '2a3b4c5d6e7f8091',
      parentSpanId: '1a2b3c4d5e6f7081',
      name: 'GET /validate',
      kind: SERVER,
      startUs: u + 1500,
      durationUs: 1300,
      attributes: { 'http.request.method': 'GET', 'url.path': '/validate', 'http.route': '/validate', 'http.response.status_code': 200 },
    },
  ],
  'db-service': [
    {
      traceId: TIMEOUT_TRACE,
      spanId: 'e1f2031425364758',
      parentSpanId: 'd1e2f30415263748',
      name: 'GET /products',
      kind: SERVER,
      startUs: t + 5800,
      durationUs: 997_800,
      attributes: { 'http.request.method': 'GET', 'url.path': '/products', 'http.route': '/products', 'chaos.fault': 'timeout' },
      status: { code: ERROR, message: 'client aborted' },
    },
    {
      traceId: CART_TRACE,
      spanId: '4a5b6c7d8e9fa0b1',
      parentSpanId: '3a4b5c6d7e8f90a1',
      name: 'GET /cart/:user_id',
      kind: SERVER,
      startUs: u + 4300,
      durationUs: 2900,
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/cart/u-1f2e',
        'http.route': '/cart/:user_id',
        'http.response.status_code': 200,
      },
    },
  ],
};

/** Clock of the fixtures' time (ms): a minute after the timeout trace. */
export const FIXTURE_NOW_MS = t / 1000 + 60_000;
