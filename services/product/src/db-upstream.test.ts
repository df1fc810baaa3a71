import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, SHORT_DB, TIMEOUT_MS, unreachableUrl } from '@archaics/server/testing';
import { DbServiceClient } from '@archaics/business-clients';
import { startProduct, type ProductHarness } from '../test/support/harness.ts';

let h: ProductHarness;
afterEach(async () => h?.close());

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

const products = () => h.app.inject({ url: '/products', headers: ALICE });

describe(DbServiceClient.name, () => {
  it('answers 504 upstream_timeout within the deadline and logs the upstream, outcome and elapsed ms at WARN', async () => {
    h = await startProduct(SHORT_DB);
    h.db.fault = { kind: 'delay', ms: 3000 };
    const { result: res, ms } = await timed(products);
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ error: 'upstream_timeout', upstream: 'db-service' });
    expect(ms).toBeLessThan(TIMEOUT_MS + 500);
    const warn = h.logs.find((l) => l.level === 'WARN' && String(l.message).startsWith('db-service timeout after'));
    expect(warn?.message).toMatch(/^db-service timeout after \d+ms — upstream impact detected$/);
    expect(warn?.upstream).toMatchObject({ name: 'db-service', outcome: 'timeout' });
    expect(warn?.trace_id).toBe(res.headers['x-trace-id']);
    expect(h.db.requestsTo('GET', '/products')).toHaveLength(1);
  });

  it('answers 502 upstream_error on a db 5xx after retrying the read once', async () => {
    h = await startProduct(SHORT_DB);
    h.db.fault = { kind: 'status', status: 500, body: { error: 'injected_error', service: 'db-service' } };
    const { result: res, ms } = await timed(products);
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: 'upstream_error', upstream: 'db-service' });
    expect(ms).toBeLessThan(TIMEOUT_MS + 500);
    expect(h.db.requestsTo('GET', '/products')).toHaveLength(2);
    expect(h.logs.find((l) => l.level === 'WARN' && String(l.message).startsWith('db-service error HTTP 500 after'))).toBeDefined();
  });

  it('answers 502 upstream_error when db is unreachable', async () => {
    h = await startProduct({ ...SHORT_DB, DB_SERVICE_URL: await unreachableUrl() });
    const { result: res, ms } = await timed(products);
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: 'upstream_error', upstream: 'db-service' });
    expect(ms).toBeLessThan(TIMEOUT_MS + 500);
    expect(h.logs.find((l) => String(l.message).startsWith('db-service unreachable after'))).toBeDefined();
  });

  it('answers 502 upstream_error when db closes the connection mid-request', async () => {
    h = await startProduct(SHORT_DB);
    h.db.fault = { kind: 'close' };
    const { result: res, ms } = await timed(products);
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: 'upstream_error', upstream: 'db-service' });
    expect(ms).toBeLessThan(TIMEOUT_MS + 500);
  });

  it('answers 502 upstream_bad_data when db answers a body that is not JSON', async () => {
    h = await startProduct(SHORT_DB);
    h.db.fault = { kind: 'garbage' };
    const res = await products();
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: 'upstream_bad_data', upstream: 'db-service' });
  });

  it('never retries a write: a failing POST /cart/add reaches db once', async () => {
    h = await startProduct(SHORT_DB);
    h.db.fault = { kind: 'status', status: 503 };
    const res = await h.app.inject({ method: 'POST', url: '/cart/add', headers: ALICE, payload: { product_id: 'p1', quantity: 1 } });
    expect(res.statusCode).toBe(502);
    expect(h.db.requestsTo('POST', '/cart/add')).toHaveLength(1);
    h.db.fault = { kind: 'delay', ms: 2000 };
    const slow = await h.app.inject({ method: 'POST', url: '/cart/clear', headers: ALICE });
    expect(slow.statusCode).toBe(504);
    expect(h.db.requestsTo('POST', '/cart/clear')).toHaveLength(1);
  });

  it('opens the circuit after 5 consecutive failures and then answers 503 circuit_open at once, without calling db', async () => {
    h = await startProduct(SHORT_DB);
    h.db.fault = { kind: 'status', status: 500 };
    for (let i = 0; i < 5; i++) expect((await products()).statusCode).toBe(502);
    const calls = h.db.requests.length;
    // Were the call attempted, this slow db would hold it for the whole deadline.
    h.db.fault = { kind: 'delay', ms: 3000 };
    const { result: res, ms } = await timed(products);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'circuit_open', upstream: 'db-service' });
    expect(ms).toBeLessThan(TIMEOUT_MS * 0.8);
    expect(h.db.requests.length).toBe(calls);
    expect(h.logs.find((l) => l.message === 'db-service circuit opened')).toBeDefined();
  });

  it('sends traceparent and X-Trace-ID carrying the trace id of the response', async () => {
    h = await startProduct(SHORT_DB);
    const res = await products();
    const traceId = res.headers['x-trace-id'];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    for (const call of [...h.auth.requests, ...h.db.requests]) {
      expect(call.headers['x-trace-id']).toBe(traceId);
      expect(call.headers.traceparent).toMatch(new RegExp(`^00-${String(traceId)}-[0-9a-f]{16}-0[01]$`));
    }
  });

  it('continues a trace given as a legacy X-Trace-ID (UUID) or a traceparent', async () => {
    h = await startProduct(SHORT_DB);
    const uuid = '4bf92f35-77b3-4da6-a3ce-929d0e0e4736';
    const legacy = await h.app.inject({ url: '/products', headers: { ...ALICE, 'x-trace-id': uuid } });
    expect(legacy.headers['x-trace-id']).toBe(uuid.replaceAll('-', ''));
    expect(h.db.requests.at(-1)?.headers['x-trace-id']).toBe(uuid.replaceAll('-', ''));
    const parent = '0af7651916cd43dd8448eb211c80319c';
    const w3c = await h.app.inject({ url: '/products', headers: { ...ALICE, traceparent: `00-${parent}-b7ad6b7169203331-01` } });
    expect(w3c.headers['x-trace-id']).toBe(parent);
    expect(h.db.requests.at(-1)?.headers.traceparent).toMatch(new RegExp(`^00-${parent}-`));
  });
});
